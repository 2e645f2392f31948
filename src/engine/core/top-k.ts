// Bounded min-heap that keeps the k highest scores seen; ties keep the earlier (lower-row) item.
import type { Hit } from './types.ts';

export class TopK {
  private readonly k: number;
  private readonly ids: Float64Array;
  private readonly scores: Float64Array;
  private length = 0;

  constructor(k: number) {
    this.k = Math.max(0, Math.floor(k));
    this.ids = new Float64Array(this.k);
    this.scores = new Float64Array(this.k);
  }

  /** The score an item must beat to enter (−Infinity until full). */
  get threshold(): number {
    return this.length < this.k ? -Infinity : this.scores[0];
  }

  push(id: number, score: number): void {
    if (this.k === 0) return;
    if (this.length < this.k) {
      let i = this.length++;
      // sift up
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.scores[parent] <= score) break;
        this.ids[i] = this.ids[parent];
        this.scores[i] = this.scores[parent];
        i = parent;
      }
      this.ids[i] = id;
      this.scores[i] = score;
      return;
    }
    if (score <= this.scores[0]) return;
    // replace root, sift down
    let i = 0;
    const n = this.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.ids[i] = this.ids[child];
      this.scores[i] = this.scores[child];
      i = child;
    }
    this.ids[i] = id;
    this.scores[i] = score;
  }

  /** Best first. */
  sorted(): Hit[] {
    const hits: Hit[] = [];
    for (let i = 0; i < this.length; i++) hits.push({ id: this.ids[i], score: this.scores[i] });
    return hits.sort((a, b) => b.score - a.score || a.id - b.id);
  }
}

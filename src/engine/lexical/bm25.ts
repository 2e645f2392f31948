// BM25 keyword index with Lucene's scoring, kept in typed arrays.
//
//   score(d, q) = Σ_{t ∈ q} idf(t) · tf / (tf + k1 · (1 − b + b · dl / avgdl))
//   idf(t)      = ln(1 + (N − df + 0.5) / (df + 0.5))
//
// As Lucene ≥ 8 (and so Anserini), without the constant (k1 + 1) factor, which does not change the ranking; unlike
// Lucene, document lengths are exact rather than stored in a lossy byte. dl = number of analysed terms.
//
// Layout: documents live in "slots" (insertion order); each term has one Uint32Array of (slot, tf) pairs sorted by
// slot, and each slot keeps the list of its distinct term ids (the forward index) so that a removal can update df
// exactly. A removal only marks its slot dead; dead slots are skipped when scoring and squeezed out once they are
// a quarter of all slots.
import { TroveError } from '../core/errors.ts';
import { TopK } from '../core/top-k.ts';
import type { Hit, IdFilter, LexicalIndex } from '../core/types.ts';

export interface Bm25Options {
  /** Term-frequency saturation; default 0.9 (Anserini). */
  k1?: number;
  /** Length normalisation, 0..1; default 0.4 (Anserini). */
  b?: number;
}

export interface Bm25Stats {
  documents: number;
  /** Distinct terms in at least one live document. */
  terms: number;
  /** (term, document) pairs of live documents. */
  postings: number;
  averageLength: number;
  k1: number;
  b: number;
}

const EMPTY = new Uint32Array(0);
const MAGIC = 0x31424d54; // "TMB1" read as little-endian u32
const FORMAT_VERSION = 1;
const HEADER_BYTES = 40;

function grown<T extends Uint32Array | Float64Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}

export class Bm25Index implements LexicalIndex {
  readonly k1: number;
  readonly b: number;

  // Term dictionary: term id → name, postings (slot, tf pairs), used length of postings, live df.
  private termIdOf = new Map<string, number>();
  private termNames: string[] = [];
  private postings: Uint32Array[] = [];
  private postingsUsed = new Uint32Array(0);
  private df = new Uint32Array(0);

  // Per slot: external id, length in terms, alive flag; forward index = fwdTerms[fwdStart[s] .. fwdStart[s + 1]).
  private slotOf = new Map<number, number>();
  private docIds = new Float64Array(0);
  private docLength = new Uint32Array(0);
  private alive = new Uint8Array(0);
  private fwdStart = new Uint32Array(1);
  private fwdTerms = new Uint32Array(0);
  /** False after a load from a snapshot: the forward index is built from the postings when first needed (a change),
   * so a reopened library answers its first query without paying for it. */
  private forwardReady = true;
  private slots = 0;
  private live = 0;
  private totalLength = 0;

  // Scratch, reused across calls (the index is used from one thread).
  private tfScratch = new Uint32Array(0);
  private scores = new Float64Array(0);
  private touched = new Uint32Array(0);

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 0.9;
    this.b = options.b ?? 0.4;
    if (!(this.k1 >= 0) || !(this.b >= 0 && this.b <= 1)) {
      throw new TroveError('INVALID_ARGUMENT', `BM25 needs k1 ≥ 0 and 0 ≤ b ≤ 1, got k1=${this.k1}, b=${this.b}`);
    }
  }

  get size(): number {
    return this.live;
  }

  has(id: number): boolean {
    return this.slotOf.has(id);
  }

  /** Adds (or replaces) a document given its analysed terms. */
  add(id: number, terms: readonly string[]): void {
    this.ensureForward();
    if (this.slotOf.has(id)) this.remove(id);
    const slot = this.slots++;
    this.docIds = grown(this.docIds, slot + 1);
    this.docLength = grown(this.docLength, slot + 1);
    this.alive = grown(this.alive, slot + 1);
    this.fwdStart = grown(this.fwdStart, slot + 2);

    // Count term frequencies in tfScratch, remembering each distinct term once in the forward index.
    let fwdEnd = this.fwdStart[slot];
    for (let i = 0; i < terms.length; i++) {
      const termId = this.termIdFor(terms[i]);
      if (this.tfScratch[termId]++ === 0) {
        if (fwdEnd >= this.fwdTerms.length) this.fwdTerms = grown(this.fwdTerms, fwdEnd + 1);
        this.fwdTerms[fwdEnd++] = termId;
      }
    }
    for (let i = this.fwdStart[slot]; i < fwdEnd; i++) {
      const termId = this.fwdTerms[i];
      this.appendPosting(termId, slot, this.tfScratch[termId]);
      this.tfScratch[termId] = 0;
      this.df[termId]++;
    }

    this.fwdStart[slot + 1] = fwdEnd;
    this.docIds[slot] = id;
    this.docLength[slot] = terms.length;
    this.alive[slot] = 1;
    this.slotOf.set(id, slot);
    this.live++;
    this.totalLength += terms.length;
  }

  remove(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.ensureForward();
    this.slotOf.delete(id);
    this.alive[slot] = 0;
    for (let i = this.fwdStart[slot]; i < this.fwdStart[slot + 1]; i++) this.df[this.fwdTerms[i]]--;
    this.live--;
    this.totalLength -= this.docLength[slot];
    const dead = this.slots - this.live;
    if (dead >= 1024 && dead * 4 >= this.slots) this.compact();
  }

  clear(): void {
    Object.assign(this, new Bm25Index({ k1: this.k1, b: this.b }));
  }

  /** The k best documents for the query terms (a repeated term counts once per repeat, as in Anserini). */
  search(queryTerms: readonly string[], k: number, filter?: IdFilter): Hit[] {
    if (k <= 0 || this.live === 0) return [];
    if (this.scores.length < this.slots) {
      this.scores = new Float64Array(this.docIds.length);
      this.touched = new Uint32Array(this.docIds.length);
    }
    const { scores, touched, alive, docLength } = this;
    const lengthWeight = (this.k1 * this.b * this.live) / this.totalLength;
    const base = this.k1 * (1 - this.b);
    let touchedCount = 0;

    // Term at a time into one score accumulator per slot.
    for (const [termId, repeats] of this.queryTermIds(queryTerms)) {
      const weight = repeats * this.idf(this.df[termId]);
      const list = this.postings[termId];
      const end = this.postingsUsed[termId];
      for (let i = 0; i < end; i += 2) {
        const slot = list[i];
        if (alive[slot] === 0) continue;
        const tf = list[i + 1];
        if (scores[slot] === 0) touched[touchedCount++] = slot;
        scores[slot] += (weight * tf) / (tf + base + lengthWeight * docLength[slot]);
      }
    }

    const top = new TopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const slot = touched[i];
      const score = scores[slot];
      scores[slot] = 0;
      if (score <= top.threshold) continue;
      const id = this.docIds[slot];
      if (filter && !filter(id)) continue;
      top.push(id, score);
    }
    return top.sorted();
  }

  /** BM25 score of one document for the query terms (0 when absent or nothing matches). */
  scoreOf(id: number, queryTerms: readonly string[]): number {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return 0;
    const norm = this.k1 * (1 - this.b + (this.b * this.docLength[slot] * this.live) / this.totalLength);
    let score = 0;
    for (const [termId, repeats] of this.queryTermIds(queryTerms)) {
      const tf = this.termFrequency(termId, slot);
      if (tf > 0) score += (repeats * this.idf(this.df[termId]) * tf) / (tf + norm);
    }
    return score;
  }

  stats(): Bm25Stats {
    let terms = 0;
    let postings = 0;
    for (let t = 0; t < this.termNames.length; t++) {
      if (this.df[t] > 0) terms++;
      postings += this.df[t];
    }
    const averageLength = this.live > 0 ? this.totalLength / this.live : 0;
    return { documents: this.live, terms, postings, averageLength, k1: this.k1, b: this.b };
  }

  /**
   * Binary snapshot (little-endian): header, then per document its id and length, per term its df and name, then
   * all postings as (document index, tf) grouped by term. Dead documents and unused terms are left out.
   */
  serialize(): ArrayBuffer {
    this.ensureForward();
    this.compact();
    const termCount = this.termNames.length;
    const names = this.termNames.join('');
    const nameBytes = new TextEncoder().encode(names);
    const postingCount = this.fwdStart[this.slots];
    const sizes = [this.slots * 8, this.slots * 4, termCount * 4, termCount * 4, postingCount * 8];
    const total = HEADER_BYTES + sizes.reduce((a, n) => a + n, 0) + nameBytes.length;
    const buffer = new ArrayBuffer(total);
    const view = new DataView(buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, FORMAT_VERSION, true);
    view.setFloat64(8, this.k1, true);
    view.setFloat64(16, this.b, true);
    view.setUint32(24, this.slots, true);
    view.setUint32(28, termCount, true);
    view.setUint32(32, postingCount, true);
    view.setUint32(36, nameBytes.length, true);

    let at = HEADER_BYTES;
    new Float64Array(buffer, at, this.slots).set(this.docIds.subarray(0, this.slots));
    at += sizes[0];
    new Uint32Array(buffer, at, this.slots).set(this.docLength.subarray(0, this.slots));
    at += sizes[1];
    new Uint32Array(buffer, at, termCount).set(this.df.subarray(0, termCount));
    at += sizes[2];
    // Term name lengths in UTF-16 code units, so the one decoded string can be cut back into names.
    const nameLengths = new Uint32Array(buffer, at, termCount);
    for (let t = 0; t < termCount; t++) nameLengths[t] = this.termNames[t].length;
    at += sizes[3];
    const pairs = new Uint32Array(buffer, at, postingCount * 2);
    let p = 0;
    for (let t = 0; t < termCount; t++) {
      pairs.set(this.postings[t].subarray(0, this.postingsUsed[t]), p);
      p += this.postingsUsed[t];
    }
    at += sizes[4];
    new Uint8Array(buffer, at).set(nameBytes);
    return buffer;
  }

  static deserialize(data: ArrayBuffer | Uint8Array): Bm25Index {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    // Copy so that the typed-array views below are aligned and own their memory.
    const buffer = bytes.slice().buffer;
    const bad = (why: string) => new TroveError('INVALID_ARGUMENT', `Not a BM25 index snapshot: ${why}.`);
    if (buffer.byteLength < HEADER_BYTES) throw bad('too short');
    const view = new DataView(buffer);
    if (view.getUint32(0, true) !== MAGIC) throw bad('wrong magic number');
    if (view.getUint32(4, true) !== FORMAT_VERSION) throw bad(`unknown version ${view.getUint32(4, true)}`);
    const docCount = view.getUint32(24, true);
    const termCount = view.getUint32(28, true);
    const postingCount = view.getUint32(32, true);
    const nameByteCount = view.getUint32(36, true);
    const expected = HEADER_BYTES + docCount * 12 + termCount * 8 + postingCount * 8 + nameByteCount;
    if (buffer.byteLength !== expected) throw bad(`size ${buffer.byteLength}, expected ${expected}`);

    const index = new Bm25Index({ k1: view.getFloat64(8, true), b: view.getFloat64(16, true) });
    let at = HEADER_BYTES;
    const docIds = new Float64Array(buffer, at, docCount);
    at += docCount * 8;
    const docLength = new Uint32Array(buffer, at, docCount);
    at += docCount * 4;
    const df = new Uint32Array(buffer, at, termCount);
    at += termCount * 4;
    const nameLengths = new Uint32Array(buffer, at, termCount);
    at += termCount * 4;
    const pairs = new Uint32Array(buffer, at, postingCount * 2);
    at += postingCount * 8;
    const names = new TextDecoder().decode(new Uint8Array(buffer, at, nameByteCount));

    index.docIds = docIds.slice();
    index.docLength = docLength.slice();
    index.alive = new Uint8Array(docCount).fill(1);
    index.df = df.slice();
    index.postingsUsed = new Uint32Array(termCount);
    index.tfScratch = new Uint32Array(termCount);
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] >= docCount) throw bad('posting points past the documents');
    }
    let p = 0;
    let nameAt = 0;
    for (let t = 0; t < termCount; t++) {
      const name = names.slice(nameAt, nameAt + nameLengths[t]);
      nameAt += nameLengths[t];
      index.termIdOf.set(name, t);
      index.termNames.push(name);
      // Views into the private copy: a list that grows is copied out by `grown`, so lists never overlap.
      const list = pairs.subarray(p, p + 2 * df[t]);
      p += 2 * df[t];
      index.postings.push(list);
      index.postingsUsed[t] = list.length;
    }
    index.fwdStart = new Uint32Array(docCount + 1);
    index.forwardReady = false;
    index.slots = docCount;
    index.live = docCount;
    for (let s = 0; s < docCount; s++) {
      index.slotOf.set(index.docIds[s], s);
      index.totalLength += index.docLength[s];
    }
    return index;
  }

  /** Builds the forward index (each slot's distinct terms) from the postings, after a load from a snapshot. */
  private ensureForward(): void {
    if (this.forwardReady) return;
    const docCount = this.slots;
    const fwdStart = new Uint32Array(docCount + 1);
    for (let t = 0; t < this.postings.length; t++) {
      const list = this.postings[t];
      for (let i = 0; i < this.postingsUsed[t]; i += 2) fwdStart[list[i] + 1]++;
    }
    for (let s = 0; s < docCount; s++) fwdStart[s + 1] += fwdStart[s];
    const fill = fwdStart.slice(0, docCount);
    const fwdTerms = new Uint32Array(fwdStart[docCount]);
    for (let t = 0; t < this.postings.length; t++) {
      const list = this.postings[t];
      for (let i = 0; i < this.postingsUsed[t]; i += 2) fwdTerms[fill[list[i]]++] = t;
    }
    this.fwdStart = fwdStart;
    this.fwdTerms = fwdTerms;
    this.forwardReady = true;
  }

  private idf(df: number): number {
    return Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
  }

  /** Distinct known query terms with their repeat counts. */
  private queryTermIds(queryTerms: readonly string[]): Map<number, number> {
    const counts = new Map<number, number>();
    for (const term of queryTerms) {
      const termId = this.termIdOf.get(term);
      if (termId !== undefined && this.df[termId] > 0) counts.set(termId, (counts.get(termId) ?? 0) + 1);
    }
    return counts;
  }

  private termIdFor(term: string): number {
    let termId = this.termIdOf.get(term);
    if (termId === undefined) {
      termId = this.termNames.length;
      this.termIdOf.set(term, termId);
      this.termNames.push(term);
      this.postings.push(EMPTY);
      this.postingsUsed = grown(this.postingsUsed, termId + 1);
      this.df = grown(this.df, termId + 1);
      this.tfScratch = grown(this.tfScratch, termId + 1);
    }
    return termId;
  }

  private appendPosting(termId: number, slot: number, tf: number): void {
    let list = this.postings[termId];
    const used = this.postingsUsed[termId];
    if (used + 2 > list.length) {
      // Most terms are rare: start small, then double.
      const next = new Uint32Array(list.length === 0 ? 4 : list.length * 2);
      next.set(list);
      this.postings[termId] = list = next;
    }
    list[used] = slot;
    list[used + 1] = tf;
    this.postingsUsed[termId] = used + 2;
  }

  /** tf of a term in a slot: binary search, postings are sorted by slot. */
  private termFrequency(termId: number, slot: number): number {
    const list = this.postings[termId];
    let lo = 0;
    let hi = this.postingsUsed[termId] / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[2 * mid];
      if (s === slot) return list[2 * mid + 1];
      if (s < slot) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Drops dead slots and terms no live document uses; renumbers both in order, so postings stay sorted. */
  private compact(): void {
    if (this.live === this.slots && this.df.subarray(0, this.termNames.length).every((n) => n > 0)) return;
    const newSlot = new Int32Array(this.slots).fill(-1);
    let liveSlots = 0;
    for (let s = 0; s < this.slots; s++) if (this.alive[s]) newSlot[s] = liveSlots++;

    const termCount = this.termNames.length;
    const newTerm = new Int32Array(termCount).fill(-1);
    const names: string[] = [];
    const postings: Uint32Array[] = [];
    const used: number[] = [];
    for (let t = 0; t < termCount; t++) {
      if (this.df[t] === 0) continue;
      newTerm[t] = names.length;
      const list = this.postings[t];
      let w = 0;
      for (let r = 0; r < this.postingsUsed[t]; r += 2) {
        const s = newSlot[list[r]];
        if (s < 0) continue;
        list[w++] = s;
        list[w++] = list[r + 1];
      }
      names.push(this.termNames[t]);
      postings.push(list.length > 2 * w + 8 ? list.slice(0, w) : list);
      used.push(w);
    }

    const fwdStart = new Uint32Array(liveSlots + 1);
    const fwdTerms = new Uint32Array(this.fwdStart[this.slots]);
    const docIds = new Float64Array(liveSlots);
    const docLength = new Uint32Array(liveSlots);
    let w = 0;
    for (let s = 0; s < this.slots; s++) {
      const to = newSlot[s];
      if (to < 0) continue;
      for (let i = this.fwdStart[s]; i < this.fwdStart[s + 1]; i++) fwdTerms[w++] = newTerm[this.fwdTerms[i]];
      fwdStart[to + 1] = w;
      docIds[to] = this.docIds[s];
      docLength[to] = this.docLength[s];
    }

    this.termNames = names;
    this.termIdOf = new Map(names.map((name, t) => [name, t]));
    this.postings = postings;
    this.postingsUsed = Uint32Array.from(used);
    this.df = Uint32Array.from(used, (n) => n / 2);
    this.tfScratch = new Uint32Array(names.length);
    this.fwdStart = fwdStart;
    this.fwdTerms = fwdTerms.slice(0, w);
    this.docIds = docIds;
    this.docLength = docLength;
    this.alive = new Uint8Array(liveSlots).fill(1);
    this.slotOf = new Map();
    for (let s = 0; s < liveSlots; s++) this.slotOf.set(docIds[s], s);
    this.slots = liveSlots;
    this.scores = new Float64Array(0);
    this.touched = new Uint32Array(0);
  }
}

import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { project, type ProjectionProgress } from './project.ts';

/** mulberry32, seeded: the test data is the same on every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `perCluster` points around each of `clusters` random centres in `dims` dimensions; labels say which. */
function clustered(clusters: number, perCluster: number, dims: number, spread = 0.15, seed = 7) {
  const random = seeded(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dims }, () => random() * 2 - 1));
  const vectors = new Float32Array(clusters * perCluster * dims);
  const labels: number[] = [];
  for (let c = 0; c < clusters; c++) {
    for (let p = 0; p < perCluster; p++) {
      const row = (c * perCluster + p) * dims;
      for (let i = 0; i < dims; i++) vectors[row + i] = centres[c]![i]! + (random() * 2 - 1) * spread;
      labels.push(c);
    }
  }
  return { vectors, labels };
}

/** Share of points whose nearest other point in 2-D has the same label: near 1 when clusters stay apart. */
function neighbourPurity(points: Float32Array, labels: number[]): number {
  let same = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = (points[i * 2]! - points[j * 2]!) ** 2 + (points[i * 2 + 1]! - points[j * 2 + 1]!) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (labels[best] === labels[i]) same++;
  }
  return same / n;
}

describe('project', () => {
  it('PCA keeps well-separated clusters apart', async () => {
    const { vectors, labels } = clustered(4, 60, 48);
    const result = await project(vectors, 48, { method: 'pca', seed: 3 });
    expect(result.method).toBe('pca');
    expect(result.points.length).toBe(labels.length * 2);
    expect(neighbourPurity(result.points, labels)).toBeGreaterThan(0.95);
  });

  it('PCA finds the plane that data lying on a plane spans (distances preserved)', async () => {
    // Points on a random 2-D plane in 30-D: PCA to 2-D is an isometry up to rotation/reflection.
    const random = seeded(11);
    const dims = 30;
    const u = Array.from({ length: dims }, () => random() - 0.5);
    const v = Array.from({ length: dims }, () => random() - 0.5);
    const nu = Math.hypot(...u);
    const uu = u.map((x) => x / nu);
    const dot = v.reduce((s, x, i) => s + x * uu[i]!, 0);
    const vv0 = v.map((x, i) => x - dot * uu[i]!);
    const nv = Math.hypot(...vv0);
    const vv = vv0.map((x) => x / nv);
    const n = 100;
    const coords = Array.from({ length: n }, () => [random() * 4 - 2, random() - 0.5] as const);
    const vectors = new Float32Array(n * dims);
    coords.forEach(([a, b], r) => {
      for (let i = 0; i < dims; i++) vectors[r * dims + i] = a * uu[i]! + b * vv[i]!;
    });
    const { points } = await project(vectors, dims, { method: 'pca' });
    for (const [i, j] of [
      [0, 1],
      [5, 60],
      [17, 99],
    ] as const) {
      const before = Math.hypot(coords[i]![0] - coords[j]![0], coords[i]![1] - coords[j]![1]);
      const after = Math.hypot(points[i * 2]! - points[j * 2]!, points[i * 2 + 1]! - points[j * 2 + 1]!);
      expect(after).toBeCloseTo(before, 3);
    }
  });

  it('UMAP on a sample plus placement keeps clusters apart, and is deterministic for a seed', async () => {
    const { vectors, labels } = clustered(3, 200, 40, 0.3);
    const options = { method: 'umap' as const, seed: 5, umapSample: 240, nEpochs: 60, pcaDims: 10 };
    const first = await project(vectors, 40, options);
    expect(first.method).toBe('umap');
    expect(first.sampled).toBe(240);
    expect(first.points.every(Number.isFinite)).toBe(true);
    expect(neighbourPurity(first.points, labels)).toBeGreaterThan(0.95);
    const again = await project(vectors, 40, options);
    expect(Array.from(again.points)).toEqual(Array.from(first.points));
    const otherSeed = await project(vectors, 40, { ...options, seed: 6 });
    expect(Array.from(otherSeed.points)).not.toEqual(Array.from(first.points));
  });

  it('reports progress per stage, ending at 1', async () => {
    const { vectors } = clustered(2, 100, 16);
    const seen: ProjectionProgress[] = [];
    await project(vectors, 16, { method: 'umap', umapSample: 120, nEpochs: 30, onProgress: (p) => seen.push(p) });
    const stages = [...new Set(seen.map((p) => p.stage))];
    expect(stages).toEqual(['pca', 'umap', 'place']);
    expect(seen.at(-1)).toEqual({ stage: 'place', fraction: 1 });
    const umap = seen.filter((p) => p.stage === 'umap').map((p) => p.fraction);
    expect(umap).toEqual([...umap].sort((a, b) => a - b));
  });

  it('stops with CANCELLED when the signal aborts mid-way', async () => {
    const { vectors } = clustered(2, 150, 16);
    const controller = new AbortController();
    const run = project(vectors, 16, {
      method: 'umap',
      nEpochs: 400,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'umap' && p.fraction > 0.1) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('refuses a vector buffer that is not whole rows', async () => {
    await expect(project(new Float32Array(7), 3)).rejects.toBeInstanceOf(TroveError);
    await expect(project(new Float32Array(7), 3)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('handles tiny inputs: auto falls back to PCA, one point and one dimension', async () => {
    const few = await project(new Float32Array([1, 0, 0, 1, 1, 1]), 2);
    expect(few.method).toBe('pca');
    expect(few.points.length).toBe(6);
    const one = await project(new Float32Array([0.5, 0.5, 0.5]), 3);
    expect(Array.from(one.points)).toEqual([0, 0]);
    const line = await project(new Float32Array([1, 2, 3]), 1);
    expect(line.points.length).toBe(6);
  });

  it('PCA cost is linear in the number of points (10x points ≈ 10x time, not 100x)', async () => {
    const small = clustered(4, 500, 64).vectors;
    const large = clustered(4, 5000, 64).vectors;
    const time = async (v: Float32Array) => {
      const t0 = performance.now();
      await project(v, 64, { method: 'pca', pcaSample: 1000 });
      return performance.now() - t0;
    };
    await time(small);
    const ratio = (await time(large)) / Math.max(await time(small), 1);
    expect(ratio).toBeLessThan(40);
  });
});

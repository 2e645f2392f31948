// 2-D projection of passage vectors for the embedding map. Pure TypeScript over typed arrays: runs in the worker
// and in Node. PCA first (fit on a sample, applied to all: linear in the number of points), then UMAP (umap-js) on
// a sample of the PCA-reduced points; the points outside the sample are placed among their nearest sample points.
// Seeded, so the same library gives the same map; progress per stage; cancellable between steps.
import { TroveError, throwIfAborted } from '../core/errors.ts';

export type ProjectionMethod = 'auto' | 'pca' | 'umap';

export interface ProjectionProgress {
  stage: 'pca' | 'umap' | 'place';
  /** 0..1 within the stage. */
  fraction: number;
}

export interface ProjectOptions {
  /** 'auto' (default): UMAP when there are enough points for a neighbourhood graph, else PCA. */
  method?: ProjectionMethod;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ProjectionProgress) => void;
  /** Dimensions PCA keeps as UMAP's input (default 32). */
  pcaDims?: number;
  /** Rows the PCA covariance is estimated from (default 3000). */
  pcaSample?: number;
  /** Points UMAP lays out itself (default 2000); the rest are placed beside their nearest of these. */
  umapSample?: number;
  /** UMAP neighbourhood size (default 15). */
  nNeighbors?: number;
  /** UMAP optimisation epochs (default 200: the layout is settled by then; umap-js would pick 500 below 10k points). */
  nEpochs?: number;
}

export interface Projection {
  /** x, y pairs, one per input row, in input order. */
  points: Float32Array;
  method: 'pca' | 'umap';
  /** How many points UMAP laid out itself (0 for PCA). */
  sampled: number;
}

const PLACE_NEIGHBOURS = 3;
/** Dimensions used to find a non-sample point's nearest sample points (the leading PCA dimensions). */
const PLACE_DIMS = 10;
const EIGEN_ROUNDS = 25;
/** Cancellation and progress are checked this often (epochs, rows). */
const UMAP_STEP_BATCH = 10;

/**
 * Projects `count = vectors.length / dims` rows of `dims` floats to 2-D.
 * Throws TroveError INVALID_ARGUMENT for a bad shape and CANCELLED when `signal` aborts.
 */
export async function project(vectors: Float32Array, dims: number, options: ProjectOptions = {}): Promise<Projection> {
  if (!Number.isInteger(dims) || dims < 1 || vectors.length % dims !== 0) {
    throw new TroveError('INVALID_ARGUMENT', `project: ${vectors.length} floats are not whole rows of ${dims} dims.`);
  }
  const { signal, onProgress } = options;
  const random = seeded(options.seed ?? 1);
  const count = vectors.length / dims;
  const nNeighbors = options.nNeighbors ?? 15;
  const method = options.method === 'umap' || (options.method !== 'pca' && count > nNeighbors * 2) ? 'umap' : 'pca';
  throwIfAborted(signal);

  const keep = Math.min(dims, method === 'pca' ? 2 : (options.pcaDims ?? 32));
  const reduced = await pca(vectors, dims, keep, options.pcaSample ?? 3000, random, signal);
  onProgress?.({ stage: 'pca', fraction: 1 });
  if (method === 'pca' || count < 3) return { points: padTo2(reduced, keep, count), method: 'pca', sampled: 0 };

  const sampleSize = Math.min(count, options.umapSample ?? 2000);
  const sample = sampleIndices(count, sampleSize, random);
  const rows: number[][] = [];
  for (const index of sample) rows.push(Array.from(reduced.subarray(index * keep, (index + 1) * keep)));
  // umap-js loads with the first map, not at worker start.
  const { UMAP } = await import('umap-js');
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(nNeighbors, sampleSize - 1),
    nEpochs: options.nEpochs ?? 200,
    random,
  });
  const epochs = umap.initializeFit(rows);
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    if (epoch % UMAP_STEP_BATCH === 0) {
      onProgress?.({ stage: 'umap', fraction: epoch / epochs });
      await yieldToEvents();
      throwIfAborted(signal);
    }
  }
  onProgress?.({ stage: 'umap', fraction: 1 });
  const layout = umap.getEmbedding();

  const points = new Float32Array(count * 2);
  const inSample = new Int32Array(count).fill(-1);
  sample.forEach((index, position) => {
    inSample[index] = position;
    points[index * 2] = layout[position]![0]!;
    points[index * 2 + 1] = layout[position]![1]!;
  });
  if (sampleSize < count) await place(reduced, keep, sample, inSample, layout, points, signal, onProgress);
  onProgress?.({ stage: 'place', fraction: 1 });
  return { points, method: 'umap', sampled: sampleSize };
}

/**
 * Principal components: the covariance of (a sample of) the centred rows, its top `keep` eigenvectors by subspace
 * iteration, then every row projected onto them. Cost: sample·dims² + count·dims·keep.
 */
async function pca(
  vectors: Float32Array,
  dims: number,
  keep: number,
  sampleSize: number,
  random: () => number,
  signal: AbortSignal | undefined,
): Promise<Float32Array> {
  const count = vectors.length / dims;
  const mean = new Float64Array(dims);
  for (let r = 0; r < count; r++) for (let i = 0; i < dims; i++) mean[i]! += vectors[r * dims + i]!;
  for (let i = 0; i < dims; i++) mean[i]! /= Math.max(1, count);

  const rows = sampleIndices(count, Math.min(count, sampleSize), random);
  const cov = new Float64Array(dims * dims);
  const centred = new Float64Array(dims);
  for (let n = 0; n < rows.length; n++) {
    const base = rows[n]! * dims;
    for (let i = 0; i < dims; i++) centred[i] = vectors[base + i]! - mean[i]!;
    for (let i = 0; i < dims; i++) {
      const xi = centred[i]!;
      if (xi === 0) continue;
      const row = i * dims;
      for (let j = i; j < dims; j++) cov[row + j]! += xi * centred[j]!;
    }
    if (n % 1024 === 1023) {
      await yieldToEvents();
      throwIfAborted(signal);
    }
  }
  for (let i = 0; i < dims; i++) for (let j = 0; j < i; j++) cov[i * dims + j] = cov[j * dims + i]!;

  const basis = topEigenvectors(cov, dims, keep, random);
  const out = new Float32Array(count * keep);
  for (let r = 0; r < count; r++) {
    const base = r * dims;
    for (let i = 0; i < dims; i++) centred[i] = vectors[base + i]! - mean[i]!;
    for (let c = 0; c < keep; c++) {
      const v = c * dims;
      let sum = 0;
      for (let i = 0; i < dims; i++) sum += centred[i]! * basis[v + i]!;
      out[r * keep + c] = sum;
    }
    if (r % 4096 === 4095) {
      await yieldToEvents();
      throwIfAborted(signal);
    }
  }
  return out;
}

/**
 * Top `keep` eigenvectors (rows of the result) of a symmetric `dims`×`dims` matrix, by orthogonal iteration.
 * A bounded number of rounds: for a map, the leading subspace matters, not eigenvector precision.
 */
function topEigenvectors(matrix: Float64Array, dims: number, keep: number, random: () => number): Float64Array {
  const q = new Float64Array(keep * dims);
  for (let i = 0; i < q.length; i++) q[i] = random() - 0.5;
  orthonormalise(q, dims, keep);
  const next = new Float64Array(keep * dims);
  for (let iteration = 0; iteration < EIGEN_ROUNDS; iteration++) {
    for (let c = 0; c < keep; c++) {
      for (let i = 0; i < dims; i++) {
        let sum = 0;
        const row = i * dims;
        for (let j = 0; j < dims; j++) sum += matrix[row + j]! * q[c * dims + j]!;
        next[c * dims + i] = sum;
      }
    }
    orthonormalise(next, dims, keep);
    let change = 0;
    for (let c = 0; c < keep; c++) {
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += next[c * dims + i]! * q[c * dims + i]!;
      change = Math.max(change, 1 - Math.abs(dot));
    }
    q.set(next);
    if (change < 1e-6) break;
  }
  return q;
}

/** Gram-Schmidt over `keep` row vectors of length `dims`; a vector that collapses is replaced by a unit axis. */
function orthonormalise(vectors: Float64Array, dims: number, keep: number): void {
  for (let c = 0; c < keep; c++) {
    const v = vectors.subarray(c * dims, (c + 1) * dims);
    for (let p = 0; p < c; p++) {
      const u = vectors.subarray(p * dims, (p + 1) * dims);
      let dot = 0;
      for (let i = 0; i < dims; i++) dot += v[i]! * u[i]!;
      for (let i = 0; i < dims; i++) v[i]! -= dot * u[i]!;
    }
    let norm = 0;
    for (let i = 0; i < dims; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      v.fill(0);
      v[c % dims] = 1;
      norm = 1;
    }
    for (let i = 0; i < dims; i++) v[i]! /= norm;
  }
}

/** Places each point outside the sample at the distance-weighted mean of its nearest sample points' positions. */
async function place(
  reduced: Float32Array,
  keep: number,
  sample: number[],
  inSample: Int32Array,
  layout: number[][],
  points: Float32Array,
  signal: AbortSignal | undefined,
  onProgress: ((progress: ProjectionProgress) => void) | undefined,
): Promise<void> {
  const count = reduced.length / keep;
  const dims = Math.min(keep, PLACE_DIMS);
  const bestIndex = new Int32Array(PLACE_NEIGHBOURS);
  const bestDistance = new Float64Array(PLACE_NEIGHBOURS);
  for (let r = 0; r < count; r++) {
    if (inSample[r]! >= 0) continue;
    bestDistance.fill(Infinity);
    bestIndex.fill(0);
    const base = r * keep;
    for (let s = 0; s < sample.length; s++) {
      const other = sample[s]! * keep;
      let d = 0;
      for (let i = 0; i < dims; i++) {
        const diff = reduced[base + i]! - reduced[other + i]!;
        d += diff * diff;
      }
      if (d >= bestDistance[PLACE_NEIGHBOURS - 1]!) continue;
      let at = PLACE_NEIGHBOURS - 1;
      while (at > 0 && bestDistance[at - 1]! > d) {
        bestDistance[at] = bestDistance[at - 1]!;
        bestIndex[at] = bestIndex[at - 1]!;
        at--;
      }
      bestDistance[at] = d;
      bestIndex[at] = s;
    }
    let x = 0;
    let y = 0;
    let total = 0;
    for (let k = 0; k < PLACE_NEIGHBOURS && k < sample.length; k++) {
      const weight = 1 / (Math.sqrt(bestDistance[k]!) + 1e-6);
      x += weight * layout[bestIndex[k]!]![0]!;
      y += weight * layout[bestIndex[k]!]![1]!;
      total += weight;
    }
    points[r * 2] = x / total;
    points[r * 2 + 1] = y / total;
    if (r % 2048 === 2047) {
      onProgress?.({ stage: 'place', fraction: r / count });
      await yieldToEvents();
      throwIfAborted(signal);
    }
  }
}

/** `size` distinct indices below `count`, in increasing order (partial Fisher-Yates). */
function sampleIndices(count: number, size: number, random: () => number): number[] {
  if (size >= count) return Array.from({ length: count }, (_, i) => i);
  const pool = new Uint32Array(count);
  for (let i = 0; i < count; i++) pool[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (count - i));
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  return Array.from(pool.subarray(0, size)).sort((a, b) => a - b);
}

function padTo2(reduced: Float32Array, keep: number, count: number): Float32Array {
  if (keep === 2) return reduced;
  const points = new Float32Array(count * 2);
  for (let r = 0; r < count; r++) points[r * 2] = keep > 0 ? reduced[r * keep]! : 0;
  return points;
}

/** Lets a cancel message (and the UI's progress) through between slices of work. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** mulberry32: small, fast, seedable. */
function seeded(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

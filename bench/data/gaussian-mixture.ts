// Seeded Gaussian-mixture vectors that resemble sentence embeddings: unit centres sharing a common direction
// (real embeddings are anisotropic: unrelated texts still have cosine ≈ 0.1), Zipf-like cluster sizes, a noise level
// per cluster, and noise that lies mostly along a few random directions per cluster (a low intrinsic dimension, as
// embeddings have) plus an isotropic rest. Random directions, not coordinate axes, so no dimension is special and
// sign-bit (binary) codes are not helped or hurt by an axis-aligned spectrum. Rows are L2-normalised. Queries come
// from the same mixture with their own random stream: new points, not copies of base vectors.
// Runs in Node and in the browser (the reload benchmark builds the same data on both sides).

/** Bump when the generator changes: it keys the cached ground truth. */
export const MIXTURE_VERSION = 2;

export interface MixtureOptions {
  count: number;
  dims?: number;
  clusters?: number;
  seed?: number;
  /** Which random stream: base vectors and queries of one mixture use different streams. */
  stream?: 'base' | 'queries';
}

/** mulberry32, as in bench/bm25.ts and the unit tests. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller; the second value of each pair is kept for the next call). */
function gaussian(random: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = 1 - random(); // (0, 1]: log stays finite
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * random();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

function normalise(v: Float32Array, offset: number, dims: number): void {
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += v[offset + d] * v[offset + d];
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < dims; d++) v[offset + d] *= scale;
}

interface Mixture {
  centres: Float32Array;
  /** Cumulative cluster weights (Zipf, s = 1), for sampling a cluster. */
  cdf: Float64Array;
  /** Noise norm per cluster. */
  sigma: Float32Array;
  /** Shared pool of random unit directions; each cluster draws its noise along RANK of them. */
  pool: Float32Array;
  /** Per cluster, RANK indices into the pool. */
  axes: Uint16Array;
}

const POOL = 512;
const RANK = 48;
/** Fraction of the noise variance that is isotropic (the rest lies in the cluster's RANK directions). */
const ISOTROPIC = 0.3;

/** The mixture itself depends only on seed, dims and clusters, so base and query streams share it. */
function mixture(dims: number, clusters: number, seed: number): Mixture {
  const random = seeded(seed);
  const normal = gaussian(random);
  const common = new Float32Array(dims);
  for (let d = 0; d < dims; d++) common[d] = normal();
  normalise(common, 0, dims);
  const centres = new Float32Array(clusters * dims);
  for (let c = 0; c < clusters; c++) {
    const o = c * dims;
    for (let d = 0; d < dims; d++) centres[o + d] = normal();
    normalise(centres, o, dims);
    for (let d = 0; d < dims; d++) centres[o + d] += 0.35 * common[d]; // cosine between centres ≈ 0.1
    normalise(centres, o, dims);
  }
  const cdf = new Float64Array(clusters);
  let sum = 0;
  for (let c = 0; c < clusters; c++) cdf[c] = sum += 1 / (c + 1);
  for (let c = 0; c < clusters; c++) cdf[c] /= sum;
  const pool = new Float32Array(POOL * dims);
  for (let i = 0; i < POOL * dims; i++) pool[i] = normal();
  for (let p = 0; p < POOL; p++) normalise(pool, p * dims, dims);
  const sigma = new Float32Array(clusters);
  const axes = new Uint16Array(clusters * RANK);
  for (let c = 0; c < clusters; c++) {
    sigma[c] = 0.45 + 0.5 * random(); // per-cluster spread: tight topics and loose ones
    for (let j = 0; j < RANK; j++) axes[c * RANK + j] = Math.floor(random() * POOL);
  }
  return { centres, cdf, sigma, pool, axes };
}

/** `count` rows of `dims` floats, L2-normalised, plus the cluster each row was drawn from. */
export function gaussianMixture(options: MixtureOptions): { vectors: Float32Array; clusterOf: Uint16Array } {
  const { count, dims = 384, clusters = 1000, seed = 42, stream = 'base' } = options;
  const { centres, cdf, sigma, pool, axes } = mixture(dims, clusters, seed);
  // The j-th direction of a cluster carries variance ∝ 1 / (j + 1): a few strong directions, a long tail.
  const weights = Float64Array.from({ length: RANK }, (_, j) => 1 / (j + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  for (let j = 0; j < RANK; j++) weights[j] = Math.sqrt(weights[j] / total);
  const random = seeded((seed ^ (stream === 'base' ? 0x5eed : 0x9e3779b9)) >>> 0);
  const normal = gaussian(random);
  const vectors = new Float32Array(count * dims);
  const clusterOf = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    const x = random();
    let lo = 0;
    let hi = clusters - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    clusterOf[i] = lo;
    const o = i * dims;
    const c = lo * dims;
    const s = sigma[lo];
    const iso = (s * Math.sqrt(ISOTROPIC)) / Math.sqrt(dims);
    for (let d = 0; d < dims; d++) vectors[o + d] = centres[c + d] + iso * normal();
    for (let j = 0; j < RANK; j++) {
      const w = s * Math.sqrt(1 - ISOTROPIC) * weights[j] * normal();
      const p = axes[lo * RANK + j] * dims;
      for (let d = 0; d < dims; d++) vectors[o + d] += w * pool[p + d];
    }
    normalise(vectors, o, dims);
  }
  return { vectors, clusterOf };
}

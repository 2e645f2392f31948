// Test helpers for the HNSW tests: seeded clustered data and recall. Ground truth comes from the flat index.

/** mulberry32: seeded uniform [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  // Box-Muller; 1 − u keeps the log finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function normalizeInPlace(v: Float32Array, offset: number, dims: number): void {
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += v[offset + d] * v[offset + d];
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dims; d++) v[offset + d] /= norm;
}

/**
 * A seeded Gaussian mixture of unit vectors that resembles sentence embeddings: `clusters` unit centres with
 * Zipf-like sizes, per-cluster noise, each point normalised. Returns `base` and `queries` from the same mixture,
 * and the cluster each base row was drawn from.
 */
export function clusteredVectors(
  n: number,
  queries: number,
  dims: number,
  seed: number,
  clusters = Math.max(1, Math.round(n / 100)),
): { base: Float32Array; queries: Float32Array; clusterOf: Uint16Array } {
  const random = seededRandom(seed);
  const centres = new Float32Array(clusters * dims);
  const noise = new Float32Array(clusters);
  const cumulative = new Float64Array(clusters);
  let total = 0;
  for (let c = 0; c < clusters; c++) {
    for (let d = 0; d < dims; d++) centres[c * dims + d] = gaussian(random);
    normalizeInPlace(centres, c * dims, dims);
    noise[c] = 0.6 + 0.6 * random(); // per-cluster spread: cos(point, centre) ≈ 0.64 … 0.86
    total += 1 / (c + 1); // Zipf-like cluster sizes
    cumulative[c] = total;
  }
  const draw = (count: number, clusterOf?: Uint16Array): Float32Array => {
    const out = new Float32Array(count * dims);
    const scale = 1 / Math.sqrt(dims);
    for (let i = 0; i < count; i++) {
      const u = random() * total;
      let lo = 0;
      let hi = clusters - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      if (clusterOf) clusterOf[i] = lo;
      const sigma = noise[lo] * scale;
      for (let d = 0; d < dims; d++) out[i * dims + d] = centres[lo * dims + d] + sigma * gaussian(random);
      normalizeInPlace(out, i * dims, dims);
    }
    return out;
  };
  const clusterOf = new Uint16Array(n);
  return { base: draw(n, clusterOf), queries: draw(queries), clusterOf };
}

/** |found ∩ truth| / |truth|, averaged by the caller. */
export function recallOf(found: readonly number[], truth: readonly number[]): number {
  if (truth.length === 0) return 1;
  const set = new Set(truth);
  let hit = 0;
  for (const id of found) if (set.has(id)) hit++;
  return hit / truth.length;
}

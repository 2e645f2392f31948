// Embedding-map projection benchmark: 2-D layouts of N seeded Gaussian-mixture "embeddings" (default 20,000 × 384,
// 50 clusters) by PCA alone, and by PCA → UMAP on samples of two sizes with the rest placed beside their nearest
// sample points. Prints seconds per method and the ratio to PCA, plus how well each layout keeps clusters together
// (share of 1,000 probe points whose nearest 2-D neighbour is from the same cluster).
import { parseArgs } from 'node:util';
import { project, type ProjectOptions } from '../src/engine/map/project.ts';
import { gaussianMixture } from './data/gaussian-mixture.ts';

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '20000' },
      dims: { type: 'string', default: '384' },
      json: { type: 'boolean' },
    },
  });
  const count = Number(values.count);
  const dims = Number(values.dims);
  const { vectors, clusterOf } = gaussianMixture({ count, dims, clusters: 50, seed: 42 });
  const runs: Array<{ name: string; options: ProjectOptions }> = [
    { name: 'PCA (2 components)', options: { method: 'pca' } },
    { name: 'PCA 32 → UMAP on 1,000 + place', options: { method: 'umap', umapSample: 1000 } },
    { name: 'PCA 32 → UMAP on 2,000 + place (default)', options: { method: 'umap' } },
    { name: 'PCA 32 → UMAP on 4,000 + place', options: { method: 'umap', umapSample: 4000 } },
  ];
  const rows: Array<{ name: string; seconds: number; purity: number }> = [];
  for (const run of runs) {
    const t0 = performance.now();
    const { points } = await project(vectors, dims, { ...run.options, seed: 1 });
    rows.push({ name: run.name, seconds: (performance.now() - t0) / 1000, purity: purity(points, clusterOf) });
  }
  const base = rows[0]!.seconds;
  console.log(`\nProjection of ${count.toLocaleString()} × ${dims} vectors (50 clusters), Node ${process.version}\n`);
  console.log('| method | seconds | × PCA | same-cluster nearest neighbour |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${row.seconds.toFixed(2)} | ${(row.seconds / base).toFixed(1)} | ${(row.purity * 100).toFixed(1)}% |`,
    );
  }
  if (values.json) console.log(JSON.stringify({ count, dims, rows }));
}

/** Share of 1,000 evenly spaced probe points whose nearest other point in 2-D is from the same cluster. */
function purity(points: Float32Array, clusterOf: Uint16Array): number {
  const n = clusterOf.length;
  const probes = Math.min(1000, n);
  let same = 0;
  for (let p = 0; p < probes; p++) {
    const i = Math.floor((p * n) / probes);
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
    if (clusterOf[best] === clusterOf[i]) same++;
  }
  return same / probes;
}

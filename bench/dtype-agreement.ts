// How far q8 vectors are from fp32 vectors of the same model (issue 11, "a device change never silently
// re-embeds"): the per-passage cosine between the two, on real chunks, for the benchmark's random-weight MiniLM-L6
// (bench/embed-model.ts, the same folder `npm run bench -- embed` uses). Trove does not mix dtypes in one index
// (it asks before re-embedding, see src/engine/models/dtype-choice.ts); this measures what mixing would cost.
// Usage: npx tsx bench/dtype-agreement.ts [count=200]. Native onnxruntime-node (CPU), 1 model at a time.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkDocument } from '../src/engine/ingest/chunker.ts';
import { estimateTokens } from '../src/engine/models/token-estimate.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { rowCosine } from '../src/engine/embed/device-self-check.ts';
import { BENCH_MODEL_REPO, BENCH_SPEC } from './embed-spec.ts';
import { buildVocab, makeBenchModel } from './embed-model.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const MODELS = join(HERE, '.cache', 'embed-model');
const DATA = resolve(HERE, '../../shared/datasets/scifact/corpus.jsonl');
const count = Number(process.argv[2] ?? 200);

const docs = readFileSync(DATA, 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as { title?: string; text: string });
const texts: string[] = [];
for (const doc of docs) {
  const text = doc.title ? `${doc.title}\n\n${doc.text}` : doc.text;
  for (const chunk of chunkDocument(
    { format: 'text', text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
    { maxTokens: 254, overlapTokens: 32, countTokens: estimateTokens },
  )) {
    texts.push(chunk.text);
  }
  if (texts.length >= count) break;
}
texts.length = Math.min(texts.length, count);
makeBenchModel(
  join(MODELS, BENCH_MODEL_REPO),
  buildVocab(docs.slice(0, 5000).map((d) => `${d.title ?? ''} ${d.text}`)),
);

const embed = async (dtype: 'fp32' | 'q8') => {
  const embedder = await loadTransformersEmbedder({
    modelId: BENCH_SPEC.id,
    spec: BENCH_SPEC,
    allowRemoteModels: false,
    localModelPath: MODELS + '/',
    device: 'cpu',
    dtype,
  });
  const started = performance.now();
  const vectors = await embedder.embedPassages(texts);
  const seconds = (performance.now() - started) / 1000;
  await embedder.dispose();
  return { vectors, perSecond: texts.length / seconds };
};
const fp32 = await embed('fp32');
const q8 = await embed('q8');
const dims = BENCH_SPEC.dims;
const cosines = texts.map((_, i) =>
  rowCosine(fp32.vectors.subarray(i * dims, (i + 1) * dims), q8.vectors.subarray(i * dims, (i + 1) * dims)),
);
cosines.sort((a, b) => a - b);
const at = (p: number) => cosines[Math.min(cosines.length - 1, Math.floor(p * cosines.length))];
const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
// The baseline that makes the numbers mean something: how similar two DIFFERENT passages are under fp32. When that is
// close to 1 too (random weights give near-identical mean-pooled vectors), the model cannot show disagreement.
const others = texts
  .slice(1)
  .map((_, i) =>
    rowCosine(fp32.vectors.subarray(i * dims, (i + 1) * dims), fp32.vectors.subarray((i + 1) * dims, (i + 2) * dims)),
  );
// Gap that matters for search: 1 - cosine, q8 vs fp32 of the same passage, against 1 - cosine of different passages.
const meanOther = others.reduce((a, b) => a + b, 0) / others.length;
const result = {
  fp32NeighbourMeanCosine: +meanOther.toFixed(6),
  meanGap: +(1 - mean).toExponential(2),
  neighbourGap: +(1 - meanOther).toExponential(2),
  passages: texts.length,
  mean: +mean.toFixed(6),
  min: +cosines[0].toFixed(6),
  p05: +at(0.05).toFixed(6),
  median: +at(0.5).toFixed(6),
  below099: cosines.filter((c) => c < 0.99).length,
  fp32PerSecond: +fp32.perSecond.toFixed(1),
  q8PerSecond: +q8.perSecond.toFixed(1),
};
console.log(JSON.stringify(result));

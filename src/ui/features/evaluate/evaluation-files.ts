// Which test set the picked files are: the BEIR layout (corpus.jsonl, queries.jsonl, qrels.tsv, picked as three
// files or one folder), or a single eval.jsonl of {query, relevant} against the current library.
import type { EvaluationSet } from '../../../engine/api/index.ts';

export interface PickedFile {
  name: string;
  /** Path inside a picked folder (webkitRelativePath), when there is one. */
  path?: string;
  text: () => Promise<string>;
}

export async function evaluationSetOf(files: readonly PickedFile[]): Promise<EvaluationSet> {
  const find = (name: string) => files.find((f) => f.name === name);
  const corpus = find('corpus.jsonl');
  const queries = find('queries.jsonl');
  const qrels = find('qrels.tsv') ?? files.find((f) => f.name.endsWith('.tsv') && (f.path ?? '').includes('qrels'));
  if (corpus || queries || qrels) {
    const missing = [!corpus && 'corpus.jsonl', !queries && 'queries.jsonl', !qrels && 'qrels.tsv'].filter(Boolean);
    if (missing.length)
      throw new Error(
        `A BEIR test set needs corpus.jsonl, queries.jsonl and qrels.tsv; missing: ${missing.join(', ')}.`,
      );
    const folder = (corpus!.path ?? '').split('/').slice(-2, -1)[0];
    return {
      kind: 'beir',
      name: folder || 'test set',
      corpus: await corpus!.text(),
      queries: await queries!.text(),
      qrels: await qrels!.text(),
    };
  }
  const simple = files.find((f) => f.name.endsWith('.jsonl'));
  if (simple && files.length === 1) return { kind: 'simple', name: simple.name, text: await simple.text() };
  throw new Error('Pick corpus.jsonl, queries.jsonl and qrels.tsv (or their folder), or one eval.jsonl.');
}

// Reading a test collection's files from a folder (Node only: the CLI, benchmarks and `npm run eval`). Apart from
// dataset.ts so the browser build never pulls in node:fs or node:path.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { TroveError } from '../core/errors.ts';
import { buildDataset, type Dataset } from './dataset.ts';

/** Reads a collection directory in the BEIR layout (corpus.jsonl, queries.jsonl, qrels.tsv). */
export async function loadDataset(dir: string): Promise<Dataset> {
  const read = async (file: string) => {
    try {
      return await readFile(join(dir, file), 'utf8');
    } catch (error) {
      const message = `Cannot read ${join(dir, file)}: a collection needs corpus.jsonl, queries.jsonl, qrels.tsv.`;
      throw new TroveError('NOT_FOUND', message, { cause: error });
    }
  };
  const [corpus, queries, qrels] = await Promise.all([read('corpus.jsonl'), read('queries.jsonl'), read('qrels.tsv')]);
  return buildDataset(basename(dir.replace(/\/+$/, '')), { corpus, queries, qrels });
}

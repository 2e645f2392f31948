// Test collections in the BEIR layout (corpus.jsonl {id,title,text},
// queries.jsonl {id,text}, qrels.tsv (query-id, corpus-id, score) with a header line.
// Parsing is pure (usable in a worker); reading a collection's files is in dataset-files.ts (Node only).
import { TroveError } from '../core/errors.ts';
import type { Judgements } from './metrics.ts';

export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
}

export interface EvalQuery {
  id: string;
  text: string;
}

export interface Dataset {
  name: string;
  corpus: CorpusDoc[];
  /** Only queries with at least one judgement of grade > 0, in file order. */
  queries: EvalQuery[];
  qrels: Map<string, Judgements>;
}

function parseJsonLines(text: string, file: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      rows.push(JSON.parse(line) as Record<string, unknown>);
    } catch (error) {
      throw new TroveError('INVALID_ARGUMENT', `${file} line ${i + 1} is not JSON.`, { cause: error });
    }
  }
  return rows;
}

export function parseCorpus(text: string): CorpusDoc[] {
  return parseJsonLines(text, 'corpus.jsonl').map((row) => ({
    id: String(row.id ?? row._id),
    title: typeof row.title === 'string' ? row.title : '',
    text: typeof row.text === 'string' ? row.text : '',
  }));
}

export function parseQueries(text: string): EvalQuery[] {
  return parseJsonLines(text, 'queries.jsonl').map((row) => ({
    id: String(row.id ?? row._id),
    text: String(row.text ?? ''),
  }));
}

/** qrels.tsv → query id → (document id → grade). The first line is a header. */
export function parseQrels(text: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const [queryId, docId, score] = line.split('\t');
    const grade = Number(score);
    if (docId === undefined || !Number.isFinite(grade)) {
      throw new TroveError('INVALID_ARGUMENT', `qrels.tsv line ${i + 1} needs query-id, corpus-id, score.`);
    }
    let judgements = qrels.get(queryId);
    if (!judgements) qrels.set(queryId, (judgements = new Map()));
    judgements.set(docId, grade);
  }
  return qrels;
}

export function buildDataset(name: string, files: { corpus: string; queries: string; qrels: string }): Dataset {
  const qrels = parseQrels(files.qrels);
  const judged = (id: string) => [...(qrels.get(id)?.values() ?? [])].some((grade) => grade > 0);
  return {
    name,
    corpus: parseCorpus(files.corpus),
    queries: parseQueries(files.queries).filter((q) => judged(q.id)),
    qrels,
  };
}

/**
 * The simple test-set format for the current library: eval.jsonl lines {"query": "...", "relevant": ["name", …]},
 * where each entry names a document (file name) or a passage id; an entry may be {"id": "...", "grade": 2}.
 * Gives a Dataset with an empty corpus (the library is the corpus) and query ids q1, q2, … in file order.
 */
export function parseSimpleEvalSet(text: string, name = 'eval.jsonl'): Dataset {
  const rows = parseJsonLines(text, name);
  const queries: EvalQuery[] = [];
  const qrels = new Map<string, Map<string, number>>();
  rows.forEach((row, i) => {
    const where = `${name} entry ${i + 1}`;
    if (typeof row.query !== 'string' || row.query.trim() === '') {
      throw new TroveError('INVALID_ARGUMENT', `${where} needs "query": a non-empty string.`);
    }
    if (!Array.isArray(row.relevant) || row.relevant.length === 0) {
      throw new TroveError(
        'INVALID_ARGUMENT',
        `${where} needs "relevant": a non-empty list of document names or passage ids.`,
      );
    }
    const judgements = new Map<string, number>();
    for (const entry of row.relevant as unknown[]) {
      if (typeof entry === 'string' || typeof entry === 'number') judgements.set(String(entry), 1);
      else if (entry && typeof entry === 'object' && 'id' in entry) {
        const grade = Number((entry as { grade?: unknown }).grade ?? 1);
        if (!Number.isFinite(grade)) throw new TroveError('INVALID_ARGUMENT', `${where}: grade must be a number.`);
        judgements.set(String((entry as { id: unknown }).id), grade);
      } else {
        throw new TroveError(
          'INVALID_ARGUMENT',
          `${where}: each relevant entry is a name, a passage id, or {"id", "grade"}.`,
        );
      }
    }
    const id = `q${i + 1}`;
    queries.push({ id, text: row.query });
    qrels.set(id, judgements);
  });
  return {
    name: name.replace(/\.jsonl$/, ''),
    corpus: [],
    queries: queries.filter((q) => [...qrels.get(q.id)!.values()].some((g) => g > 0)),
    qrels,
  };
}

// Figures for answers with citations over a QA set (question, relevant passage ids, reference answer or none):
// citation precision and recall against the relevant passages, SQuAD-style answer token F1, and no-answer accuracy
// on the questions the documents cannot answer. Pure: the caller retrieves and generates.
import { TroveError } from '../core/errors.ts';

export interface AnswerItem {
  id: string;
  question: string;
  /** Passage (corpus) ids that hold the answer; empty for an unanswerable question. */
  relevant: string[];
  /** The reference answer; null when the documents do not answer the question. */
  answer: string | null;
}

export interface AnswerPrediction {
  /** The answer text, or null when Trove said the documents do not answer (grounding or the model). */
  answer: string | null;
  /** Passage ids the answer cited (valid citations only, mapped back to corpus ids). */
  cited: string[];
}

export interface AnswerMetrics {
  questions: number;
  answerable: number;
  unanswerable: number;
  /** Mean over answerable questions that Trove answered with at least one citation. */
  citationPrecision: number;
  /** Mean over answerable questions (a question left unanswered scores 0). */
  citationRecall: number;
  /** Mean token F1 against the reference over answerable questions (unanswered: 0). */
  answerF1: number;
  /** Share of unanswerable questions Trove declined (NaN when there are none). */
  noAnswerAccuracy: number;
  /** Share of answerable questions Trove wrongly declined. */
  falseNoAnswer: number;
}

const ARTICLES = new Set(['a', 'an', 'the']);

/** SQuAD normalisation: lower case, no punctuation, no articles, whitespace tokens. Citations [n] are dropped. */
export function answerTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/\[\d+(?:[,\s]+\d+)*\]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((t) => t && !ARTICLES.has(t));
}

export function tokenF1(prediction: string, reference: string): number {
  const p = answerTokens(prediction);
  const r = answerTokens(reference);
  if (p.length === 0 || r.length === 0) return p.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const t of r) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const left = counts.get(t) ?? 0;
    if (left > 0) {
      common++;
      counts.set(t, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);

export function answerMetrics(
  items: readonly AnswerItem[],
  predictions: ReadonlyMap<string, AnswerPrediction>,
): AnswerMetrics {
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const declinedRight: number[] = [];
  const declinedWrong: number[] = [];
  for (const item of items) {
    const prediction = predictions.get(item.id);
    if (!prediction) throw new TroveError('INVALID_ARGUMENT', `No prediction for question ${item.id}.`);
    const declined = prediction.answer === null;
    if (item.answer === null) {
      declinedRight.push(declined ? 1 : 0);
      continue;
    }
    declinedWrong.push(declined ? 1 : 0);
    const relevant = new Set(item.relevant);
    const cited = [...new Set(prediction.cited)];
    const hits = cited.filter((id) => relevant.has(id)).length;
    if (!declined && cited.length) precision.push(hits / cited.length);
    recall.push(relevant.size ? hits / relevant.size : 0);
    f1.push(declined ? 0 : tokenF1(prediction.answer!, item.answer));
  }
  return {
    questions: items.length,
    answerable: f1.length,
    unanswerable: declinedRight.length,
    citationPrecision: mean(precision),
    citationRecall: mean(recall),
    answerF1: mean(f1),
    noAnswerAccuracy: mean(declinedRight),
    falseNoAnswer: mean(declinedWrong),
  };
}

/** answers.jsonl lines {"id"?, "question", "relevant": [ids], "answer": string | null}. */
export function parseAnswerSet(text: string, name = 'answers.jsonl'): AnswerItem[] {
  const items: AnswerItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const where = `${name} line ${i + 1}`;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      throw new TroveError('INVALID_ARGUMENT', `${where} is not JSON.`, { cause: error });
    }
    if (typeof row.question !== 'string' || !row.question.trim()) {
      throw new TroveError('INVALID_ARGUMENT', `${where} needs "question": a non-empty string.`);
    }
    if (!Array.isArray(row.relevant) || !row.relevant.every((r) => typeof r === 'string' || typeof r === 'number')) {
      throw new TroveError('INVALID_ARGUMENT', `${where} needs "relevant": a list of passage ids (may be empty).`);
    }
    if (!(row.answer === null || typeof row.answer === 'string')) {
      throw new TroveError('INVALID_ARGUMENT', `${where} needs "answer": a string, or null when unanswerable.`);
    }
    items.push({
      id: typeof row.id === 'string' || typeof row.id === 'number' ? String(row.id) : `a${items.length + 1}`,
      question: row.question,
      relevant: (row.relevant as (string | number)[]).map(String),
      answer: row.answer,
    });
  });
  return items;
}

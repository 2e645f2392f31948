// The answer thread, kept in this page's memory only: each question is folded with the turns before it into a
// standalone retrieval query (shown to the user), searched in the engine's worker, checked for grounding, and
// answered token by token in the generator's worker. A new question, Cancel or a cleared thread cancels the answer
// in flight; its late tokens are ignored.
import { useCallback, useRef, useState } from 'react';
import type { GeneratedAnswer, SearchOptions } from '../../../engine/api/index.ts';
import { checkCitations, decideGrounding, standaloneQuery } from '../../../engine/public.ts';
import { errorMessage, type Engine } from '../../client/engine-client.ts';
import { withGenerator, withStartedGenerator, workerCallback } from '../../client/generator-client.ts';
import { retrieveForAnswer } from './answer-retrieval.ts';
import { threadForModel, type AnswerTurn } from './answer-thread.ts';

export interface AskInputs {
  engine: Engine;
  /** The page's current search mode, filters and fusion. */
  searchOptions: SearchOptions;
  rerank: boolean;
  /** The reranker's least top score for passages to count as holding an answer (its registry entry). */
  minRerankScore?: number;
}

export function useAnswerThread() {
  const [turns, setTurns] = useState<AnswerTurn[]>([]);
  const current = useRef<AbortController | undefined>(undefined);
  const nextId = useRef(1);
  // The thread as the last ask saw it, so a follow-up folds what was answered even before React re-rendered.
  const latest = useRef<AnswerTurn[]>([]);

  const update = useCallback((id: number, change: Partial<AnswerTurn>) => {
    setTurns((all) => {
      const next = all.map((turn) => (turn.id === id ? { ...turn, ...change } : turn));
      latest.current = next;
      return next;
    });
  }, []);

  const cancel = useCallback(() => {
    const running = current.current;
    current.current = undefined;
    if (!running) return;
    running.abort();
    withStartedGenerator((generator) => generator.cancel());
  }, []);

  const ask = useCallback(
    async (question: string, inputs: AskInputs) => {
      cancel(); // a new question cancels the old one
      const controller = new AbortController();
      current.current = controller;
      const { signal } = controller;
      const thread = threadForModel(latest.current);
      const retrievalQuery = standaloneQuery(thread, question);
      const id = nextId.current++;
      const turn: AnswerTurn = { id, question, retrievalQuery, passages: [], text: '', state: 'retrieving' };
      setTurns((all) => {
        const next = [...all, turn];
        latest.current = next;
        return next;
      });
      try {
        const retrieval = await retrieveForAnswer(inputs.engine, retrievalQuery, inputs.searchOptions, inputs.rerank);
        if (signal.aborted) return update(id, { state: 'cancelled', stoppedBy: 'cancel' });
        const passages = retrieval.passages;
        const grounding = decideGrounding(
          passages.map(({ passage, result }) => ({
            score: passage.score,
            cosine: result.scores.cosine,
            bm25Rank: result.scores.bm25Rank,
          })),
          { reranked: retrieval.reranked, minRerankScore: inputs.minRerankScore },
        );
        if (!grounding.answerable) return update(id, { passages, grounding, state: 'no-answer' });
        update(id, { passages, grounding, state: 'generating' });
        let text = '';
        const onToken = workerCallback((delta: string) => {
          if (signal.aborted) return;
          text += delta;
          update(id, { text, checked: checkCitations(text, passages.length) });
        });
        const result = await withGenerator<GeneratedAnswer>((generator) =>
          generator.generate({ question, thread, passages: passages.map((p) => p.passage) }, onToken),
        );
        if (signal.aborted) return update(id, { state: 'cancelled', stoppedBy: 'cancel' });
        // The prompt budget may have kept fewer passages than were offered: citations are valid against those.
        const checked = result.checked;
        const used = new Set(result.passagesUsed.map((p) => p.chunkId));
        update(id, {
          passages: passages.filter((p) => used.has(p.passage.chunkId)),
          text: result.text,
          checked,
          stoppedBy: result.stoppedBy,
          // The model said the context does not hold the answer: the same honest path as a grounding refusal.
          state: result.stoppedBy === 'cancel' ? 'cancelled' : checked.grounded ? 'done' : 'no-answer',
        });
      } catch (error) {
        if (signal.aborted) update(id, { state: 'cancelled', stoppedBy: 'cancel' });
        else update(id, { state: 'failed', error: errorMessage(error) });
      } finally {
        if (current.current === controller) current.current = undefined;
      }
    },
    [cancel, update],
  );

  const clear = useCallback(() => {
    cancel();
    latest.current = [];
    setTurns([]);
    withStartedGenerator((generator) => generator.resetThread());
  }, [cancel]);

  /** Replaces the thread with saved turns (read back from the library); follow-up questions continue it. */
  const load = useCallback(
    (toTurns: (firstId: number) => AnswerTurn[]) => {
      cancel();
      const loaded = toTurns(nextId.current);
      nextId.current += loaded.length;
      latest.current = loaded;
      setTurns(loaded);
      // The generator's cached prompt belongs to the thread that was showing.
      withStartedGenerator((generator) => generator.resetThread());
    },
    [cancel],
  );

  const busy = turns.some((turn) => turn.state === 'retrieving' || turn.state === 'generating');
  return { turns, ask, cancel, clear, load, busy };
}

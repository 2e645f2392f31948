// The answer thread as it is saved (its finished turns, each with the passages it was given copied in), and a saved
// thread as the panel shows it again: the same turns, read-only, with the passages that are gone since marked.
import type { OpenedSavedThread, SavedPassage, SavedTurn, SearchResult } from '../../../engine/api/index.ts';
import type { RetrievedPassage } from './answer-retrieval.ts';
import type { AnswerTurn } from './answer-thread.ts';

/** Turns worth keeping: answered, or honestly not answerable. In-flight, cancelled and failed ones are left out. */
export function savedTurnsOf(turns: readonly AnswerTurn[]): SavedTurn[] {
  return turns.flatMap((turn): SavedTurn[] => {
    if (turn.state !== 'done' && turn.state !== 'no-answer') return [];
    return [
      {
        question: turn.question,
        retrievalQuery: turn.retrievalQuery,
        state: turn.state,
        text: turn.text,
        ...(turn.checked && { checked: turn.checked }),
        ...(turn.grounding && { grounding: turn.grounding }),
        ...(turn.stoppedBy && { stoppedBy: turn.stoppedBy }),
        passages: turn.passages.map(savedPassageOf),
      },
    ];
  });
}

/** Whether the thread has an answer to save (a refusal alone is not worth a saved thread). */
export function hasAnsweredTurn(turns: readonly AnswerTurn[]): boolean {
  return turns.some((turn) => turn.state === 'done');
}

/** A saved thread's turns for the panel, numbered from `firstId`; passages gone from the library are marked. */
export function turnsOfSavedThread(thread: OpenedSavedThread, firstId: number): AnswerTurn[] {
  const gone = new Set(thread.goneChunkIds);
  return thread.turns.map((turn, i) => ({
    id: firstId + i,
    question: turn.question,
    retrievalQuery: turn.retrievalQuery,
    passages: turn.passages.map((passage) => retrievedOf(passage, gone.has(passage.chunkId))),
    ...(turn.grounding && { grounding: turn.grounding }),
    text: turn.text,
    ...(turn.checked && { checked: turn.checked }),
    state: turn.state,
    ...(turn.stoppedBy && { stoppedBy: turn.stoppedBy }),
  }));
}

function savedPassageOf({ passage, result }: RetrievedPassage): SavedPassage {
  const { n, chunkId, documentId, title, location, text, score } = passage;
  return {
    n,
    chunkId,
    documentId,
    title,
    location,
    text,
    score,
    start: result.start,
    end: result.end,
    ...(result.page !== undefined && { page: result.page }),
  };
}

/**
 * A saved passage as the panel's passages are: its citation data, and the place the viewer opens (document and
 * range; a saved passage has no search scores or highlights of its own).
 */
function retrievedOf(saved: SavedPassage, gone: boolean): RetrievedPassage {
  const { n, chunkId, documentId, title, location, text, score, start, end, page } = saved;
  const result: SearchResult = {
    chunkId,
    documentId,
    documentName: title,
    format: 'text',
    text,
    start,
    end,
    ...(page !== undefined && { page }),
    headingPath: [],
    highlights: [],
    scores: { score },
  };
  return { passage: { n, chunkId, documentId, title, location, text, score }, result, ...(gone && { gone }) };
}

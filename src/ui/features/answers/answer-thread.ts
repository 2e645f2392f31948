// One question of the answer thread and what came of it, and the thread as the model reads it.
import type { ChatTurn, CheckedAnswer, GroundingDecision } from '../../../engine/api/index.ts';
import type { RetrievedPassage } from './answer-retrieval.ts';

export type TurnState = 'retrieving' | 'generating' | 'done' | 'no-answer' | 'cancelled' | 'failed';

export interface AnswerTurn {
  id: number;
  question: string;
  /** What was searched: the question folded with the thread before it. */
  retrievalQuery: string;
  passages: RetrievedPassage[];
  grounding?: GroundingDecision;
  /** The answer as streamed so far (the whole answer once done). */
  text: string;
  /** The answer with its citations checked against the passages (updated as it streams). */
  checked?: CheckedAnswer;
  state: TurnState;
  error?: string;
  /** Why generation stopped: the model's end, the length limit, or a cancel. */
  stoppedBy?: 'eos' | 'length' | 'cancel';
}

/** The thread as the generator reads it: finished turns only (a cancelled or refused one taught nothing). */
export function threadForModel(turns: readonly AnswerTurn[]): ChatTurn[] {
  return turns
    .filter((turn) => turn.state === 'done')
    .flatMap((turn): ChatTurn[] => [
      { role: 'user', content: turn.question },
      { role: 'assistant', content: turn.text },
    ]);
}

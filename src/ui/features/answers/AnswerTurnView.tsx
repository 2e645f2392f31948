// One question of the thread and what came of it: the query that was searched, the streamed answer with its
// citations (or the honest "not in your documents" with the closest passages), what the citation check found, and
// the passages the answer was given.
import { plural } from '../../components/format.ts';
import { AnswerText } from './AnswerText.tsx';
import { PassageList } from './PassageList.tsx';
import type { RetrievedPassage } from './answer-retrieval.ts';
import type { AnswerTurn } from './answer-thread.ts';

interface Props {
  turn: AnswerTurn;
  /** The turn that is being answered now: its text is the live region screen readers follow. */
  live: boolean;
  onOpen: (passage: RetrievedPassage) => void;
  /** Stops this turn while it is being answered. */
  onCancel: () => void;
}

export function AnswerTurnView({ turn, live, onOpen, onCancel }: Props) {
  const streaming = turn.state === 'generating';
  const cite = (n: number) => {
    const passage = turn.passages.find((p) => p.passage.n === n);
    if (passage) onOpen(passage);
  };
  return (
    <li className="answer" data-testid="answer-turn" data-state={turn.state}>
      <div className="answer__head">
        <p className="answer__question" data-testid="answer-question">
          {turn.question}
        </p>
        {/* Above the growing text, so it stays where it is while the answer streams. */}
        {(turn.state === 'retrieving' || streaming) && (
          <button type="button" className="button button--small" onClick={onCancel} data-testid="answers-cancel">
            Cancel
          </button>
        )}
      </div>
      <p className="answer__query hint" data-testid="answer-query">
        Searched for: <q>{turn.retrievalQuery}</q>
      </p>
      <div aria-live={live ? 'polite' : undefined} aria-busy={streaming} className="answer__body">
        {turn.state === 'retrieving' && <p className="hint">Finding passages…</p>}
        {turn.state === 'generating' && turn.text === '' && <p className="hint">Writing the answer…</p>}
        {turn.state === 'no-answer' && (
          <div className="answer__none" data-testid="answer-none">
            <p className="answer__none-title">Your documents don&apos;t seem to answer this.</p>
            {turn.grounding && !turn.grounding.answerable && (
              <p className="hint" data-testid="answer-none-reason">
                {turn.grounding.reason}
              </p>
            )}
            {turn.passages.length > 0 ? (
              <>
                <p className="hint">The closest passages:</p>
                <PassageList passages={turn.passages} onOpen={onOpen} testId="answer-closest" />
              </>
            ) : (
              <p className="hint">No passage matched the question.</p>
            )}
          </div>
        )}
        {turn.state !== 'no-answer' && turn.checked && turn.text !== '' && (
          <AnswerText checked={turn.checked} passageCount={turn.passages.length} onCite={cite} streaming={streaming} />
        )}
        {turn.state === 'cancelled' && (
          <p className="hint" data-testid="answer-cancelled">
            Cancelled.
          </p>
        )}
        {turn.state === 'failed' && (
          <p className="alert" role="alert" data-testid="answer-error">
            The answer failed: {turn.error}
          </p>
        )}
      </div>
      {turn.state === 'done' && turn.checked && (
        <p className="answer__check hint" data-testid="answer-check" data-dropped={turn.checked.droppedCitations}>
          {checkSummary(turn)}
        </p>
      )}
      {turn.state !== 'no-answer' && turn.passages.length > 0 && turn.state !== 'retrieving' && (
        <details className="answer__sources">
          <summary>Passages given to the model ({turn.passages.length})</summary>
          <PassageList passages={turn.passages} onOpen={onOpen} testId="answer-sources" />
        </details>
      )}
    </li>
  );
}

function checkSummary(turn: AnswerTurn): string {
  const checked = turn.checked;
  if (!checked) return '';
  const uncited = checked.sentences.filter((s) => !s.cited).length;
  const parts = [`Cites ${plural(checked.citations.length, 'passage')}`];
  if (checked.droppedCitations > 0)
    parts.push(`${plural(checked.droppedCitations, 'citation')} to passages not in the context dropped`);
  if (uncited > 0) parts.push(`${plural(uncited, 'sentence')} without a citation`);
  if (turn.stoppedBy === 'length') parts.push('stopped at the length limit');
  return `${parts.join(' · ')}.`;
}

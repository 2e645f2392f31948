// The passages an answer was given (or, when the documents do not seem to hold one, the closest ones), numbered as
// the answer cites them; each opens in the viewer. Document text is rendered as text.
import { formatScore } from '../../components/format.ts';
import type { RetrievedPassage } from './answer-retrieval.ts';

const PREVIEW_CHARS = 240;

export function PassageList({
  passages,
  onOpen,
  testId,
}: {
  passages: readonly RetrievedPassage[];
  onOpen: (passage: RetrievedPassage) => void;
  testId: string;
}) {
  return (
    <ol className="answer__passages" data-testid={testId}>
      {passages.map((item) => {
        const { passage } = item;
        const preview =
          passage.text.length > PREVIEW_CHARS ? `${passage.text.slice(0, PREVIEW_CHARS).trimEnd()}…` : passage.text;
        return (
          <li key={passage.chunkId} className="answer__passage" data-testid="answer-passage" data-n={passage.n}>
            <button
              type="button"
              className="link-button answer__passage-open"
              onClick={() => onOpen(item)}
              aria-label={`Open passage ${passage.n} in ${passage.title}`}
            >
              [{passage.n}] {passage.title}
              {passage.location ? ` · ${passage.location}` : ''}
            </button>
            <span className="answer__passage-score hint"> score {formatScore(passage.score)}</span>
            <span className="answer__passage-text">{preview}</span>
          </li>
        );
      })}
    </ol>
  );
}

// One answer, sentence by sentence: citation marks [n] are buttons that open passage n in the viewer, and a
// sentence that cites nothing is marked as such. Everything the model wrote is rendered as text nodes: a model (or a
// document it quotes) cannot inject markup here.
import type { CheckedAnswer } from '../../../engine/api/index.ts';
import { answerPieces } from './answer-pieces.ts';

interface Props {
  checked: CheckedAnswer;
  passageCount: number;
  onCite: (n: number) => void;
  /** Still streaming: the last sentence may be unfinished, so it is not marked as uncited yet. */
  streaming: boolean;
}

export function AnswerText({ checked, passageCount, onCite, streaming }: Props) {
  const last = checked.sentences.length - 1;
  return (
    <p className="answer__text" data-testid="answer-text">
      {checked.sentences.map((sentence, index) => {
        const uncited = !sentence.cited && !(streaming && index === last);
        return (
          <span
            key={index}
            className={uncited ? 'answer__sentence answer__sentence--uncited' : 'answer__sentence'}
            data-testid="answer-sentence"
            data-cited={uncited ? 'false' : 'true'}
            title={uncited ? 'No passage is cited for this sentence' : undefined}
          >
            {answerPieces(sentence.text, passageCount).map((piece, i) =>
              piece.kind === 'text' ? (
                piece.text
              ) : (
                <button
                  key={i}
                  type="button"
                  className="answer__citation"
                  data-testid="answer-citation"
                  data-n={piece.n}
                  aria-label={`Open passage ${piece.n}`}
                  onClick={() => onCite(piece.n)}
                >
                  [{piece.n}]
                </button>
              ),
            )}
            {uncited && (
              <span className="answer__uncited-mark" data-testid="answer-uncited">
                {' '}
                (no citation)
              </span>
            )}{' '}
          </span>
        );
      })}
    </p>
  );
}

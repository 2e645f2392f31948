// One ranked passage: where it comes from, its text with highlights (Markdown shown without its markup), and its
// scores. The card is one stop in the results' arrow-key navigation; Enter opens it (or unfolds it when there is
// no viewer yet).
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { SearchResult } from '../../../engine/api/index.ts';
import type { SearchMode } from '../../../engine/api/index.ts';
import { cleanPassage } from '../../components/clean-passage.ts';
import { formatLocation, formatName } from '../../components/format.ts';
import { HighlightedText } from './HighlightedText.tsx';
import { ScoreBreakdown } from './ScoreBreakdown.tsx';
import './search.css';

/** Passages longer than this start folded; the fold keeps the list scannable. */
const FOLD_CHARS = 520;

interface Props {
  result: SearchResult;
  rank: number;
  mode: SearchMode;
  /** The card that takes Tab focus in the list (roving tabindex). */
  active: boolean;
  onFocus: () => void;
  /** Opens the passage in its document; absent while there is no viewer. */
  onOpen?: (result: SearchResult) => void;
  /** The document's title, when it has one. */
  title?: string;
}

export function ResultCard({ result, rank, mode, active, onFocus, onOpen, title }: Props) {
  const [expanded, setExpanded] = useState(false);
  const shown = useMemo(
    () =>
      result.format === 'markdown'
        ? cleanPassage(result.text, result.highlights)
        : { text: result.text, ranges: result.highlights },
    [result],
  );
  const foldable = shown.text.length > FOLD_CHARS;
  const location = [
    formatLocation(result.page, result.headingPath),
    result.row !== undefined ? `row ${result.row}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const fields = Object.entries(result.fields ?? {});
  const nameId = `result-${result.chunkId}-name`;

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.key !== 'Enter' || event.target !== event.currentTarget) return;
    event.preventDefault();
    if (onOpen) onOpen(result);
    else if (foldable) setExpanded((value) => !value);
  };

  return (
    <li
      className={active ? 'result result--active' : 'result'}
      data-testid="result"
      data-document-id={result.documentId}
      tabIndex={active ? 0 : -1}
      aria-labelledby={`result-${result.chunkId}-rank ${nameId}`}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onFocus();
      }}
      onKeyDown={onKeyDown}
    >
      <div className="result__head">
        <span className="result__rank" id={`result-${result.chunkId}-rank`} aria-label={`Result ${rank}`}>
          {rank}
        </span>
        <div className="result__source" data-testid="result-source">
          <span className={`badge badge--${result.format}`}>{formatName(result.format)}</span>
          {title && title !== result.documentName && (
            <span className="result__title" data-testid="result-title">
              {title}
            </span>
          )}
          <span className="result__name" id={nameId} title={result.documentName}>
            {result.documentName}
          </span>
          {location && (
            <span className="result__location" data-testid="result-location">
              {location}
            </span>
          )}
        </div>
      </div>
      <p
        className={foldable && !expanded ? 'result__text result__text--folded' : 'result__text'}
        data-testid="result-text"
      >
        <HighlightedText text={shown.text} ranges={shown.ranges} />
      </p>
      {fields.length > 0 && (
        <dl className="result__fields" data-testid="result-fields">
          {fields.map(([key, value]) => (
            <div key={key} className="result__field">
              <dt>{key}</dt>
              <dd>{value === null ? '—' : String(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="result__foot">
        <ScoreBreakdown scores={result.scores} mode={mode} />
        <div className="result__actions">
          {foldable && (
            <button
              type="button"
              className="link-button"
              aria-expanded={expanded}
              tabIndex={active ? 0 : -1}
              onClick={() => setExpanded((value) => !value)}
            >
              {expanded ? 'Show less' : 'Show all'}
            </button>
          )}
          {onOpen && (
            <button
              type="button"
              className="button button--small"
              tabIndex={active ? 0 : -1}
              aria-label={`Open result ${rank} in ${result.documentName}`}
              data-testid="result-open"
              onClick={() => onOpen(result)}
            >
              Open
            </button>
          )}
        </div>
      </div>
    </li>
  );
}

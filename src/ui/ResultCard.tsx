// One ranked passage: where it comes from, its text with highlights, and its scores.
import { useState } from 'react';
import type { SearchResult } from '../engine/api.ts';
import type { SearchMode } from '../engine/types.ts';
import { formatLocation, formatName } from './format.ts';
import { HighlightedText } from './HighlightedText.tsx';
import { ScoreBreakdown } from './ScoreBreakdown.tsx';

/** Passages longer than this start folded; the fold keeps the list scannable. */
const FOLD_CHARS = 520;

export function ResultCard({ result, rank, mode, title }: { result: SearchResult; rank: number; mode: SearchMode; title?: string }) {
  const [expanded, setExpanded] = useState(false);
  const foldable = result.text.length > FOLD_CHARS;
  const location = formatLocation(result.page, result.headingPath);
  return (
    <li className="result" data-testid="result" data-document-id={result.documentId}>
      <div className="result__head">
        <span className="result__rank" aria-label={`Result ${rank}`}>
          {rank}
        </span>
        <div className="result__source" data-testid="result-source">
          <span className={`badge badge--${result.format}`}>{formatName(result.format)}</span>
          {title && title !== result.documentName && (
            <span className="result__title" data-testid="result-title">
              {title}
            </span>
          )}
          <span className="result__name" title={result.documentName}>
            {result.documentName}
          </span>
          {location && <span className="result__location">{location}</span>}
        </div>
      </div>
      <p className={foldable && !expanded ? 'result__text result__text--folded' : 'result__text'}>
        <HighlightedText text={result.text} ranges={result.highlights} />
      </p>
      <div className="result__foot">
        <ScoreBreakdown scores={result.scores} mode={mode} />
        {foldable && (
          <button
            type="button"
            className="link-button"
            aria-expanded={expanded}
            onClick={() => setExpanded((value) => !value)}
          >
            {expanded ? 'Show less' : 'Show all'}
          </button>
        )}
      </div>
    </li>
  );
}

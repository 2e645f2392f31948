// Hybrid / Semantic / Keyword as a radio group: one tab stop, arrow keys move between modes.
import { useRef, type KeyboardEvent } from 'react';
import type { SearchMode } from '../../../engine/api/index.ts';
import { modeNames } from '../../components/format.ts';

const MODES: SearchMode[] = ['hybrid', 'semantic', 'keyword'];
const DESCRIPTIONS: Record<SearchMode, string> = {
  hybrid: 'Meaning and keywords together (reciprocal rank fusion)',
  semantic: 'By meaning, using the embedding model',
  keyword: 'By the words themselves (BM25)',
};

export function ModeSelector({ mode, onChange }: { mode: SearchMode; onChange: (mode: SearchMode) => void }) {
  const buttons = useRef<Array<HTMLButtonElement | null>>([]);

  const onKeyDown = (event: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    const next = (MODES.indexOf(mode) + step + MODES.length) % MODES.length;
    onChange(MODES[next]!);
    buttons.current[next]?.focus();
  };

  return (
    <div className="segmented" role="radiogroup" aria-label="Search mode" onKeyDown={onKeyDown}>
      {MODES.map((item, index) => (
        <button
          key={item}
          ref={(element) => {
            buttons.current[index] = element;
          }}
          type="button"
          role="radio"
          aria-checked={item === mode}
          tabIndex={item === mode ? 0 : -1}
          className="segmented__option"
          title={DESCRIPTIONS[item]}
          data-testid={`mode-${item}`}
          onClick={() => onChange(item)}
        >
          {modeNames[item]}
        </button>
      ))}
    </div>
  );
}

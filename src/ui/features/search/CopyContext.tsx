// "Copy as context": the shown passages as a prompt block for a language model (numbered citations, duplicates
// dropped, trimmed to the token budget), copied to the clipboard in one click.
import { useState } from 'react';
import { errorMessage } from '../../client/engine-client.ts';
import { useStartedEngine } from '../../client/engine-context.ts';

const DEFAULT_BUDGET = 2000;

export function CopyContext({ question, chunkIds }: { question: string; chunkIds: number[] }) {
  const engine = useStartedEngine();
  const [budget, setBudget] = useState(DEFAULT_BUDGET);
  const [message, setMessage] = useState<string>();
  const [text, setText] = useState<string>();

  const copy = async () => {
    setMessage('Assembling…');
    try {
      const context = await engine.assembleContext({ question, chunkIds, maxTokens: budget });
      setText(context.text);
      const summary =
        `${context.citations.length} passage${context.citations.length === 1 ? '' : 's'}, ${context.tokens} tokens` +
        (context.duplicates ? `, ${context.duplicates} duplicate${context.duplicates === 1 ? '' : 's'} dropped` : '') +
        (context.omitted ? `, ${context.omitted} left out for the budget` : '');
      try {
        await navigator.clipboard.writeText(context.text);
        setMessage(`Copied: ${summary}.`);
      } catch {
        setMessage(`The clipboard is not available; select the text below (${summary}).`);
      }
    } catch (error) {
      setText(undefined);
      setMessage(errorMessage(error));
    }
  };

  return (
    <div className="copy-context">
      <button type="button" className="button" data-testid="copy-context" onClick={() => void copy()}>
        Copy as context
      </button>
      <label title="Budget for the whole prompt block, counted with the embedding model's tokenizer">
        Token budget{' '}
        <input
          type="number"
          min={50}
          max={100000}
          step={50}
          value={budget}
          data-testid="context-budget"
          onChange={(event) =>
            event.target.value !== '' && setBudget(Math.max(1, Math.round(Number(event.target.value))))
          }
        />
      </label>
      {message && (
        <span className="copy-context__status" role="status" data-testid="context-status">
          {message}
        </span>
      )}
      {text && message?.startsWith('The clipboard') && (
        <textarea className="copy-context__text" readOnly value={text} rows={8} />
      )}
    </div>
  );
}

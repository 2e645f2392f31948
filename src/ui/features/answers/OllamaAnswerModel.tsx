// The Ollama server's answer model, shown under the model choice when answers come from it: which model it runs and
// how many (estimated) tokens a prompt may take, saved to the settings (the engine checks each field and says what is
// wrong). The question and the passages go to that server; the page says so here.
import { useState, type FormEvent } from 'react';
import type { EngineSettings } from '../../../engine/api/index.ts';
import { SETTING_LIMITS } from '../../../engine/public.ts';
import { errorMessage } from '../../client/engine-client.ts';

interface Props {
  /** The server this build allows. */
  origin: string;
  model: string;
  promptTokens: number;
  onSave: (changes: Pick<EngineSettings, 'ollamaChatModel' | 'ollamaChatPromptTokens'>) => Promise<void>;
}

export function OllamaAnswerModel({ origin, model, promptTokens, onSave }: Props) {
  const [draftModel, setDraftModel] = useState(model);
  const [draftTokens, setDraftTokens] = useState(String(promptTokens));
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const range = SETTING_LIMITS.ollamaChatPromptTokens;
  const changed = draftModel !== model || draftTokens !== String(promptTokens);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      await onSave({ ollamaChatModel: draftModel.trim(), ollamaChatPromptTokens: Number(draftTokens) });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="answers__ollama" onSubmit={(event) => void submit(event)} data-testid="answers-ollama">
      <label className="field">
        <span className="field__label">Model on the server</span>
        <input
          type="text"
          value={draftModel}
          onChange={(event) => setDraftModel(event.target.value)}
          required
          spellCheck={false}
          autoComplete="off"
          data-testid="answers-ollama-model"
        />
      </label>
      <label className="field">
        <span className="field__label">Prompt budget (tokens, estimated)</span>
        <input
          type="number"
          min={range.min}
          max={range.max}
          step={1}
          value={draftTokens}
          onChange={(event) => setDraftTokens(event.target.value)}
          required
          data-testid="answers-ollama-budget"
        />
      </label>
      <button
        type="submit"
        className="button button--small"
        disabled={!changed || saving}
        data-testid="answers-ollama-save"
      >
        Use
      </button>
      <p className="hint">
        Your question, this thread and the passages found are sent to the Ollama server at {origin}. Pull the model
        there first (ollama pull {model}); the server must allow this site (OLLAMA_ORIGINS).
      </p>
      {error && (
        <p className="alert" role="alert" data-testid="answers-ollama-error">
          {error}
        </p>
      )}
    </form>
  );
}

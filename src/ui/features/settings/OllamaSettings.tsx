// Settings for the optional Ollama backend: embed with a local Ollama server instead of the in-browser model.
// The page may only connect to the server if this build allows its origin (VITE_TROVE_OLLAMA_ORIGIN, which adds it
// to the CSP): without it the option is shown, explained and disabled.
import type { EngineSettings } from '../../../engine/api/index.ts';

type OllamaDraft = Pick<EngineSettings, 'ollamaEnabled' | 'ollamaOrigin' | 'ollamaModel'>;

interface Props {
  value: OllamaDraft;
  onChange: (next: Partial<OllamaDraft>) => void;
  /** The origin this build lets the page connect to, if any. */
  buildOrigin?: string;
}

/** "http://localhost:11434/" → "http://localhost:11434"; undefined for anything that is not a URL. */
function originOf(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    return new URL(value.trim()).origin;
  } catch {
    return undefined;
  }
}

export function OllamaSettings({
  value,
  onChange,
  buildOrigin = import.meta.env.VITE_TROVE_OLLAMA_ORIGIN as string | undefined,
}: Props) {
  const allowed = originOf(buildOrigin);
  const entered = originOf(value.ollamaOrigin);
  const site = globalThis.location?.origin ?? 'this site’s origin';
  return (
    <fieldset className="settings__group" data-testid="ollama-settings">
      <legend>Ollama server (optional)</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={value.ollamaEnabled}
          disabled={!allowed && !value.ollamaEnabled}
          onChange={(e) => onChange({ ollamaEnabled: e.target.checked })}
          data-testid="setting-ollama"
        />
        <span>
          Embed with a local Ollama server instead of the model in this page
          <span className="field__hint">
            Passages and queries are sent to that server (on your machine or network), and the library is embedded again
            with its model.
          </span>
        </span>
      </label>
      {!allowed ? (
        <p className="field__hint" data-testid="ollama-not-enabled">
          Not enabled in this build: the page’s security policy allows no Ollama server. Build Trove with
          VITE_TROVE_OLLAMA_ORIGIN=http://localhost:11434 (your server’s address) to offer it.
        </p>
      ) : (
        <>
          <div className="field-row">
            <label className="field">
              <span className="field__label">Server address</span>
              <input
                type="url"
                value={value.ollamaOrigin}
                onChange={(e) => onChange({ ollamaOrigin: e.target.value })}
                disabled={!value.ollamaEnabled}
                required
                data-testid="setting-ollama-origin"
              />
            </label>
            <label className="field">
              <span className="field__label">Model</span>
              <input
                type="text"
                value={value.ollamaModel}
                onChange={(e) => onChange({ ollamaModel: e.target.value })}
                disabled={!value.ollamaEnabled}
                required
                spellCheck={false}
                data-testid="setting-ollama-model"
              />
            </label>
          </div>
          {value.ollamaEnabled && entered !== allowed ? (
            <p className="alert" role="alert" data-testid="ollama-origin-blocked">
              This build only allows {allowed}: the page cannot connect to {entered ?? 'that address'}.
            </p>
          ) : (
            <p className="field__hint">
              Pull the model there first (ollama pull {value.ollamaModel || 'nomic-embed-text'}) and let the server
              accept this site: OLLAMA_ORIGINS={site}.
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}

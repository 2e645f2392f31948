// The Models view: every embedding model and reranker Trove knows (and the ones the user added), with what they
// cost and give, whether this browser has them, and what they would run on here. Download ahead of use (with
// bytes, percent and Cancel), delete from the cache, clear and fetch again a cached model that fails to load, and
// add a Hugging Face model by repo id.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { CustomModelCheck, ModelInfo } from '../../../engine/api/index.ts';
import { loadAnswersPreference } from '../../client/answers-preference.ts';
import { useEngine } from '../../client/engine-context.ts';
import { answersFromOllama, generatorChoice } from '../../client/generator-choice.ts';
import { deviceName, formatBytes } from '../../components/format.ts';
import { ModelSwapConfirm } from './ModelSwapConfirm.tsx';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { modelKey, useModels, type DownloadState } from './useModels.ts';
import '../../components/dialogs.css';
import './models.css';

interface Props {
  open: boolean;
  onClose: () => void;
}

export function ModelsView({ open, onClose }: Props) {
  const { modelStatus: status, saveSettings: onSaveSettings } = useEngine();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const models = useModels(open);
  // Another embedding model re-embeds the library: confirmed (cost, and a measurement when one can be made) as in Settings.
  const [pendingSwap, setPendingSwap] = useState<ModelInfo>();
  const [saving, setSaving] = useState(false);
  const use = (model: ModelInfo) => {
    if (model.kind === 'embedding') return setPendingSwap(model);
    void onSaveSettings({ rerankerId: model.id }).then(models.refresh);
  };
  const confirmSwap = async (model: ModelInfo) => {
    setSaving(true);
    try {
      await onSaveSettings({ modelId: model.id });
      setPendingSwap(undefined);
      void models.refresh();
    } finally {
      setSaving(false);
    }
  };
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    else if (!open && element.open) element.close();
  }, [open]);

  const { overview } = models;
  // Test fixtures are listed only where one is in use (test builds), not to everyone.
  const fixtures = !!overview?.models.some((m) => m.testFixture && m.inUse);
  const embedders = overview?.models.filter((m) => m.kind === 'embedding' && (!m.testFixture || fixtures)) ?? [];
  const rerankers = overview?.models.filter((m) => m.kind === 'reranker' && (!m.testFixture || fixtures)) ?? [];
  // The answer generator in use is the page's choice (the Answer panel loads it in its own worker); none of these
  // when answers come from an Ollama server.
  const preferred = loadAnswersPreference().generatorId;
  const answering = answersFromOllama(preferred) ? undefined : generatorChoice(preferred).id;
  const generators =
    overview?.models
      .filter((m) => m.kind === 'generator' && (!m.testFixture || fixtures))
      .map((m) => ({ ...m, inUse: m.id === answering })) ?? [];
  const failedToLoad = status?.state === 'unavailable';

  const card = (model: ModelInfo) => {
    const key = modelKey(model.kind, model.id);
    return (
      <ModelCard
        key={key}
        model={model}
        download={models.downloads[key]}
        message={models.messages[key]}
        downloadsAllowed={!!overview?.downloadsAllowed || model.localOnly || overview?.hostLabel === 'this site'}
        canClearAndFetch={model.kind === 'embedding' && model.inUse && failedToLoad && model.cache.bytes > 0}
        onDownload={() => void models.download(model.kind, model.id)}
        onCancel={() => models.cancel(model.kind, model.id)}
        onDelete={() => void models.remove(model.kind, model.id)}
        onClearAndFetch={() => void models.clearAndFetch(model.kind, model.id)}
        onUse={() => use(model)}
        onRemoveCustom={() => void models.removeCustom(model.id)}
      />
    );
  };

  return (
    <dialog
      ref={dialog}
      className="dialog dialog--wide models"
      aria-labelledby={`${id}-title`}
      data-testid="models-dialog"
      onClose={onClose}
    >
      {pendingSwap ? (
        <ModelSwapConfirm
          changes={{ modelId: pendingSwap.id }}
          fromModel={status?.modelId ?? ''}
          toModel={pendingSwap.id}
          saving={saving}
          onConfirm={() => void confirmSwap(pendingSwap)}
          onBack={() => setPendingSwap(undefined)}
        />
      ) : (
        <div className="models__body">
          <h2 id={`${id}-title`} className="dialog__title">
            Models
          </h2>
          <p className="hint" data-testid="models-summary">
            {overview
              ? `${overview.downloadsAllowed ? `Models download from ${overview.hostLabel} when first used, or ahead of use here.` : overview.hostLabel === 'this site' ? 'This build loads models only from this site.' : `Downloads are off (Settings): models load only from this site.`} `
              : 'Reading what this browser holds…'}
            {overview && (
              <span data-testid="models-usage">
                {overview.cacheAvailable
                  ? `Cached models use ${formatBytes(overview.usageBytes)}.`
                  : 'This browser keeps no model cache for this site.'}
              </span>
            )}
          </p>
          {models.error && (
            <p className="alert" role="alert">
              {models.error}
            </p>
          )}

          <section aria-labelledby={`${id}-embedders`}>
            <h3 id={`${id}-embedders`} className="models__heading">
              Embedding models
            </h3>
            <div className="models__list">{embedders.map(card)}</div>
          </section>
          <section aria-labelledby={`${id}-rerankers`}>
            <h3 id={`${id}-rerankers`} className="models__heading">
              Rerankers
            </h3>
            <div className="models__list">{rerankers.map(card)}</div>
          </section>
          <section aria-labelledby={`${id}-generators`} data-testid="models-generators">
            <h3 id={`${id}-generators`} className="models__heading">
              Answer models
            </h3>
            <p className="hint">
              Small language models that answer questions from your passages (the Answers panel), in their own worker.
              Downloaded only when you ask.
            </p>
            <div className="models__list">{generators.map(card)}</div>
          </section>

          <AddCustomModel onAdd={models.addCustom} disabled={!overview} hostLabel={overview?.hostLabel} />

          <div className="dialog__actions">
            <button type="button" className="button button--quiet" onClick={onClose} data-testid="models-close">
              Close
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

interface CardProps {
  model: ModelInfo;
  download: DownloadState | undefined;
  message: string | undefined;
  downloadsAllowed: boolean;
  canClearAndFetch: boolean;
  onDownload: () => void;
  onCancel: () => void;
  onDelete: () => void;
  onClearAndFetch: () => void;
  onUse: () => void;
  onRemoveCustom: () => void;
}

function ModelCard({
  model,
  download,
  message,
  downloadsAllowed,
  canClearAndFetch,
  onDownload,
  onCancel,
  onDelete,
  onClearAndFetch,
  onUse,
  onRemoveCustom,
}: CardProps) {
  const headingId = useId();
  const cached = model.cache.state;
  const percent = download && download.total > 0 ? download.loaded / download.total : undefined;
  return (
    <article
      className="model-card"
      aria-labelledby={headingId}
      data-testid="model-card"
      data-model-id={model.id}
      data-cache-state={cached}
    >
      <header className="model-card__head">
        <h4 id={headingId} className="model-card__name">
          {model.custom ? model.repo : model.id}
        </h4>
        {model.inUse && <span className="badge badge--accent">in use</span>}
        {model.recommended && <span className="badge">recommended</span>}
        {model.custom && <span className="badge">added by you</span>}
        {model.testFixture && <span className="badge">test fixture</span>}
      </header>
      <p className="model-card__summary">{model.summary}</p>
      <dl className="model-card__facts">
        <dt>Download</dt>
        <dd>{model.sizeMB !== undefined ? `${model.sizeMB} MB (${model.dtype})` : `${model.dtype}, size unknown`}</dd>
        {model.dims !== undefined && (
          <>
            <dt>Dimensions</dt>
            <dd>{model.dims}</dd>
          </>
        )}
        <dt>Languages</dt>
        <dd>{model.languages.length > 0 ? model.languages.join(', ') : 'see the model card'}</dd>
        <dt>Licence</dt>
        <dd>{model.license}</dd>
        <dt>Runs here on</dt>
        <dd data-testid="model-runs-on">
          {deviceName(model.device) ?? model.device} · {model.dtype}
        </dd>
        <dt>In this browser</dt>
        <dd data-testid="model-cached">
          {cached === 'complete'
            ? `cached, ${formatBytes(model.cache.bytes)}`
            : cached === 'partial'
              ? `partly cached, ${formatBytes(model.cache.bytes)} (missing ${model.cache.missing.join(', ')})`
              : 'not cached'}
        </dd>
      </dl>
      <details className="model-card__quality">
        <summary>Published quality</summary>
        <p>{model.quality}</p>
      </details>
      {download && (
        <div className="model-card__progress" data-testid="model-download-progress">
          <ProgressBar value={percent} label={`Downloading ${model.id}`} />
          <span className="hint" aria-live="polite">
            {formatBytes(download.loaded)}
            {download.total > 0 ? ` of ${formatBytes(download.total)} (${Math.floor((percent ?? 0) * 100)}%)` : ''}
          </span>
        </div>
      )}
      <div className="model-card__actions">
        {download ? (
          <button type="button" className="button button--small" onClick={onCancel} data-testid="model-cancel">
            Cancel
          </button>
        ) : (
          <>
            {cached !== 'complete' && downloadsAllowed && (
              <button
                type="button"
                className="button button--small button--primary"
                onClick={onDownload}
                data-testid="model-download"
              >
                Download
              </button>
            )}
            {canClearAndFetch && (
              <button
                type="button"
                className="button button--small"
                onClick={onClearAndFetch}
                data-testid="model-refetch"
              >
                Clear and fetch again
              </button>
            )}
            {model.cache.bytes > 0 && (
              <button
                type="button"
                className="button button--small button--quiet"
                onClick={onDelete}
                data-testid="model-delete"
              >
                Delete from this browser
              </button>
            )}
            {!model.inUse && model.kind !== 'generator' && (
              <button
                type="button"
                className="button button--small button--quiet"
                onClick={onUse}
                data-testid="model-use"
              >
                Use this model
              </button>
            )}
            {model.custom && !model.inUse && (
              <button
                type="button"
                className="button button--small button--quiet"
                onClick={onRemoveCustom}
                data-testid="model-remove-custom"
              >
                Remove
              </button>
            )}
          </>
        )}
      </div>
      {message && (
        <p className="hint" role="status" data-testid="model-message">
          {message}
        </p>
      )}
    </article>
  );
}

function AddCustomModel({
  onAdd,
  disabled,
  hostLabel,
}: {
  onAdd: (repo: string) => Promise<CustomModelCheck | string>;
  disabled: boolean;
  hostLabel?: string;
}) {
  const inputId = useId();
  const [repo, setRepo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CustomModelCheck | string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!repo.trim()) return;
    setBusy(true);
    setResult(undefined);
    void onAdd(repo.trim())
      .then(setResult)
      .finally(() => setBusy(false));
  };
  return (
    <form className="models__add" onSubmit={submit} data-testid="custom-model-form">
      <h3 className="models__heading">Add a Hugging Face model</h3>
      <p className="hint">
        Trove reads the repo's config.json and file list{hostLabel ? ` from ${hostLabel}` : ''} and checks that it is a
        text embedding model it can run before adding it.
      </p>
      <div className="models__add-row">
        <label className="field" htmlFor={inputId}>
          <span className="field__label">Repo id</span>
          <input
            id={inputId}
            type="text"
            value={repo}
            onChange={(e) => setRepo(e.target.value)}
            placeholder="owner/name, e.g. Xenova/gte-small"
            spellCheck={false}
            autoComplete="off"
            data-testid="custom-model-repo"
          />
        </label>
        <button
          type="submit"
          className="button button--small button--primary"
          disabled={disabled || busy || !repo.trim()}
          data-testid="custom-model-add"
        >
          {busy ? 'Checking…' : 'Check and add'}
        </button>
      </div>
      {result !== undefined && (
        <div
          role="status"
          data-testid="custom-model-result"
          data-ok={typeof result === 'string' ? 'false' : String(result.ok)}
        >
          {typeof result === 'string' ? (
            <p className="alert">{result}</p>
          ) : result.ok ? (
            <p className="hint">
              Added {result.spec?.repo} ({result.spec?.dims} dimensions). Choose “Use this model” on its card to embed
              your library with it.
            </p>
          ) : (
            <div className="alert">
              <p>Trove cannot use this repo:</p>
              <ul>
                {result.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          )}
          {typeof result !== 'string' && result.notes.length > 0 && (
            <ul className="hint">
              {result.notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

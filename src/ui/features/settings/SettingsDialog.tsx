// Model, model source, device and chunking, edited as a draft and applied together.
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { EngineSettings, ModelSpec } from '../../../engine/api/index.ts';
// The registry is plain data (no engine code runs here); reading it keeps this list in step with the engine.
import {
  DEFAULT_MODEL_ID,
  DEFAULT_RERANKER_ID,
  SETTING_LIMITS,
  effectiveModelId,
  listModels,
  listRerankers,
  modelHostLabel,
  parseModelHost,
} from '../../../engine/public.ts';
// The same ranges the engine validates with, so the form never offers a value the engine rejects.
import { useEngine } from '../../client/engine-context.ts';
import { LockSettings } from './LockSettings.tsx';
import { OllamaSettings } from './OllamaSettings.tsx';
import { RedactionFields, redactionValid } from './RedactionFields.tsx';
import { DtypeField, dtypeOffered } from './DtypeField.tsx';
import { OriginalsSetting } from './OriginalsSetting.tsx';

const MODELS = listModels().map((spec) => ({ id: spec.id, label: modelLabel(spec) }));

const RERANKERS = listRerankers().map((spec) => ({
  id: spec.id,
  label: spec.testFixture
    ? `${spec.id} — offline test fixture`
    : `${spec.id}${spec.id === DEFAULT_RERANKER_ID ? ' (recommended)' : ''} — ${Math.min(...Object.values(spec.sizeMB))} MB, ${spec.license}`,
}));

function modelLabel(spec: ModelSpec): string {
  if (spec.testFixture)
    return `${spec.id} — ${spec.localOnly ? 'offline test fixture' : 'test fixture from the model host'}`;
  const sizes = Object.values(spec.sizeMB);
  const download = sizes.length > 0 ? `, ${Math.min(...sizes)}–${Math.max(...sizes)} MB` : '';
  return `${spec.id}${spec.id === DEFAULT_MODEL_ID ? ' (recommended)' : ''} — ${spec.dims} dims${download}`;
}

const DRAFT_KEYS = [
  'modelId',
  'allowRemoteModels',
  'device',
  'chunkTokens',
  'chunkOverlapTokens',
  'maxFileMB',
  'indexKind',
  'hnswThreshold',
  'quantization',
  'hnswM',
  'hnswEfConstruction',
  'hnswEf',
  'rerankerId',
  'rerankDepth',
  'rerankDefault',
  'redactPii',
  'redactTypes',
  'redactCustom',
  'ocrMode',
  'ollamaEnabled',
  'ollamaOrigin',
  'ollamaModel',
  'dtype',
  'keepOriginals',
  'keepPictureMetadata',
] as const;

type Draft = Pick<EngineSettings, (typeof DRAFT_KEYS)[number]>;

/** What the confirmation of a model change is given (the Models feature draws it; the app passes it in). */
export interface SwapConfirmProps {
  changes: Partial<EngineSettings>;
  fromModel: string;
  toModel: string;
  saving: boolean;
  onConfirm: () => void;
  onBack: () => void;
}

interface Props {
  open: boolean;
  onClose: () => void;
  /** For the library lock, which can only be turned on for an empty library. */
  documentCount?: number;
  onOpenModels?: () => void;
  /** A change of the embedding model is confirmed first, with what it costs. */
  swapConfirm: (props: SwapConfirmProps) => ReactNode;
  /** The image search entry (the Pictures feature draws it; the app passes it in). */
  imageSearch?: ReactNode;
}

export function SettingsDialog({ open, onClose, documentCount = 0, onOpenModels, swapConfirm, imageSearch }: Props) {
  const { settings, saveSettings: onSave } = useEngine();
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraftAsIs] = useState<Draft>();
  // A model without weights of the chosen dtype goes back to automatic.
  const setDraft = useCallback(
    (update: (d: Draft | undefined) => Draft | undefined) => setDraftAsIs((d) => withOfferedDtype(update(d))),
    [],
  );
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const id = useId();
  const [pendingSwap, setPendingSwap] = useState<Partial<EngineSettings>>();

  // A native modal dialog gives focus trapping, Escape and the backdrop for free.
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      setDraft(() => settings && pick(settings));
      setError(undefined);
      setPendingSwap(undefined);
      element.showModal();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open, settings, setDraft]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => d && { ...d, [key]: value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft || !settings) return;
    if (draft.chunkOverlapTokens > draft.chunkTokens / 2) {
      setError(`The overlap can be at most half the passage size (${Math.floor(draft.chunkTokens / 2)} tokens).`);
      return;
    }
    if (!redactionValid(draft)) {
      setError('A custom redaction pattern is not valid: fix or remove it (the reason is shown under it).');
      return;
    }
    const changes: Partial<EngineSettings> = {};
    for (const key of Object.keys(draft) as Array<keyof Draft>) {
      // Lists (detectors, patterns) compare by value.
      if (JSON.stringify(draft[key]) !== JSON.stringify(settings[key])) Object.assign(changes, { [key]: draft[key] });
    }
    // A model change is confirmed first, measured when an evaluation set is loaded.
    if (swapNeedsConfirmation(settings, changes)) {
      setPendingSwap(changes);
      return;
    }
    save(changes);
  };

  const save = (changes: Partial<EngineSettings>) => {
    setSaving(true);
    onSave(changes)
      .then(onClose, (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)))
      .finally(() => setSaving(false));
  };

  // The user's own (Models view) after the registry's
  const known = [
    ...MODELS,
    ...(settings?.customModels ?? []).map((spec) => ({
      id: spec.id,
      label: `${spec.repo} — added by you, ${spec.dims} dims`,
    })),
  ];
  const models =
    settings && !known.some((m) => m.id === settings.modelId)
      ? [...known, { id: settings.modelId, label: settings.modelId }]
      : known;

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${id}-title`}
      data-testid="settings-dialog"
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialog.current) onClose(); // a click on the backdrop
      }}
    >
      {draft && settings && pendingSwap ? (
        swapConfirm({
          changes: pendingSwap,
          fromModel: effectiveModelId(settings),
          toModel: effectiveModelId({ ...settings, ...pendingSwap }),
          saving,
          onConfirm: () => save(pendingSwap),
          onBack: () => setPendingSwap(undefined),
        })
      ) : draft ? (
        <form className="settings" onSubmit={submit}>
          <h2 id={`${id}-title`} className="dialog__title">
            Settings
          </h2>

          <fieldset className="settings__group">
            <legend>Embedding model</legend>
            <label className="field">
              <span className="field__label">Model</span>
              <select
                value={draft.modelId}
                onChange={(e) => set('modelId', e.target.value)}
                data-testid="setting-model"
              >
                {models.map((model) => (
                  <option key={model.id} value={model.id}>
                    {model.label}
                  </option>
                ))}
              </select>
              <span className="field__hint">
                Passages are embedded again with a new model; keyword search keeps working meanwhile.
              </span>
            </label>
            {onOpenModels && (
              <button
                type="button"
                className="button button--small button--quiet"
                onClick={onOpenModels}
                data-testid="settings-open-models"
              >
                Sizes, downloads and your own models…
              </button>
            )}
            <label className="check">
              <input
                type="checkbox"
                checked={draft.allowRemoteModels}
                onChange={(e) => set('allowRemoteModels', e.target.checked)}
                data-testid="setting-remote"
              />
              <span>
                Allow downloading models from{' '}
                {settings ? modelHostLabel(parseModelHost(settings.modelHost)) : 'the Hugging Face hub'}
                <span className="field__hint">
                  {draft.allowRemoteModels
                    ? 'Only model files are downloaded; your documents and queries stay here.'
                    : `Models load only from this site (${settings?.localModelPath ?? '/models/'}).`}
                </span>
              </span>
            </label>
            <label className="field">
              <span className="field__label">Device</span>
              <select
                value={draft.device}
                onChange={(e) => set('device', e.target.value as Draft['device'])}
                data-testid="setting-device"
              >
                <option value="auto">Automatic (WebGPU when available)</option>
                <option value="webgpu">WebGPU</option>
                <option value="wasm">WASM (CPU)</option>
              </select>
            </label>
            <DtypeField modelId={draft.modelId} value={draft.dtype} onChange={(value) => set('dtype', value)} />
          </fieldset>

          <OllamaSettings value={draft} onChange={(next) => setDraft((d) => d && { ...d, ...next })} />

          <fieldset className="settings__group">
            <legend>Passages</legend>
            <div className="field-row">
              <label className="field">
                <span className="field__label">Size (tokens)</span>
                <input
                  type="number"
                  min={SETTING_LIMITS.chunkTokens.min}
                  max={SETTING_LIMITS.chunkTokens.max}
                  step={1}
                  required
                  value={draft.chunkTokens}
                  onChange={(e) => set('chunkTokens', e.target.valueAsNumber)}
                />
              </label>
              <label className="field">
                <span className="field__label">Overlap (tokens)</span>
                <input
                  type="number"
                  min={SETTING_LIMITS.chunkOverlapTokens.min}
                  max={Math.floor(draft.chunkTokens / 2)}
                  step={1}
                  required
                  value={draft.chunkOverlapTokens}
                  onChange={(e) => set('chunkOverlapTokens', e.target.valueAsNumber)}
                />
              </label>
            </div>
            <label className="field">
              <span className="field__label">Largest file (MB)</span>
              <input
                type="number"
                min={SETTING_LIMITS.maxFileMB.min}
                max={SETTING_LIMITS.maxFileMB.max}
                step={1}
                required
                value={draft.maxFileMB}
                data-testid="setting-max-file"
                onChange={(e) => set('maxFileMB', e.target.valueAsNumber)}
              />
            </label>
            <span className="field__hint">
              Applies to documents added from now on. Larger files are refused before they are read.
            </span>
          </fieldset>

          <fieldset className="settings__group">
            <legend>Reranker</legend>
            <label className="field">
              <span className="field__label">Cross-encoder</span>
              <select
                value={draft.rerankerId}
                onChange={(e) => set('rerankerId', e.target.value)}
                data-testid="setting-reranker"
              >
                {RERANKERS.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
            <NumberField
              label="Passages reranked"
              value={draft.rerankDepth}
              min={SETTING_LIMITS.rerankDepth.min}
              max={SETTING_LIMITS.rerankDepth.max}
              testId="setting-rerank-depth"
              onChange={(v) => set('rerankDepth', v)}
            />
            <label className="field">
              <span className="field__label">Rerank by default</span>
              <select
                value={draft.rerankDefault}
                onChange={(e) => set('rerankDefault', e.target.value as EngineSettings['rerankDefault'])}
                data-testid="setting-rerank-default"
              >
                <option value="auto">When fast enough on this device</option>
                <option value="on">Always</option>
                <option value="off">Never</option>
              </select>
              <span className="field__hint">
                The reranker is timed when it loads; with “when fast enough” it starts on only if about 10 passages fit
                in a second. The switch beside the search modes overrides it per query.
              </span>
            </label>
          </fieldset>

          <fieldset className="settings__group">
            <legend>Vector index</legend>
            <div className="field-row">
              <label className="field">
                <span className="field__label">Index</span>
                <select
                  value={draft.indexKind}
                  onChange={(e) => set('indexKind', e.target.value as Draft['indexKind'])}
                  data-testid="setting-index"
                >
                  <option value="auto">Automatic (exact below the threshold, HNSW above)</option>
                  <option value="flat">Exact (flat scan)</option>
                  <option value="hnsw">HNSW (approximate, fast at scale)</option>
                </select>
              </label>
              <NumberField
                label="HNSW from (vectors)"
                value={draft.hnswThreshold}
                min={SETTING_LIMITS.hnswThreshold.min}
                max={SETTING_LIMITS.hnswThreshold.max}
                testId="setting-threshold"
                onChange={(v) => set('hnswThreshold', v)}
              />
            </div>
            <label className="field">
              <span className="field__label">Vectors in memory</span>
              <select
                value={draft.quantization}
                onChange={(e) => set('quantization', e.target.value as Draft['quantization'])}
                data-testid="setting-quantization"
              >
                <option value="none">float32 (exact)</option>
                <option value="int8">int8, rescored exactly (about 4× smaller scan)</option>
                <option value="binary">binary, rescored exactly (about 32× smaller scan)</option>
              </select>
            </label>
            <div className="field-row">
              <NumberField
                label="M (links per node)"
                value={draft.hnswM}
                min={SETTING_LIMITS.hnswM.min}
                max={SETTING_LIMITS.hnswM.max}
                testId="setting-m"
                onChange={(v) => set('hnswM', v)}
              />
              <NumberField
                label="efConstruction"
                value={draft.hnswEfConstruction}
                min={SETTING_LIMITS.hnswEfConstruction.min}
                max={SETTING_LIMITS.hnswEfConstruction.max}
                testId="setting-ef-construction"
                onChange={(v) => set('hnswEfConstruction', v)}
              />
              <NumberField
                label="ef (search)"
                value={draft.hnswEf}
                min={SETTING_LIMITS.hnswEf.min}
                max={SETTING_LIMITS.hnswEf.max}
                testId="setting-ef"
                onChange={(v) => set('hnswEf', v)}
              />
            </div>
            <span className="field__hint">
              Changing the index, quantization, M or efConstruction rebuilds the index from the stored vectors; nothing
              is embedded again. Higher ef finds more of the true nearest passages, a little more slowly.
            </span>
          </fieldset>

          <RedactionFields value={draft} onChange={(next) => setDraft((d) => d && { ...d, ...next })} />

          <LockSettings documentCount={documentCount} />
          <fieldset className="settings__group">
            <legend>Scans and photos</legend>
            <label className="field">
              <span className="field__label">Read text from images (OCR)</span>
              <select
                value={draft.ocrMode}
                onChange={(e) => set('ocrMode', e.target.value as Draft['ocrMode'])}
                data-testid="setting-ocr"
              >
                <option value="no-text-layer">Pages without a text layer (scans, photos)</option>
                <option value="always">Every page</option>
                <option value="never">Never</option>
              </select>
              <span className="field__hint">OCR runs here, in your browser, and takes a few seconds per page.</span>
            </label>
          </fieldset>
          {open && (
            <OriginalsSetting
              checked={draft.keepOriginals}
              onChange={(keep) => set('keepOriginals', keep)}
              pictureMetadata={draft.keepPictureMetadata}
              onPictureMetadata={(keep) => set('keepPictureMetadata', keep)}
            />
          )}
          {open && imageSearch}

          {error && (
            <p className="alert" role="alert" data-testid="settings-error">
              {error}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="button button--quiet" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={saving} data-testid="settings-save">
              {saving ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      ) : (
        <p className="hint">The engine is still starting.</p>
      )}
    </dialog>
  );
}

function withOfferedDtype(draft: Draft | undefined): Draft | undefined {
  return draft && !dtypeOffered(draft.modelId, draft.dtype) ? { ...draft, dtype: 'auto' } : draft;
}

function pick(settings: EngineSettings): Draft {
  return Object.fromEntries(DRAFT_KEYS.map((key) => [key, settings[key]])) as Draft;
}

/** A whole-number input bound to one draft field. */
function NumberField(props: {
  label: string;
  value: number;
  min: number;
  max: number;
  testId: string;
  onChange: (v: number) => void;
}) {
  return (
    <label className="field">
      <span className="field__label">{props.label}</span>
      <input
        type="number"
        min={props.min}
        max={props.max}
        step={1}
        required
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.target.valueAsNumber)}
      />
    </label>
  );
}

/** A change of the model that embeds (registry model or Ollama) re-embeds the library: confirm it first. */
function swapNeedsConfirmation(settings: EngineSettings, changes: Partial<EngineSettings>): boolean {
  try {
    return effectiveModelId(settings) !== effectiveModelId({ ...settings, ...changes });
  } catch {
    return false; // an invalid Ollama name: the engine refuses it on save, with its message
  }
}

// Settings: find pictures by what they show. Off until turned on; turning it on downloads the image–text model
// (its size is said first), with progress and Cancel; turning it off releases it.
import { useState } from 'react';
import { DEFAULT_IMAGE_MODEL_ID, listImageModels } from '../../../engine/public.ts';
import { formatBytes } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { useImageModel } from './useImageModel.ts';

const IMAGE_MODELS = listImageModels();

/** The models offered: the real ones, and the offline fixtures only while one of them is in use (tests). */
function offeredModels(current: string | undefined) {
  const fixtures = IMAGE_MODELS.some((spec) => spec.testFixture && spec.id === current);
  return IMAGE_MODELS.filter((spec) => !spec.testFixture || fixtures).map((spec) => ({
    id: spec.id,
    label: spec.testFixture
      ? `${spec.id} — offline test fixture`
      : `${spec.id}${spec.id === DEFAULT_IMAGE_MODEL_ID ? ' (recommended)' : ''} — about ${Math.min(...Object.values(spec.sizeMB))} MB, ${spec.license}`,
  }));
}

export function ImageSearchSetting() {
  const { on, status, error, turn, load, cancel, remove, choose } = useImageModel();
  const [freed, setFreed] = useState<number>();
  const size = status?.sizeMB !== undefined ? `about ${Math.round(status.sizeMB)} MB` : 'a model';
  return (
    <fieldset className="settings__group" data-testid="image-search-setting">
      <legend>Pictures</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => void turn(e.target.checked)}
          data-testid="setting-image-search"
        />
        <span>
          Find pictures by what they show
          <span className="field__hint">
            Downloads an image–text model ({status?.modelId ?? 'CLIP'}, {size}) once; pictures are then described here,
            in your browser. Text in pictures is still read by OCR.
          </span>
        </span>
      </label>
      {on && status && (
        <label className="field">
          <span className="field__label">Image model</span>
          <select
            value={status.modelId}
            onChange={(e) => void choose(e.target.value)}
            data-testid="setting-image-model"
          >
            {offeredModels(status.modelId).map((model) => (
              <option key={model.id} value={model.id}>
                {model.label}
              </option>
            ))}
          </select>
          <span className="field__hint">
            Another model describes every picture again; the one before keeps answering until it is done.
          </span>
        </label>
      )}
      {on && status?.state === 'ready' && status.error && (
        <p className="field__hint" data-testid="image-model-problem">
          Not every picture could be described; the last one that failed: {status.error}
        </p>
      )}
      {on && status?.switching && (
        <p className="field__hint" data-testid="image-model-switching">
          Switching from {status.switching.fromModelId}: {status.switching.waiting}{' '}
          {status.switching.waiting === 1 ? 'picture' : 'pictures'} still to describe. Searches use{' '}
          {status.switching.fromModelId} until then.
        </p>
      )}
      {on && status?.state === 'loading' && (
        <div className="pictures__download">
          <ProgressBar value={status.progress} label="Downloading the image model" />
          <button type="button" className="button button--quiet" onClick={cancel} data-testid="image-model-cancel">
            Cancel
          </button>
        </div>
      )}
      {on && status && (
        <p className="field__hint" data-testid="image-model-status">
          {status.state === 'ready'
            ? `Ready (${status.device ?? 'device'}): ${status.pictures} ${status.pictures === 1 ? 'picture' : 'pictures'} described` +
              (status.waiting > 0 ? `, ${status.waiting} waiting.` : '.')
            : status.state === 'unavailable'
              ? `Not available: ${status.error ?? 'the model could not be loaded'}.`
              : status.state === 'idle'
                ? 'Not loaded yet.'
                : ''}
          {status.state === 'unavailable' || status.state === 'idle' ? (
            <button type="button" className="button button--quiet" onClick={() => void load()}>
              Load now
            </button>
          ) : null}
        </p>
      )}
      {on && (
        <button
          type="button"
          className="button button--quiet"
          onClick={() => void remove().then((bytes) => setFreed(bytes))}
          data-testid="image-model-delete"
        >
          Turn off and delete the model
        </button>
      )}
      {freed !== undefined && !on && (
        <p className="field__hint" data-testid="image-model-deleted">
          Image search is off; {formatBytes(freed)} of model files deleted. Pictures already described stay.
        </p>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

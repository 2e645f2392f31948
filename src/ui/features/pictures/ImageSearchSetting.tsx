// Settings: find pictures by what they show. Off until turned on; turning it on downloads the image–text model
// (its size is said first), with progress and Cancel; turning it off releases it.
import { useState } from 'react';
import { formatBytes } from '../../components/format.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { useImageModel } from './useImageModel.ts';

export function ImageSearchSetting() {
  const { on, status, error, turn, load, cancel, remove } = useImageModel();
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

// Settings: keep a copy of each added file (keepOriginals), with what the kept copies take now, and whether a kept
// picture keeps what its camera wrote into it (keepPictureMetadata).
import { useEffect, useState } from 'react';
import { useEngine } from '../../client/engine-context.ts';
import { formatBytes } from '../../components/format.ts';

interface Props {
  checked: boolean;
  onChange: (keep: boolean) => void;
  pictureMetadata: boolean;
  onPictureMetadata: (keep: boolean) => void;
}

/** Shows the count and size of the originals kept (from the storage status; none while locked). */
export function OriginalsSetting({ checked, onChange, pictureMetadata, onPictureMetadata }: Props) {
  const { engine } = useEngine();
  const [kept, setKept] = useState<{ count: number; bytes: number }>();
  useEffect(() => {
    let live = true;
    engine?.storageStatus().then(
      (status) =>
        live &&
        status.originals !== undefined &&
        setKept({ count: status.originals, bytes: status.originalsBytes ?? 0 }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [engine]);

  return (
    <fieldset className="settings__group">
      <legend>Original files</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          data-testid="setting-keep-originals"
        />
        <span>
          Keep a copy of each file added
          <span className="field__hint">
            Shows PDF pages as they look and lets you download the original; uses about the files’ size again in browser
            storage. Files with redacted personal data are never kept. Applies to files added from now on.
            {kept && (
              <span data-testid="originals-kept">
                {' '}
                Kept now: {kept.count} {kept.count === 1 ? 'file' : 'files'}, {formatBytes(kept.bytes)}.
              </span>
            )}
          </span>
        </span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={pictureMetadata}
          disabled={!checked}
          onChange={(e) => onPictureMetadata(e.target.checked)}
          data-testid="setting-keep-picture-metadata"
        />
        <span>
          Keep camera data in kept pictures
          <span className="field__hint">
            Off: a photo’s copy is kept without what the camera wrote into it (where and when it was taken, the camera,
            the author); the picture itself is unchanged. Thumbnails never keep it.
          </span>
        </span>
      </label>
    </fieldset>
  );
}

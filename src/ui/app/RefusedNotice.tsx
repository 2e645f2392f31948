// A link asked for more than the user allowed (e.g. ?remote=1 with downloads off): say it was refused, and offer
// the explicit choice. Nothing from the URL is saved unless the user clicks here.
import type { SettingsRefusal } from '../../engine/api/index.ts';

interface Props {
  refused: SettingsRefusal[];
  onAllowDownloads: () => Promise<void>;
  onDismiss: () => void;
}

export function RefusedNotice({ refused, onAllowDownloads, onDismiss }: Props) {
  if (refused.length === 0) return null;
  const downloads = refused.some((r) => r.key === 'allowRemoteModels');
  return (
    <div className="engine-banner engine-banner--refused" role="alert" data-testid="refused-notice">
      <div className="engine-banner__message">
        <strong>This link asked for settings that were not applied.</strong>
        <ul>
          {refused.map((r) => (
            <li key={r.key}>{r.reason}</li>
          ))}
        </ul>
      </div>
      {downloads && (
        <button type="button" className="button button--small" data-testid="allow-downloads" onClick={() => void onAllowDownloads()}>
          Allow downloads
        </button>
      )}
      <button type="button" className="button button--small button--quiet" data-testid="refused-dismiss" onClick={onDismiss}>
        Keep them off
      </button>
    </div>
  );
}

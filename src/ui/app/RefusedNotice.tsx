// A link asked for more than the user allowed (e.g. ?remote=1 with downloads off): say it was refused, and offer
// the explicit choice. Nothing from the URL is saved unless the user clicks here.
import { useState } from 'react';
import { useEngine } from '../client/engine-context.ts';
import './engine-banner.css';

export function RefusedNotice() {
  const { refused: refusedAtStart, saveSettings } = useEngine();
  const [dismissed, setDismissed] = useState(false);
  const refused = dismissed ? [] : refusedAtStart;
  const onAllowDownloads = () => saveSettings({ allowRemoteModels: true }).then(() => setDismissed(true));
  const onDismiss = () => setDismissed(true);
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
        <button
          type="button"
          className="button button--small"
          data-testid="allow-downloads"
          onClick={() => void onAllowDownloads()}
        >
          Allow downloads
        </button>
      )}
      <button
        type="button"
        className="button button--small button--quiet"
        data-testid="refused-dismiss"
        onClick={onDismiss}
      >
        Keep them off
      </button>
    </div>
  );
}

// A page-wide notice about the engine itself: the library changed under this page (another tab upgraded it, so
// this page must reload), or the engine's worker died and was restarted; or a new version of the app is ready.
import { applyUpdate } from '../client/pwa-update.ts';
import './engine-banner.css';
import { useEngineNotice } from './useEngineNotice.ts';

export function EngineBanner() {
  const [notice, onDismiss] = useEngineNotice();
  const onUpdate = () => void applyUpdate();
  if (!notice) return null;
  return (
    <div
      className={`engine-banner engine-banner--${notice.kind}`}
      role="alert"
      data-testid="engine-banner"
      data-kind={notice.kind}
    >
      <p className="engine-banner__message">{notice.message}</p>
      {notice.kind === 'stale' ? (
        <button
          type="button"
          className="button button--small"
          data-testid="reload-page"
          onClick={() => location.reload()}
        >
          Reload
        </button>
      ) : notice.kind === 'update' ? (
        <span className="engine-banner__actions">
          <button type="button" className="button button--small" data-testid="apply-update" onClick={onUpdate}>
            Reload
          </button>
          <button type="button" className="button button--small button--quiet" onClick={onDismiss}>
            Later
          </button>
        </span>
      ) : notice.kind === 'restarted' ? (
        <button type="button" className="button button--small button--quiet" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

// The top bar: name, model status, the colour theme, privacy, the lock and the way into settings.
import { useEngine } from '../client/engine-context.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Logo } from './Logo.tsx';
import { ModelStatusBar } from '../features/models/ModelStatusBar.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';

interface Props {
  onOpenSettings: () => void;
  /** Shown as a Lock button while the library is encrypted and open. */
  onLock?: () => void;
  onOpenPrivacy?: () => void;
  onOpenModels?: () => void;
}

export function Header({ onOpenSettings, onLock, onOpenPrivacy, onOpenModels }: Props) {
  const { lock } = useEngine();
  return (
    <header className="header">
      <div className="header__inner">
        <div className="brand">
          <Logo />
          <span className="brand__name">Trove</span>
          <span className="brand__tagline">private semantic search</span>
        </div>
        <ErrorBoundary name="the model status">
          <ModelStatusBar />
        </ErrorBoundary>
        <div className="header__tools">
          <ThemeToggle />
          {lock === 'unlocked' && onLock && (
            <button
              type="button"
              className="button button--small button--quiet"
              data-testid="lock-button"
              onClick={onLock}
              title="Lock the library now"
            >
              Lock
            </button>
          )}
          {onOpenModels && (
            <button
              type="button"
              className="button button--small button--quiet"
              data-testid="models-button"
              onClick={onOpenModels}
            >
              Models
            </button>
          )}
          {onOpenPrivacy && (
            <button
              type="button"
              className="button button--small button--quiet"
              data-testid="privacy-button"
              onClick={onOpenPrivacy}
            >
              Privacy
            </button>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label="Settings"
            title="Settings"
            data-testid="settings-button"
            onClick={onOpenSettings}
          >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
              <path
                d="M4 7h10M18 7h2M4 17h2M10 17h10M14 4v6M6 14v6"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.8"
                strokeLinecap="round"
              />
            </svg>
          </button>
        </div>
      </div>
    </header>
  );
}

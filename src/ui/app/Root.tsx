// Chooses the page: the app, or a demo page (?demo=map | viewer) over generated data for trying and testing
// components before the engine serves their data.
import { lazy, Suspense } from 'react';
import { App } from './App.tsx';
import { EngineProvider } from './EngineProvider.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';

const DemoRoutes = lazy(() => import('./demo/DemoRoutes.tsx'));

export function Root() {
  const demo = new URLSearchParams(location.search).get('demo');
  if (!demo) {
    return (
      <ErrorBoundary name="Trove">
        <EngineProvider>
          <App />
        </EngineProvider>
      </ErrorBoundary>
    );
  }
  return (
    <div className="app">
      <header className="header">
        <div className="header__inner">
          <span className="brand__name">Trove demo</span>
          <div className="header__tools">
            <ThemeToggle />
          </div>
        </div>
      </header>
      <Suspense fallback={<p className="hint">Loading the demo…</p>}>
        <DemoRoutes name={demo} />
      </Suspense>
    </div>
  );
}

// Entry point: starts the engine, then loads and mounts the page. (In dev, Vite puts React's refresh preamble above
// the CSP meta tag, so the CSP does not block it; the built site has no inline script at all.)
import { connect } from './ui/client/engine-client.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The engine's worker starts first, from this small entry, while the page's own code (React and every view) is
// still loading: the worker's script and the library's indexes load side by side with it, so a returning user's
// first result comes that much sooner. Its errors reach the page through EngineProvider, which asks for the same
// connection.
connect().catch(() => undefined);

import('./ui/app/mount.tsx').then(
  ({ mount }) => mount(root),
  (error: unknown) => {
    // Without the page's code there is no React to show an error with.
    root.textContent = `Trove could not load its page (${error instanceof Error ? error.message : String(error)}). Reload to try again.`;
  },
);

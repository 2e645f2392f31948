// Entry point: mounts the app. (In dev, Vite puts React's refresh preamble above the CSP meta tag, so the
// CSP does not block it; the built site has no inline script at all.)
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ingestRunning } from './ui/engine-client.ts';
import { startPwa } from './ui/pwa-update.ts';
import { Root } from './ui/Root.tsx';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

// Offline cache, cross-origin isolation on any host, and updates that wait for the user (src/sw/sw.ts). On a host
// that sends no isolation headers, the first visit reloads once (when nothing is being added) so WASM gets threads.
startPwa({ autoReloadForIsolation: () => !ingestRunning() });

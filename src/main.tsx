// Entry point: mounts the app. (In dev, Vite puts React's refresh preamble above the CSP meta tag, so the
// CSP does not block it; the built site has no inline script at all.)
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startPwa } from './ui/client/pwa-update.ts';
import { Root } from './ui/app/Root.tsx';
import './ui/app/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);

// Offline cache, cross-origin isolation on any host, and updates that wait for the user (src/sw/sw.ts). On a host
// that sends no isolation headers, the first visit is not isolated; the service worker makes every later one so.
// (No automatic reload: a page that reloads under the user on first use is worse than one slower first visit.)
startPwa();

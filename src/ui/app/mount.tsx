// Mounts the page (loaded by src/main.tsx once the engine's worker is on its way).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startPwa } from '../client/pwa-update.ts';
import { Root } from './Root.tsx';
import './styles.css';

export function mount(root: HTMLElement): void {
  createRoot(root).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
  // Offline cache, cross-origin isolation on any host, and updates that wait for the user (src/sw/sw.ts). On a host
  // that sends no isolation headers, the first visit is not isolated; the service worker makes every later one so.
  // (No automatic reload: a page that reloads under the user on first use is worse than one slower first visit.)
  startPwa();
}

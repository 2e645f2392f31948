// The reload benchmark's page. With ?mode=load it asks its worker to restore the index at once (no round trip to
// the driver first, so "since navigation" is what a user would wait); otherwise it waits for store().
import type { LoadResult, StoreRequest, StoreResult, WorkerReply } from './reload-protocol.ts';

declare global {
  interface Window {
    reloadBench: { store(request: StoreRequest): Promise<StoreResult>; loaded?: Promise<LoadResult> };
  }
}

const worker = new Worker(new URL('./reload-worker.ts', import.meta.url), { type: 'module' });

function call<T>(message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) =>
      event.data.ok ? resolve(event.data.result as T) : reject(new Error(event.data.error));
    worker.onerror = (event) => reject(new Error(event.message || 'worker failed to start'));
    worker.postMessage(message);
  });
}

window.reloadBench = { store: (request) => call<StoreResult>(request) };

if (new URLSearchParams(location.search).get('mode') === 'load') {
  // Workers report absolute times (their clock starts later than the page's): make them relative to navigation.
  window.reloadBench.loaded = call<LoadResult>({ cmd: 'load' }).then((r) => ({
    ...r,
    workerStartMs: r.workerStartMs - performance.timeOrigin,
    sinceNavigationMs: r.sinceNavigationMs - performance.timeOrigin,
  }));
}

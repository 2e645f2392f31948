// The embed benchmark's page: each run gets a fresh module worker (ONNX Runtime fixes its thread count when it
// first starts in a worker), which loads the model through the app's embedder and embeds the texts.
import type { EmbedRunRequest, EmbedRunResult } from '../embed-spec.ts';

declare global {
  interface Window {
    embedBench: { run(request: EmbedRunRequest): Promise<EmbedRunResult> };
  }
}

window.embedBench = {
  run(request) {
    const worker = new Worker(new URL('./embed-worker.ts', import.meta.url), { type: 'module' });
    return new Promise<EmbedRunResult>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<{ ok: boolean; result?: EmbedRunResult; error?: string }>) => {
        worker.terminate();
        if (event.data.ok) resolve(event.data.result as EmbedRunResult);
        else reject(new Error(event.data.error));
      };
      worker.onerror = (event) => reject(new Error(event.message || 'worker failed to start'));
      worker.postMessage(request);
    });
  },
};

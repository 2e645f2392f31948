// The soak benchmark's page. With ?mode=reopen&q=<json queries> it starts the worker's reopen at once (no round
// trip to the driver first), so "since navigation" is what a user would wait; otherwise it waits for build().
import type { BuildRequest, BuildResult, ReopenResult, SoakReply } from './soak-protocol.ts';

export interface ReopenInPage extends ReopenResult {
  /** Navigation start → engine start, first keyword result, first hybrid result. */
  sinceNavigation: {
    workerCreated: number;
    evaluationStarted: number;
    engineStart: number;
    keyword: number;
    hybrid: number;
  };
}

declare global {
  interface Window {
    soakBench: { build(request: BuildRequest): Promise<BuildResult>; reopened?: Promise<ReopenInPage> };
  }
}

const worker = new Worker(new URL('./soak-worker.ts', import.meta.url), { type: 'module' });

function call<T>(message: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<SoakReply>) =>
      event.data.ok ? resolve(event.data.result as T) : reject(new Error(event.data.error));
    worker.onerror = (event) => reject(new Error(event.message || 'worker failed to start'));
    worker.postMessage(message);
  });
}

window.soakBench = { build: (request) => call<BuildResult>(request) };

const params = new URLSearchParams(location.search);
if (params.get('mode') === 'reopen') {
  const queries = JSON.parse(params.get('q') ?? '[]') as string[];
  window.soakBench.reopened = call<ReopenResult>({ cmd: 'reopen', queries }).then((r) => ({
    ...r,
    sinceNavigation: {
      workerCreated: r.workerCreatedAt - performance.timeOrigin,
      evaluationStarted: r.evaluationStartedAt - performance.timeOrigin,
      engineStart: r.engineStartAt - performance.timeOrigin,
      keyword: r.keywordAt - performance.timeOrigin,
      hybrid: r.hybridAt - performance.timeOrigin,
    },
  }));
}

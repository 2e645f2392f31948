// The page's door to the answer generator: a Web Worker of its own (src/worker/generator.worker.ts), so a search
// never waits behind a generation and a crashed generator never takes the search engine with it. The worker starts
// only when something asks for it (the Answer panel turned on, a generator downloaded in Models); a worker that dies
// fails the calls waiting on it and the next call starts a fresh one.
import * as Comlink from 'comlink';
import type {
  GeneratorAvailability,
  GeneratorLoadSettings,
  GeneratorWorkerApi,
} from '../../worker/generator.worker.ts';
import { registerErrorTransfer } from '../../worker/error-transfer.ts';

export type GeneratorWorker = Comlink.Remote<GeneratorWorkerApi>;
export type { GeneratorAvailability, GeneratorLoadSettings };

registerErrorTransfer();

interface Running {
  worker: Worker;
  remote: GeneratorWorker;
  /** Settles (rejected) when the worker dies, so no call waits on a dead worker forever. */
  died: Promise<never>;
}

let running: Running | undefined;
const deathListeners = new Set<(message: string) => void>();

function start(): Running {
  const worker = new Worker(new URL('../../worker/generator.worker.ts', import.meta.url), {
    type: 'module',
    name: 'trove-generator',
  });
  let reject: (error: Error) => void = () => undefined;
  const died = new Promise<never>((_, fail) => {
    reject = fail;
  });
  died.catch(() => undefined); // only matters to calls in flight
  const current: Running = { worker, remote: Comlink.wrap<GeneratorWorkerApi>(worker), died };
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    const message = `The answer generator stopped (${event.message || 'its worker failed'}).`;
    if (running === current) running = undefined;
    worker.terminate();
    reject(new Error(message));
    for (const listener of deathListeners) listener(message);
  });
  return current;
}

/** Runs one call on the generator worker (started on first use); rejects if the worker dies meanwhile. */
export function withGenerator<T>(call: (generator: GeneratorWorker) => Promise<T>): Promise<T> {
  running ??= start();
  const { remote, died } = running;
  return Promise.race([call(remote), died]);
}

/** Runs a call only on a generator worker that is already started (a cancel or reset never starts one). */
export function withStartedGenerator(call: (generator: GeneratorWorker) => Promise<unknown>): void {
  if (running) void withGenerator(call).catch(() => undefined);
}

/** Ends the generator worker and frees the model's memory (answers turned off, or a restart after a failure). */
export function stopGenerator(): void {
  running?.worker.terminate();
  running = undefined;
}

/** Hears when the generator worker died (crash, out of memory). */
export function onGeneratorDied(listener: (message: string) => void): () => void {
  deathListeners.add(listener);
  return () => deathListeners.delete(listener);
}

/** Wraps a callback for the worker (progress, streamed tokens). */
export const workerCallback = Comlink.proxy;

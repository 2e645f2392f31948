// The UI's one door to the engine: a Web Worker behind comlink. Nothing else in src/ui imports engine code
// except types.
import * as Comlink from 'comlink';
import type {
  EngineSettings,
  FileInput,
  IngestProgress,
  LibraryStats,
  ModelStatus,
  TroveApi,
} from '../engine/api.ts';

export type Engine = Comlink.Remote<TroveApi>;

export interface Connection {
  engine: Engine;
  settings: EngineSettings;
  stats: LibraryStats;
}

let connection: Promise<Connection> | undefined;
const statusListeners = new Set<(status: ModelStatus) => void>();

/**
 * Starts the worker and initialises the engine once per page, however many times React mounts
 * (StrictMode runs effects twice in development).
 */
export function connect(): Promise<Connection> {
  connection ??= start();
  return connection;
}

async function start(): Promise<Connection> {
  const worker = new Worker(new URL('../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'trove-engine',
  });
  // A worker that fails to load never answers; turn that into an error instead of a spinner forever.
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      reject(new Error(event.message || 'The search engine (Web Worker) could not start.'));
    });
  });
  failed.catch(() => undefined); // only matters while init is pending
  const engine = Comlink.wrap<TroveApi>(worker);
  const { settings, stats } = await Promise.race([engine.init(initialSettings()), failed]);
  // One proxy for the page; React components subscribe through statusListeners.
  await engine.onModelStatus(
    Comlink.proxy((status: ModelStatus) => {
      for (const listener of statusListeners) listener(status);
    }),
  );
  return { engine, settings, stats };
}

/** Subscribes to model status pushes; returns the unsubscribe function. */
export function onModelStatus(listener: (status: ModelStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/**
 * Settings for init: the build's choice (VITE_TROVE_MODEL=local → the offline GloVe fixture), then
 * tester overrides from the URL: ?model=ID&remote=0|1&device=auto|webgpu|wasm.
 */
export function initialSettings(
  query: string = globalThis.location?.search ?? '',
  buildModel: string | undefined = import.meta.env.VITE_TROVE_MODEL as string | undefined,
): Partial<EngineSettings> {
  const settings: Partial<EngineSettings> = {};
  if (buildModel === 'local') {
    Object.assign(settings, { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath: '/models/' });
  }
  const params = new URLSearchParams(query);
  const model = params.get('model');
  if (model) settings.modelId = model;
  const remote = params.get('remote');
  if (remote === '0' || remote === 'false') settings.allowRemoteModels = false;
  if (remote === '1' || remote === 'true') settings.allowRemoteModels = true;
  const device = params.get('device');
  if (device === 'auto' || device === 'webgpu' || device === 'wasm') settings.device = device;
  return settings;
}

/** A file picked or dropped, with the id its job row and progress use. */
export interface PendingFile {
  jobId: string;
  file: File;
}

let jobCounter = 0;
export function newJobId(): string {
  jobCounter += 1;
  return `job-${Date.now().toString(36)}-${jobCounter}`;
}

/**
 * Reads the files and hands them to the engine, transferring (not copying) their bytes.
 * Files the browser cannot read are reported as failed here and never sent.
 */
export async function ingestFiles(
  engine: Engine,
  files: PendingFile[],
  onProgress: (progress: IngestProgress) => void,
): Promise<IngestProgress[]> {
  const read = await Promise.all(
    files.map(async ({ jobId, file }): Promise<FileInput | IngestProgress> => {
      try {
        return { jobId, name: file.name, type: file.type, data: await file.arrayBuffer() };
      } catch (error) {
        const failure: IngestProgress = {
          jobId,
          fileName: file.name,
          stage: 'failed',
          fraction: 1,
          error: { code: 'PARSE_FAILED', message: `The browser could not read this file (${errorMessage(error)}).` },
        };
        onProgress(failure);
        return failure;
      }
    }),
  );
  // Kept in the order the user gave, which is the order the engine works through them.
  const inputs = read.filter((item): item is FileInput => 'data' in item);
  const unreadable = read.filter((item): item is IngestProgress => !('data' in item));
  if (inputs.length === 0) return unreadable;
  const sent = Comlink.transfer(
    inputs,
    inputs.map((input) => input.data),
  );
  const results = await engine.ingest(sent, Comlink.proxy(onProgress));
  return [...results, ...unreadable];
}

/** Errors from the worker arrive as Error objects with the engine's message; show that message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

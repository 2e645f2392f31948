// The UI's one door to the engine: a Web Worker behind comlink. Nothing else in src/ui imports engine code
// except types.
import * as Comlink from 'comlink';
import type {
  ImageModelStatus,
  LibraryMap,
  EngineSettings,
  EvaluateRequest,
  EvaluationProgress,
  EvaluationRun,
  FileInput,
  IngestProgress,
  LibraryEvent,
  LibraryStats,
  LockState,
  ModelStatus,
  SettingsRefusal,
  TroveApi,
} from '../../engine/api/index.ts';
import { DEFAULT_MODEL_HOST, ERROR_CODES } from '../../engine/public.ts';
import { registerErrorTransfer } from '../../worker/error-transfer.ts';
import { defaultLocalModelPath } from './base-path.ts';

export type Engine = Comlink.Remote<TroveApi>;

export interface Connection {
  engine: Engine;
  settings: EngineSettings;
  stats: LibraryStats;
  /** Whether the library is encrypted, and if so whether it is open. */
  lock: LockState;
  /** URL parameters that were not applied because they would widen what the user allowed. */
  refused: SettingsRefusal[];
}

/** What the page hears about the engine as a whole (besides model status). */
export type EngineEvent =
  | LibraryEvent
  /** The worker died (crash, out of memory, closed): unfinished jobs failed; a new worker is starting. */
  | { type: 'died'; message: string }
  /** A new worker is up after a death: re-read everything from it. */
  | { type: 'restarted'; connection: Connection };

/** The heartbeat: a ping every interval; no answer within the timeout means the worker is gone. */
const HEARTBEAT_INTERVAL_MS = 2_000;
// Generous: one model run on a slow device can keep the worker busy for seconds between answers.
const HEARTBEAT_TIMEOUT_MS = 25_000;

registerErrorTransfer();

/** Fresh workers started per page because the model runtime trapped. */
const MAX_RUNTIME_RESTARTS = 2;
let runtimeRestarts = 0;

let connection: Promise<Connection> | undefined;
let worker: Worker | undefined;
const statusListeners = new Set<(status: ModelStatus) => void>();
const imageModelListeners = new Set<(status: ImageModelStatus) => void>();
const jobListeners = new Set<(progress: IngestProgress) => void>();
const eventListeners = new Set<(event: EngineEvent) => void>();

/**
 * Starts the worker and initialises the engine once per page, however many times React mounts
 * (StrictMode runs effects twice in development). After a worker death this returns the new connection.
 */
export function connect(): Promise<Connection> {
  connection ??= start();
  return connection;
}

/** Subscribes to engine events (library changed in another tab, stale library, worker died/restarted). */
export function onEngineEvent(listener: (event: EngineEvent) => void): () => void {
  eventListeners.add(listener);
  return () => eventListeners.delete(listener);
}

/** Subscribes to the progress of every job, including those the engine starts itself (resume, retry). */
export function onJobProgress(listener: (progress: IngestProgress) => void): () => void {
  jobListeners.add(listener);
  return () => jobListeners.delete(listener);
}

function emit(event: EngineEvent): void {
  for (const listener of eventListeners) listener(event);
}

async function start(): Promise<Connection> {
  const current = new Worker(new URL('../../worker/engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'trove-engine',
  });
  worker = current;
  // A worker that fails to load never answers; turn that into an error instead of a spinner forever.
  let rejectStart: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectStart = reject;
  });
  failed.catch(() => undefined); // only matters while init is pending
  current.addEventListener('error', (event) => {
    event.preventDefault();
    const message = event.message || 'The search engine (Web Worker) could not start.';
    rejectStart(new Error(message));
    // Once started, an uncaught error that killed the worker shows up as a missed heartbeat.
  });
  const engine = Comlink.wrap<TroveApi>(current);
  const { build, requested } = initialSettings();
  // The listeners are registered alongside init, not after it: four round trips fewer before the first search.
  const [{ settings, stats, lock, refused }] = await Promise.race([
    Promise.all([
      engine.init(build, requested),
      // One proxy each for the page; React components subscribe through the listener sets.
      engine.onModelStatus(
        Comlink.proxy((status: ModelStatus) => {
          for (const listener of statusListeners) listener(status);
        }),
      ),
      engine.onImageModelStatus(
        Comlink.proxy((status: ImageModelStatus) => {
          for (const listener of imageModelListeners) listener(status);
        }),
      ),
      engine.onJobProgress(
        Comlink.proxy((progress: IngestProgress) => {
          for (const listener of jobListeners) listener(progress);
        }),
      ),
      engine.onLibraryEvent(
        Comlink.proxy((event: LibraryEvent) => {
          // A trapped model runtime cannot be repaired inside its worker: replace the worker as if it had died.
          // A runtime that traps again in a fresh worker is left as it is (the model shows as unavailable, search
          // by keyword goes on) rather than restarted in a loop.
          if (event.type !== 'runtime-broken') emit(event);
          else if (runtimeRestarts++ < MAX_RUNTIME_RESTARTS)
            void restartAfterDeath(current, runtimeBrokenMessage(event.message));
        }),
      ),
    ]),
    failed,
  ]);
  watchHeartbeat(current, engine);
  return { engine, settings, stats, lock, refused };
}

/**
 * Pings the worker; when it stops answering, fails its jobs, replaces it and tells the page. Time the page itself
 * was frozen (a long render, a suspended tab) does not count against the worker: only missed answers while the
 * page was running do.
 */
function watchHeartbeat(watched: Worker, engine: Engine): void {
  let silentMs = 0;
  let lastTick = Date.now();
  let inFlight = false;
  const timer = setInterval(() => {
    const now = Date.now();
    const elapsed = Math.min(now - lastTick, HEARTBEAT_INTERVAL_MS * 2);
    lastTick = now;
    if (worker !== watched) {
      clearInterval(timer);
      return;
    }
    if (inFlight) silentMs += elapsed;
    if (silentMs > HEARTBEAT_TIMEOUT_MS) {
      clearInterval(timer);
      void restartAfterDeath(watched);
      return;
    }
    if (inFlight) return;
    inFlight = true;
    engine.ping().then(
      () => {
        silentMs = 0;
        inFlight = false;
      },
      () => {
        inFlight = false;
      },
    );
  }, HEARTBEAT_INTERVAL_MS);
}

function runtimeBrokenMessage(why: string): string {
  return `The model runtime failed (${why.replace(/\.$/, '')}); it was restarted.`;
}

async function restartAfterDeath(dead: Worker, message: string = ERROR_CODES.WORKER_DIED): Promise<void> {
  if (worker !== dead) return;
  dead.terminate(); // also frees its memory
  worker = undefined;
  connection = undefined;
  emit({ type: 'died', message });
  try {
    // The new engine resumes what the dead one left half-written (its documents are 'ingesting' in storage).
    emit({ type: 'restarted', connection: await connect() });
  } catch (error) {
    emit({
      type: 'stale',
      message: `The search engine could not be restarted (${errorMessage(error)}). Reload the page.`,
    });
  }
}

/** Subscribes to model status pushes; returns the unsubscribe function. */
export function onModelStatus(listener: (status: ModelStatus) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

/** Subscribes to the image model's status pushes; returns the unsubscribe function. */
export function onImageModelStatus(listener: (status: ImageModelStatus) => void): () => void {
  imageModelListeners.add(listener);
  return () => imageModelListeners.delete(listener);
}

/**
 * Settings for init, kept apart: the build's choice (VITE_TROVE_MODEL=local → the offline GloVe fixture), and
 * tester requests from the URL (?model=ID&remote=0|1&device=auto|webgpu|wasm). The engine applies a request only
 * where it narrows what the user allowed (?remote=1 with downloads off is refused), and saves neither.
 */
export function initialSettings(
  query: string = globalThis.location?.search ?? '',
  buildModel: string | undefined = import.meta.env.VITE_TROVE_MODEL as string | undefined,
  buildModelHost: string = (import.meta.env.VITE_TROVE_MODEL_HOST as string | undefined) || DEFAULT_MODEL_HOST,
): { build: Partial<EngineSettings>; requested: Partial<EngineSettings> } {
  // Self-hosted models live beside the app, also when it is served under a sub-path (GitHub Pages-like hosts).
  const build: Partial<EngineSettings> = { localModelPath: defaultLocalModelPath() };
  // Where model files come from (VITE_TROVE_MODEL_HOST; the hub when unset)
  build.modelHost = buildModelHost;
  if (buildModel === 'local') {
    Object.assign(build, {
      modelId: 'glove-50d-static',
      rerankerId: 'glove-50d-cross-encoder',
      rerankDefault: 'off',
      imageModelId: 'trove-colour-clip',
      allowRemoteModels: false,
    });
  }
  const requested: Partial<EngineSettings> = {};
  const params = new URLSearchParams(query);
  const model = params.get('model');
  if (model) requested.modelId = model;
  const remote = params.get('remote');
  if (remote === '0' || remote === 'false') requested.allowRemoteModels = false;
  if (remote === '1' || remote === 'true') requested.allowRemoteModels = true;
  const device = params.get('device');
  if (device === 'auto' || device === 'webgpu' || device === 'wasm') requested.device = device;
  return { build, requested };
}

/** A file picked or dropped, with the id its job row and progress use. */
export interface PendingFile {
  jobId: string;
  file: File;
  /** Folder path inside a dropped or chosen folder (metadata, filterable). */
  folder?: string;
  /** CSV/TSV/JSON: the fields chosen as text in the preview. */
  textFields?: string[];
  /** Collection to add to (default: the default collection). */
  collection?: string;
  /** The user's answer to "a document with this name is already there". */
  onDuplicate?: FileInput['onDuplicate'];
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
  maxFileMB: number,
): Promise<IngestProgress[]> {
  const progress = Comlink.proxy(onProgress);
  runningIngests++;
  try {
    return await sendInGroups(engine, files, onProgress, progress, maxFileMB);
  } finally {
    runningIngests--;
  }
}

let runningIngests = 0;
/** True while files are being handed to the engine (a reload now would interrupt them). */
export function ingestRunning(): boolean {
  return runningIngests > 0;
}

/** Bytes of files handed to the engine in one call (a larger file goes alone)… */
const GROUP_BYTES = 4 * 1024 * 1024;
/** …and files per call. */
const GROUP_FILES = 200;

async function sendInGroups(
  engine: Engine,
  files: PendingFile[],
  onProgress: (progress: IngestProgress) => void,
  progress: (progress: IngestProgress) => void,
  maxFileMB: number,
): Promise<IngestProgress[]> {
  const results: IngestProgress[] = new Array<IngestProgress>(files.length);
  const fail = (index: number, jobId: string, file: File, code: 'FILE_TOO_LARGE' | 'PARSE_FAILED', message: string) => {
    const failure: IngestProgress = {
      jobId,
      fileName: file.name,
      stage: 'failed',
      fraction: 1,
      error: { code, message },
    };
    onProgress(failure);
    results[index] = failure;
  };
  // Files go in groups, in the order the user gave: the engine writes many small files in one transaction, so it
  // must have them together, and the next group is read while the engine works on the one before, so it never
  // waits for the page. Each file's size is checked before a byte is read, and the buffers are transferred to the
  // worker (not copied). Memory stays bounded by a few groups (or the largest file), however many are dropped.
  const inFlight: Array<Promise<void>> = [];
  let group: Array<{ index: number; input: FileInput }> = [];
  let groupBytes = 0;
  const send = async () => {
    if (group.length === 0) return;
    const sending = group;
    group = [];
    groupBytes = 0;
    // At most two groups with the engine: the one being ingested and the next.
    if (inFlight.length >= 2) await inFlight.shift();
    const inputs = sending.map((g) => g.input);
    const done = engine
      .ingest(
        Comlink.transfer(
          inputs,
          inputs.map((input) => input.data),
        ),
        progress,
      )
      .then((out) => {
        out.forEach((result, i) => (results[sending[i].index] = result));
      });
    done.catch(() => undefined); // awaited below; the failure is the caller's then
    inFlight.push(done);
  };
  for (const [index, { jobId, file, folder, textFields, collection, onDuplicate }] of files.entries()) {
    if (file.size > maxFileMB * 1024 * 1024) {
      fail(
        index,
        jobId,
        file,
        'FILE_TOO_LARGE',
        `“${file.name}” is ${formatMB(file.size)}; the limit is ${maxFileMB} MB (Settings → Passages).`,
      );
      continue;
    }
    let data: ArrayBuffer;
    try {
      data = await file.arrayBuffer();
    } catch (error) {
      fail(index, jobId, file, 'PARSE_FAILED', `The browser could not read “${file.name}” (${errorMessage(error)}).`);
      continue;
    }
    const input: FileInput = { jobId, name: file.name, type: file.type, data, lastModified: file.lastModified };
    if (folder) input.folder = folder;
    if (textFields) input.textFields = textFields;
    if (collection !== undefined) input.collection = collection;
    if (onDuplicate !== undefined) input.onDuplicate = onDuplicate;
    if (groupBytes + data.byteLength > GROUP_BYTES) await send();
    group.push({ index, input });
    groupBytes += data.byteLength;
    if (group.length >= GROUP_FILES) await send();
  }
  await send();
  for (const done of inFlight) await done;
  return results;
}

function formatMB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Errors from the worker arrive as Error objects with the engine's message; show that message. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}

/** Runs an evaluation in the worker, with progress through a proxied callback. */
export function runEvaluation(
  engine: Engine,
  request: EvaluateRequest,
  onProgress: (progress: EvaluationProgress) => void,
): Promise<EvaluationRun> {
  return engine.evaluate(request, Comlink.proxy(onProgress));
}

/**
 * The library map for MapPanel: projected in the worker; an aborted signal cancels the projection there.
 * Returns the points with each passage's offsets, so a click can open the viewer at the passage.
 */
export async function loadLibraryMap(
  engine: Engine,
  signal: AbortSignal,
  onProgress: (progress: { stage: string; fraction: number }) => void,
): Promise<LibraryMap> {
  const cancel = () => void engine.cancelMap();
  signal.addEventListener('abort', cancel);
  try {
    return await engine.projectMap({}, Comlink.proxy(onProgress));
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

// transformers.js as Trove runs it, shared by the embedder and the reranker: the one configuration of its global
// `env` (model host, self-hosted path, same-origin WASM files, a fetch that reaches only allowed origins), the device
// to try first, and the options every model load takes.
import { env } from '@huggingface/transformers';
import { activeModelHost, type ModelHost } from './model-host.ts';
import { wasmThreadsHere } from './wasm-threads.ts';
import type { EmbedDevice } from '../api/model-spec.ts';

/** The Hugging Face hub; the host models actually come from is the build's (model-host.ts, activeModelHost()). */
export const HUB_URL = 'https://huggingface.co/';

/** What every transformers.js model load takes; the embedder's and the reranker's options add their own. */
/** Same-origin URLs of an ONNX Runtime Web build (the worker picks one: src/worker/ort-files.ts). */
export interface OrtFiles {
  mjs: string;
  wasm: string;
  /**
   * Run ORT's WASM backend on one thread. The plain WASM build was seen to hang the worker for good when a session
   * was released with its thread pool running (a model comparison closing its candidate); the asyncify build was not.
   */
  singleThreaded?: boolean;
}

export interface TransformersLoadOptions {
  /** Fetch from the Hugging Face hub when no local copy exists (ignored for local-only fixtures). */
  allowRemoteModels: boolean;
  /** Base of self-hosted models: a URL path ("/models/") in a browser, a folder in Node. */
  localModelPath: string;
  device: 'auto' | 'webgpu' | 'wasm' | 'cpu';
  /** Same-origin URLs of the ORT wasm files; without them transformers.js would use a CDN. */
  wasmPaths?: OrtFiles;
  /** 0..1 while files download and the session starts. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export interface TransformersEnvOptions {
  allowRemoteModels: boolean;
  localModelPath: string;
  wasmPaths?: OrtFiles;
  numThreads?: number;
}

type Fetch = typeof env.fetch;
let baseFetch: Fetch | undefined;

/**
 * The one place that configures transformers.js' global `env` (a reranker loaded later shares it).
 * wasmPaths only take effect before the first ONNX session is created.
 */
export function configureTransformersEnv(options: TransformersEnvOptions): void {
  // The build's model host (VITE_TROVE_MODEL_HOST): a `self` build never fetches from another origin, whatever the
  // settings say; otherwise models come from the build's host.
  const host = activeModelHost();
  env.allowLocalModels = true;
  env.allowRemoteModels = options.allowRemoteModels && host.kind === 'remote';
  env.localModelPath = options.localModelPath;
  env.remoteHost = host.kind === 'remote' ? host.url : HUB_URL;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  // transformers.js points wasmPaths at a CDN when it is imported: always replace it with our own origin's files.
  const wasm = env.backends.onnx.wasm;
  if (options.wasmPaths && wasm) wasm.wasmPaths = { wasm: options.wasmPaths.wasm, mjs: options.wasmPaths.mjs };
  // ORT reads this when it first initialises the WASM backend (later changes are ignored for this worker).
  if (wasm) wasm.numThreads = options.wasmPaths?.singleThreaded ? 1 : (options.numThreads ?? wasmThreadsHere());
  // Import the ORT factory from its same-origin URL, not from a blob: copy, so a Content Security Policy of
  // script-src 'self' holds in the worker too. Offline use is covered by the service worker's precache.
  env.useWasmCache = false;
  baseFetch ??= env.fetch;
  env.fetch = guardedFetch(baseFetch, options.localModelPath, host);
}

/** Lets requests reach only this site, the local model path and the build's model host; an HTML page answering for a model file is a 404. */
function guardedFetch(fetchImpl: Fetch, localModelPath: string, host: ModelHost): Fetch {
  const allowed = new Set<string>(host.kind === 'remote' ? [host.origin] : []);
  const localOrigin = httpOrigin(localModelPath);
  if (localOrigin) allowed.add(localOrigin);
  if (typeof location !== 'undefined' && location.origin) allowed.add(location.origin);
  return async (input, init) => {
    const url = input instanceof URL ? input.href : String(input);
    const origin = httpOrigin(url);
    if (origin && !allowed.has(origin)) {
      throw new Error(
        `refused to fetch ${url}: models load only from this site${host.kind === 'remote' ? ` or ${host.url}` : ''}`,
      );
    }
    const response = await fetchImpl(input, init);
    // Static dev/preview servers answer unknown paths with index.html (SPA fallback). Reporting a 404 instead lets
    // transformers.js move on to the hub, or say plainly that the file is missing, rather than fail to parse HTML.
    if (response?.ok && /text\/html/i.test(response.headers?.get('content-type') ?? '')) {
      return new Response(null, { status: 404, statusText: 'Not Found (got an HTML page)' });
    }
    return response;
  };
}

function httpOrigin(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined; // relative path: same origin (browser) or a file path (Node)
  }
}

const IS_NODE = typeof process !== 'undefined' && process.release?.name === 'node';

async function hasWebGpuAdapter(): Promise<boolean> {
  const nav = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator;
  if (!nav?.gpu) return false;
  try {
    return (await nav.gpu.requestAdapter()) != null;
  } catch {
    return false;
  }
}

/** The device to try first, and a note when it is not what was asked for. */
export async function chooseDevice(
  requested: TransformersLoadOptions['device'],
): Promise<{ device: EmbedDevice; note?: string }> {
  if (IS_NODE) {
    // onnxruntime-node: native CPU (its wasm/webgpu paths are not what the browser runs).
    const asked = requested === 'auto' || requested === 'cpu';
    return {
      device: 'cpu',
      note: asked ? undefined : `${requested} is not used in Node; running on the native CPU backend`,
    };
  }
  if (requested === 'wasm' || requested === 'cpu') return { device: 'wasm' };
  if (await hasWebGpuAdapter()) return { device: 'webgpu' };
  const note = requested === 'webgpu' ? 'WebGPU requested but no adapter is available; using WASM' : undefined;
  return { device: 'wasm', note };
}

/** The message of any thrown value, for the errors a failed load reports. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

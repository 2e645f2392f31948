// How many threads onnxruntime-web's WASM backend should use. Threads need SharedArrayBuffer, which a browser gives
// only to cross-origin isolated pages and workers; elsewhere ORT silently runs one thread. ORT's own default is
// ceil(cores / 2) capped at 4, i.e. one thread on a 2-core machine, where two threads embed ~1.6x faster (TOOLCHAIN.md:
// MiniLM-L6 int8 11 → 18.5 sequences/s). Embedding runs in a worker and is what the user waits for, so use the cores:
// all of them up to 2, otherwise leave one for the page, and stop at 4 (ORT gains little past it for small models).
export const MAX_WASM_THREADS = 4;

export function wasmThreads(hardwareConcurrency: number | undefined, crossOriginIsolated: boolean | undefined): number {
  if (!crossOriginIsolated) return 1;
  const cores =
    Number.isFinite(hardwareConcurrency) && (hardwareConcurrency ?? 0) >= 1
      ? Math.floor(hardwareConcurrency as number)
      : 1;
  return cores <= 2 ? cores : Math.min(MAX_WASM_THREADS, cores - 1);
}

/** The thread count for this global scope (page or worker). */
export function wasmThreadsHere(): number {
  const scope = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return wasmThreads(scope.navigator?.hardwareConcurrency, scope.crossOriginIsolated);
}

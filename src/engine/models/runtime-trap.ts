// A WebAssembly trap inside ONNX Runtime (an out-of-bounds or unaligned memory access, an abort) leaves its memory
// undefined: every later session in the same worker fails too, on every device, so a retry cannot help and only a
// fresh worker recovers. Seen in Chromium when a WebGPU session is created after WASM sessions have grown the heap.

/** Messages of traps (and of their WebGPU-side symptoms) that onnxruntime-web surfaces as ordinary errors. */
const TRAP_MESSAGE =
  /memory access out of bounds|does not support unaligned accesses|^unreachable( executed)?$|^Aborted\(|is not of type 'GPU(ComputePipeline|Buffer|BindGroup)'/;

/**
 * Refused before it could trap: a WebGPU session asked for in a worker where WASM sessions already ran. That
 * sequence is the one seen to trap (or to hang with the load never settling), so a fresh worker is asked for first.
 */
export class FreshRuntimeNeeded extends Error {
  constructor() {
    super('WebGPU needs a fresh model runtime here, because WASM sessions already ran in this one');
    this.name = 'FreshRuntimeNeeded';
  }
}

/** Whether `error` (or an error it wraps, through `cause`) is a trap that broke the model runtime for good. */
export function isRuntimeTrap(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    if (current instanceof FreshRuntimeNeeded) return true;
    if (typeof WebAssembly !== 'undefined' && current instanceof WebAssembly.RuntimeError) return true;
    if (current.name === 'RuntimeError' || TRAP_MESSAGE.test(current.message)) return true;
    current = current.cause;
  }
  return false;
}

// Picks the storage for a quantization. Every storage scores with the WebAssembly SIMD kernels where they run
// (backend 'auto'), else with their plain-TS twins; 'ts' forces those (tests, benchmark), 'wasm' requires SIMD.
import type { KernelBackend } from './kernels/kernels.ts';
import { BinaryStorage } from './storage-binary.ts';
import { Float32Storage } from './storage-f32.ts';
import { Int8Storage } from './storage-int8.ts';
import type { RowStorage, StorageOptions } from './storage-rows.ts';
import type { Quantization } from './vector-storage.ts';

export type { KernelBackend } from './kernels/kernels.ts';
export { wasmKernelsAvailable } from './kernels/kernels.ts';
export { BinaryStorage, Float32Storage, Int8Storage };
export type { RowStorage, StorageOptions };

export function createVectorStorage(
  dims: number,
  quantization: Quantization,
  options: { backend?: KernelBackend; initialCapacity?: number } = {},
): RowStorage {
  switch (quantization) {
    case 'none':
      return new Float32Storage(dims, options);
    case 'int8':
      return new Int8Storage(dims, options);
    case 'binary':
      return new BinaryStorage(dims, options);
    default:
      throw new RangeError(`unknown quantization '${String(quantization)}' (valid: none, int8, binary)`);
  }
}

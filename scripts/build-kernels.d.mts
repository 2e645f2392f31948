// Types for scripts/build-kernels.mjs, so the drift test can assemble the kernels.
export const WAT_PATH: string;
export const OUTPUT_PATH: string;
export function assembleKernels(): Promise<Uint8Array>;
export function kernelsSource(bytes: Uint8Array): string;
export function buildKernels(): Promise<boolean>;

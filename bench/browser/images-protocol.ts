// What bench/images.ts asks the page, and what the page answers.
import type { ImageModelSpec } from '../../src/engine/models/image-model-registry.ts';

export interface ImagesRequest {
  spec: ImageModelSpec;
  threads: number;
  /** Pictures per timed call (embedImages batches them itself). */
  count: number;
  /** Side of the square test pictures (resized to 224 by the processor, as camera pictures are). */
  side: number;
  repeats: number;
}

export interface ImagesTimings {
  crossOriginIsolated: boolean;
  threads: number;
  device: string;
  loadMs: number;
  /** Median ms to embed `count` pictures. */
  medianMs: number;
}

/** Deterministic test pictures: smooth colour gradients with a little noise, RGB. */
export function benchPictures(count: number, side: number) {
  return Array.from({ length: count }, (_, n) => {
    const data = new Uint8ClampedArray(side * side * 3);
    let seed = 12345 + n;
    for (let i = 0; i < side * side; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const x = i % side;
      const y = Math.floor(i / side);
      data[i * 3] = (x * 255) / side + (seed & 15);
      data[i * 3 + 1] = (y * 255) / side + ((seed >> 4) & 15);
      data[i * 3 + 2] = ((n * 40) % 255) + ((seed >> 8) & 15);
    }
    return { data, width: side, height: side, channels: 3 as const };
  });
}

// Types for make-clip-fixture.mjs (a plain Node script, imported by tests).
export declare const DEFAULT_CLIP_DIR: string;
export declare const DEFAULT_PICTURES_DIR: string;
export declare const CLIP_FIXTURE_IMAGE_SIZE: number;
export declare const CLIP_FIXTURE_DIMS: number;
export declare const COLOURS: Record<string, [number, number, number]>;
export declare const SECOND_CLIP_DIR: string;
export declare const SECOND_BIAS: number[];
export declare function colourVector(rgb: readonly number[], bias?: readonly number[]): number[];
export declare function colourPng(options: {
  width: number;
  height: number;
  rgb: readonly number[];
  mark?: { x: number; y: number; width: number; height: number; rgb: readonly number[] };
  extraChunks?: Array<[string, Uint8Array]>;
}): Uint8Array;
export declare function pictureFixtures(): Record<string, Uint8Array>;
export declare function makeClipFixture(options?: {
  outDir?: string;
  picturesDir?: string;
  force?: boolean;
  bias?: readonly number[];
}): {
  outDir: string;
  written: boolean;
};

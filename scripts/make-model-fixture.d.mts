// Types for make-model-fixture.mjs (a plain Node script, imported by the eval command and tests).
export declare const DEFAULT_OUT_DIR: string;
export declare const DEFAULT_GLOVE_FILE: string;
export declare function makeModelFixture(options?: { outDir?: string; gloveFile?: string; force?: boolean }): {
  outDir: string;
  written: boolean;
  vocabSize?: number;
  dims?: number;
};

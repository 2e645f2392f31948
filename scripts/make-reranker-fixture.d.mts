// Types for make-reranker-fixture.mjs (a plain Node script, imported by the eval command and tests).
export declare const DEFAULT_RERANKER_DIR: string;
export declare function makeRerankerFixture(options?: { outDir?: string; gloveFile?: string; force?: boolean }): {
  outDir: string;
  written: boolean;
};

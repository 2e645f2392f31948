// Types for make-model-fixture.mjs (a plain Node script, imported by the eval command and tests).
export declare const DEFAULT_OUT_DIR: string;
export declare const DEFAULT_GLOVE_FILE: string;
export declare function makeModelFixture(options?: { outDir?: string; gloveFile?: string; force?: boolean }): {
  outDir: string;
  written: boolean;
  vocabSize?: number;
  dims?: number;
};
/** The subset of onnx.proto the fixtures need (protobufjs schema text). */
export declare const ONNX_SCHEMA: string;
export declare const tokenizerConfig: Record<string, unknown>;
/** tokenizer.json for a whole-word WordPiece vocabulary whose first five entries are [PAD] [UNK] [CLS] [SEP] [MASK]. */
export declare function tokenizerJson(vocab: string[]): Record<string, unknown>;
export declare function buildVocab(glove: Record<string, number[]>): {
  vocab: string[];
  dims: number;
  matrix: Float32Array;
};
export declare function writeAtomic(file: string, data: string | Uint8Array): void;

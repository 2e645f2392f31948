// Types for make-generator-fixture.mjs (a plain Node script, imported by tests).
export declare const DEFAULT_GENERATOR_DIR: string;
export declare const PIECE_PATTERN: string;
export declare const SPECIAL_TOKENS: string[];
export declare const EOS_ID: number;
export declare const HEAD_DIM: number;
export declare const TRIGGERS: Readonly<Record<'overreach' | 'filibuster' | 'unanswerable', number>>;
export declare const SCRIPTS: Readonly<Record<'normal' | 'overreach' | 'filibuster' | 'unanswerable', string>>;
export declare const CHAT_TEMPLATE: string;
export declare function pieces(text: string): string[];
export declare function makeGeneratorFixture(options?: { outDir?: string; force?: boolean }): {
  outDir: string;
  written: boolean;
};

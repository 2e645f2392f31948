// Types for scripts/make-hostile-fixtures.mjs, so TypeScript tests and specs can import the corpus.
export interface HostileFile {
  name: string;
  expect: 'ingest' | 'reject';
  /** For 'reject': the TroveError code. */
  code?: string;
  /** For 'reject': what the message must say besides the file name. */
  message?: RegExp;
  /** For 'ingest': a word that must become searchable. */
  probe?: string;
  /** For 'ingest': a warning the document must carry. */
  warning?: RegExp;
  /** Size of a file that is only streamed to disk. */
  size?: number;
  bytes?: () => Uint8Array;
  write?: (path: string) => Promise<void>;
}
export const HUGE_TEXT_BYTES: number;
export const HOSTILE_DIR: string;
export function bombPdf(inflatedBytes: number): Uint8Array;
export function hostileFiles(options?: { small?: boolean }): HostileFile[];
export function writeHostileFixtures(dir: string, options?: { small?: boolean }): Promise<string[]>;

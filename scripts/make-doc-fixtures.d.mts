// Types for scripts/make-doc-fixtures.mjs, so TypeScript tests can import its PDF writer.
/** A page is a list of paragraphs; a paragraph is one line (string) or several lines. */
export type PdfPage = Array<string | string[]>;
export function makePdf(pages: PdfPage[], options?: { title?: string; encrypted?: boolean }): Uint8Array;
export function twoPagePdf(): Uint8Array;
export function docFixtures(): Record<string, Uint8Array>;
export function writeDocFixtures(dir: string): string[];

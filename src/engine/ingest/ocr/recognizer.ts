// OCR behind a small interface, so the ingest code (and its tests) do not depend on tesseract.js itself.
import type { OcrMode } from '../../api/ingest.ts';

export const OCR_MODES: readonly OcrMode[] = ['never', 'no-text-layer', 'always'];

export interface OcrResult {
  /** Recognised text, lines separated by '\n', paragraphs by a blank line. */
  text: string;
  /** Mean word confidence, 0-100. */
  confidence: number;
}

export interface OcrRecognizer {
  /** Recognises an encoded image (PNG, JPEG, WebP, BMP). Rejects with CANCELLED when `signal` aborts. */
  recognize(image: Uint8Array, signal?: AbortSignal): Promise<OcrResult>;
  /** Frees the OCR worker; a later recognize() starts a new one. */
  terminate(): Promise<void>;
}

/** Tesseract output → paragraphs: blank lines separate them, lines inside one are joined, "hyphen-\nated" mended. */
export function ocrParagraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n\s*/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .filter(Boolean)
        .reduce(
          (acc, line) =>
            acc === ''
              ? line
              : /\p{Ll}-$/u.test(acc) && /^\p{Ll}/u.test(line)
                ? acc.slice(0, -1) + line
                : `${acc} ${line}`,
          '',
        ),
    )
    .filter((p) => p.length > 0);
}

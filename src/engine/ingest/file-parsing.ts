// The engine's parse step with the user's choices applied: the OCR mode (setting ocrMode), the text fields chosen
// for a table or JSON file in the preview, and per-page OCR progress. The OCR recognizer is made on first use
// (starting tesseract costs a worker and ~10 MB of language data) and kept for the next files.
import type { ParseProgress, ParsedDocument } from '../core/types.ts';
import type { OcrRecognizer } from './ocr/recognizer.ts';
import { createParsers, parseFile, type PdfParserOptions } from './parsers/index.ts';
import type { OcrMode } from '../api/ingest.ts';

export interface ParseContext {
  ocrMode?: OcrMode;
  /** Fields of a CSV/TSV/JSON file to index as text (the rest become metadata); default: the parser's suggestion. */
  textFields?: string[];
  /** OCR progress, one call per page. */
  onProgress?: (progress: ParseProgress) => void;
}

export interface FileParsingOptions {
  pdf?: Omit<PdfParserOptions, 'ocr'>;
  /** Makes the OCR recognizer (called once, on the first file that needs OCR); without it images are unsupported. */
  recognizer?: () => OcrRecognizer;
}

export interface FileParsing {
  parse(
    data: Uint8Array,
    fileName: string,
    mimeType: string,
    signal?: AbortSignal,
    context?: ParseContext,
  ): Promise<ParsedDocument>;
  /** Stops the OCR worker (OCR turned off, or the engine shutting down); the next OCR starts a new one. */
  stopOcr(): Promise<void>;
}

export function fileParsing(options: FileParsingOptions = {}): FileParsing {
  let recognizer: OcrRecognizer | undefined;
  // The parsers only call recognize() when a page needs it, so the recognizer itself is made lazily.
  const lazy: OcrRecognizer = {
    recognize: (image, signal) => (recognizer ??= options.recognizer!()).recognize(image, signal),
    terminate: async () => {
      const r = recognizer;
      recognizer = undefined;
      await r?.terminate();
    },
  };
  return {
    parse(data, fileName, mimeType, signal, context = {}) {
      const mode = context.ocrMode ?? 'no-text-layer';
      const fields = context.textFields ? { textFields: context.textFields } : undefined;
      const parsers = createParsers({
        pdf: options.pdf,
        ocr: options.recognizer && mode !== 'never' ? { recognizer: lazy, mode } : undefined,
        csv: fields,
        json: fields,
      });
      return parseFile(data, fileName, mimeType, signal, parsers, context.onProgress);
    },
    stopOcr: () => lazy.terminate(),
  };
}

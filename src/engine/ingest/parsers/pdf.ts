// PDF: the text layer via pdf.js, page by page, with page-numbered paragraph blocks.
// Runs inside our module Web Worker (standard build) and in Node/Vitest (legacy build), never touching the network.
import type * as PdfJs from 'pdfjs-dist';
import type { TextItem, TextMarkedContent } from 'pdfjs-dist/types/src/display/api';
import { TroveError, isAbort, throwIfAborted } from '../../core/errors.ts';
import type { ParseProgress, ParsedDocument, Parser, TextBlock } from '../../core/types.ts';
import { ocrParagraphs, type OcrRecognizer } from '../ocr/recognizer.ts';
import { measureInflatedStreams, pdfInflateBudget } from './pdf-guard.ts';
import { describeBinary } from './sniff.ts';
import { extensionOf } from './text.ts';
import type { OcrMode } from '../../api/ingest.ts';

type PdfJsModule = typeof PdfJs;

let pdfjsLoading: Promise<PdfJsModule> | undefined;

function isNode(): boolean {
  return typeof process === 'object' && typeof process.versions?.node === 'string';
}

/**
 * pdf.js with its "worker" code loaded into this same thread. pdf.js uses `globalThis.pdfjsWorker.WorkerMessageHandler`
 * (set by importing pdf.worker.mjs) as a fake worker, so it never spawns a nested Worker or fetches workerSrc.
 */
export function loadPdfJs(): Promise<PdfJsModule> {
  pdfjsLoading ??= (isNode() ? loadForNode() : loadForWorker()).catch((error: unknown) => {
    pdfjsLoading = undefined; // let a later file retry
    throw error;
  });
  return pdfjsLoading;
}

async function loadForWorker(): Promise<PdfJsModule> {
  // Static specifiers so Vite bundles both into the worker's chunks. Order matters: the worker module must have
  // registered globalThis.pdfjsWorker before pdf.js creates its first PDFWorker.
  // Note: pdf.worker.mjs, evaluated in a dedicated worker, also attaches a listener to `self` and posts one
  // {sourceName:'worker', targetName:'main', action:'ready'} message to the page; comlink ignores both.
  const worker = await import('pdfjs-dist/build/pdf.worker.mjs');
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
  return import('pdfjs-dist');
}

async function loadForNode(): Promise<PdfJsModule> {
  // Node 20 lacks APIs the standard build assumes (Promise.withResolvers…); the legacy build polyfills them.
  // Computed specifiers (+ @vite-ignore) keep the legacy build out of the browser bundle.
  const base = 'pdfjs-dist/legacy/build/';
  const worker: unknown = await import(/* @vite-ignore */ `${base}pdf.worker.mjs`);
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= worker;
  return (await import(/* @vite-ignore */ `${base}pdf.mjs`)) as PdfJsModule;
}

export interface PdfParserOptions {
  /** Same-origin URL of pdf.js `cmaps/` (only needed for CJK PDFs using predefined CMaps). Unset: no request. */
  cMapUrl?: string;
  /** Same-origin URL of pdf.js `standard_fonts/`. Unset: no request (text extraction does not need glyphs). */
  standardFontDataUrl?: string;
  /** OCR for pages without a text layer (or all pages); unset: scanned pages are only reported. */
  ocr?: PdfOcrOptions;
}

/** Renders a page to an encoded image (PNG) for OCR. */
export type PageRenderer = (page: PdfJs.PDFPageProxy, scale: number) => Promise<Uint8Array>;

export interface PdfOcrOptions {
  mode: OcrMode;
  recognizer: OcrRecognizer;
  /** Default: pdf.js onto an OffscreenCanvas (workers, Chromium); tests inject their own. */
  renderPage?: PageRenderer;
  /** Render scale (1 = 72 dpi); default 2.5 (~180 dpi), where Tesseract reads body text well. */
  scale?: number;
}

/** pdf.js → OffscreenCanvas → PNG bytes. Needs OffscreenCanvas (a worker or page in a browser; not Node). */
export const renderPageToPng: PageRenderer = async (page, scale) => {
  if (typeof OffscreenCanvas !== 'function') {
    throw new TroveError('PARSE_FAILED', 'OCR of PDF pages needs OffscreenCanvas, which this environment lacks.');
  }
  const viewport = page.getViewport({ scale });
  const canvas = new OffscreenCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  if (!context) throw new TroveError('PARSE_FAILED', 'OCR: no 2D canvas context is available.');
  context.fillStyle = '#fff'; // scans are usually opaque; transparent pixels would read as black
  context.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({
    canvas: canvas as unknown as HTMLCanvasElement,
    canvasContext: context as unknown as CanvasRenderingContext2D,
    viewport,
  }).promise;
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Uint8Array(await blob.arrayBuffer());
};

/** The PDF header may sit anywhere in the first 1024 bytes (as Acrobat tolerates). */
export function hasPdfHeader(data: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(data.subarray(0, 1024));
  return head.includes('%PDF-');
}

interface Line {
  text: string;
  y: number;
  height: number;
}

function isTextItem(item: TextItem | TextMarkedContent): item is TextItem {
  return 'str' in item;
}

/** Text items → lines: a new line at hasEOL or when the baseline jumps by more than half a line. */
export function itemsToLines(items: Array<TextItem | TextMarkedContent>): Line[] {
  const lines: Line[] = [];
  let text = '';
  let y = 0;
  let height = 0;
  const flush = () => {
    const clean = text
      .replace(/[\u0000-\u0008\u000b-\u001f]/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (clean) lines.push({ text: clean, y, height });
    text = '';
  };
  for (const item of items) {
    if (!isTextItem(item)) continue;
    const itemY = Number(item.transform[5]) || 0;
    const itemH = Math.abs(item.height) || Math.abs(Number(item.transform[3])) || 1;
    // Vertical (ttb) text moves down glyph by glyph: only hasEOL can end its lines.
    if (text && item.dir !== 'ttb' && Math.abs(itemY - y) > Math.max(itemH, height) * 0.5) flush();
    if (item.str) {
      if (!text) {
        y = itemY;
        height = itemH;
      } else {
        height = Math.max(height, itemH);
      }
      text += item.str;
    }
    if (item.hasEOL) flush();
  }
  flush();
  return lines;
}

/** Lines → paragraphs: a gap above ~1.8 line heights (or a jump upwards, i.e. a new column) starts a paragraph. */
export function linesToParagraphs(lines: Line[]): string[] {
  const paragraphs: string[] = [];
  let current = '';
  let prev: Line | undefined;
  for (const line of lines) {
    const gap = prev ? prev.y - line.y : 0;
    const lineHeight = Math.max(line.height, prev?.height ?? 0);
    if (prev && (gap > lineHeight * 1.8 || gap < -lineHeight)) {
      paragraphs.push(current);
      current = '';
    }
    // "photo-" + "synthesis": a hyphen at a line end between lower-case letters is (almost always) a word break.
    const mend = /\p{Ll}-$/u.test(current) && /^\p{Ll}/u.test(line.text);
    if (!current) current = line.text;
    else if (mend) current = current.slice(0, -1) + line.text;
    else current += ' ' + line.text;
    prev = line;
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

/** "page 3" / "pages 2–4, 7" */
function describePages(pages: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < pages.length;) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j]! + 1) j++;
    parts.push(i === j ? `${pages[i]}` : `${pages[i]}–${pages[j]}`);
    i = j + 1;
  }
  return (pages.length === 1 ? 'page ' : 'pages ') + parts.join(', ');
}

function loadError(error: unknown, fileName: string, encrypted: boolean): TroveError {
  const name = (error as { name?: string } | null)?.name;
  const detail = error instanceof Error && error.message ? ` (${error.message.replace(/\.$/, '')})` : '';
  const message =
    name === 'PasswordException'
      ? `“${fileName}” is password-protected; remove the password and add it again.`
      : encrypted
        ? `“${fileName}” could not be read: the PDF is encrypted with a scheme that cannot be opened${detail}.`
        : `“${fileName}” could not be read: the PDF is damaged${detail}.`;
  return new TroveError('PARSE_FAILED', message, { cause: error });
}

/** Whether the file's trailer names an encryption dictionary (checked only after pdf.js failed). */
function declaresEncryption(data: Uint8Array): boolean {
  const tail = new TextDecoder('latin1').decode(data.subarray(Math.max(0, data.length - 64 * 1024)));
  return tail.includes('/Encrypt');
}

async function pdfTitle(doc: PdfJs.PDFDocumentProxy): Promise<string | undefined> {
  try {
    const { info, metadata } = await doc.getMetadata();
    const candidates = [metadata?.get('dc:title'), (info as { Title?: unknown }).Title];
    for (const c of candidates) {
      const t = typeof c === 'string' ? c.replace(/\s+/g, ' ').trim() : '';
      if (t && !/^untitled$/i.test(t)) return t;
    }
  } catch {
    // metadata is optional
  }
  return undefined;
}

export class PdfParser implements Parser {
  readonly name = 'PDF';
  readonly format = 'pdf' as const;

  constructor(private readonly options: PdfParserOptions = {}) {}

  accepts(fileName: string, mimeType: string): boolean {
    return extensionOf(fileName) === '.pdf' || mimeType.toLowerCase() === 'application/pdf';
  }

  async parse(
    data: Uint8Array,
    fileName: string,
    signal?: AbortSignal,
    onProgress?: (p: ParseProgress) => void,
  ): Promise<ParsedDocument> {
    throwIfAborted(signal);
    if (!hasPdfHeader(data)) {
      const what = describeBinary(data);
      const message = what
        ? `“${fileName}” is not a PDF: it is ${what}. Rename it, or extract its contents first.`
        : `“${fileName}” is not a PDF: it does not start with %PDF-. The file may be damaged or misnamed.`;
      throw new TroveError('PARSE_FAILED', message);
    }
    const { overBudget } = await measureInflatedStreams(data);
    if (overBudget) {
      const limit = Math.round(pdfInflateBudget(data.length) / (1024 * 1024));
      const message = `“${fileName}” was not read: its pages decompress to more than ${limit} MB (a compression bomb, or drawings far too large to search).`;
      throw new TroveError('PARSE_FAILED', message);
    }
    const pdfjs = await loadPdfJs();
    throwIfAborted(signal);
    const task = pdfjs.getDocument({
      data: data.slice(), // pdf.js transfers (detaches) the buffer it is given: keep the caller's intact
      isEvalSupported: false, // no eval/new Function (CSP), text extraction never needs compiled glyph paths
      disableFontFace: true,
      useSystemFonts: false,
      useWasm: false, // image decoders only; avoids fetching .wasm files
      enableXfa: false,
      verbosity: pdfjs.VerbosityLevel.ERRORS,
      ...(this.options.cMapUrl ? { cMapUrl: this.options.cMapUrl } : {}),
      ...(this.options.standardFontDataUrl ? { standardFontDataUrl: this.options.standardFontDataUrl } : {}),
    });
    const onAbort = () => void task.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let doc: PdfJs.PDFDocumentProxy;
      try {
        doc = await task.promise;
      } catch (error) {
        throwIfAborted(signal);
        throw loadError(error, fileName, declaresEncryption(data));
      }
      return await this.extract(doc, fileName, signal, onProgress);
    } catch (error) {
      if (signal?.aborted) throw new TroveError('CANCELLED'); // whatever pdf.js threw while being torn down
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await task.destroy().catch(() => undefined);
    }
  }

  private async extract(
    doc: PdfJs.PDFDocumentProxy,
    fileName: string,
    signal?: AbortSignal,
    onProgress?: (p: ParseProgress) => void,
  ): Promise<ParsedDocument> {
    const parts: string[] = [];
    const blocks: TextBlock[] = [];
    let length = 0;
    const emptyPages: number[] = [];
    const failedPages: number[] = [];
    const ocrPages: number[] = [];
    const ocrFailed: number[] = [];
    const ocr = this.options.ocr && this.options.ocr.mode !== 'never' ? this.options.ocr : undefined;
    for (let pageNumber = 1; pageNumber <= doc.numPages; pageNumber++) {
      throwIfAborted(signal); // cancellation point between pages
      let paragraphs: string[];
      try {
        const page = await doc.getPage(pageNumber);
        const content = await page.getTextContent();
        paragraphs = linesToParagraphs(itemsToLines(content.items));
        if (ocr && (ocr.mode === 'always' || paragraphs.length === 0)) {
          try {
            const image = await (ocr.renderPage ?? renderPageToPng)(page, ocr.scale ?? 2.5);
            throwIfAborted(signal);
            const recognised = ocrParagraphs((await ocr.recognizer.recognize(image, signal)).text);
            if (recognised.length > 0 || ocr.mode === 'always') paragraphs = recognised;
            if (recognised.length > 0) ocrPages.push(pageNumber);
          } catch (error) {
            if (signal?.aborted || isAbort(error)) throw error;
            ocrFailed.push(pageNumber); // keep the text layer (if any) and go on
          }
          onProgress?.({ stage: 'ocr', done: pageNumber, total: doc.numPages });
        }
        page.cleanup();
      } catch (error) {
        if (signal?.aborted || isAbort(error)) throw new TroveError('CANCELLED');
        failedPages.push(pageNumber); // one broken page should not lose the rest of the document
        continue;
      }
      if (paragraphs.length === 0) emptyPages.push(pageNumber);
      for (const p of paragraphs) {
        if (length > 0) {
          parts.push('\n\n');
          length += 2;
        }
        blocks.push({ start: length, end: length + p.length, kind: 'paragraph', page: pageNumber });
        parts.push(p);
        length += p.length;
      }
    }
    if (blocks.length === 0) {
      if (failedPages.length === doc.numPages && doc.numPages > 0) {
        throw new TroveError(
          'PARSE_FAILED',
          `“${fileName}” could not be read: no page of the PDF could be decoded (damaged?).`,
        );
      }
      throw new TroveError(
        'EMPTY_DOCUMENT',
        `“${fileName}” has no text layer (scanned?): it contains only images. Run it through OCR first, then add it again.`,
      );
    }
    const warnings: string[] = [];
    if (emptyPages.length)
      warnings.push(`No text on ${describePages(emptyPages)} (scanned images?); those pages are not searchable.`);
    if (ocrFailed.length) warnings.push(`OCR failed on ${describePages(ocrFailed)}.`);
    if (failedPages.length) warnings.push(`Could not read ${describePages(failedPages)}; those pages are skipped.`);
    const title = await pdfTitle(doc);
    return {
      format: 'pdf',
      text: parts.join(''),
      blocks,
      pageCount: doc.numPages,
      ...(ocrPages.length ? { ocrPages } : {}),
      ...(title ? { title } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  }
}

export const pdfParser = new PdfParser();

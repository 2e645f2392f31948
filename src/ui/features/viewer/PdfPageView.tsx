// One page of a kept original PDF, drawn with pdf.js on a canvas, with the opened passage marked by rectangles
// over its text (found among the page's text items, see pdf-highlight.ts) and scrolled into view. Only the page
// shown is rendered; moving to another page or closing cancels a render in progress and frees the document.
//
// pdf.js runs its parser in a worker loaded from this site (Vite emits pdf.worker.min.mjs as an asset: the CSP's
// script-src 'self' holds, nothing comes from a CDN); no eval, no wasm decoders, no font or cmap downloads.
import { useEffect, useRef, useState } from 'react';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { findPassage, highlightRects, type PageTextItem, type Rect } from './pdf-highlight.ts';

type PdfJs = typeof import('pdfjs-dist');
let loading: Promise<PdfJs> | undefined;

/** pdf.js for the page, loaded on the first PDF shown. */
function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then(
    (pdfjs) => {
      pdfjs.GlobalWorkerOptions.workerSrc = new URL(workerUrl, document.baseURI).href;
      return pdfjs;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

interface Props {
  bytes: ArrayBuffer;
  name: string;
  /** The page the passage starts on (1-based), shown first. */
  passagePage: number;
  /** The passage's text, marked where it appears on its page (and the next, if it runs on). */
  passage: string;
  /** Rendering failed: the viewer falls back to the text, saying why. */
  onFail: (reason: string) => void;
}

export function PdfPageView({ bytes, name, passagePage, passage, onFail }: Props) {
  const [pdf, setPdf] = useState<PDFDocumentProxy>();
  const [page, setPage] = useState(passagePage);
  const [rects, setRects] = useState<Rect[]>([]);
  const [size, setSize] = useState<{ width: number; height: number }>();
  const [drawing, setDrawing] = useState(true);
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const failRef = useRef(onFail);
  useEffect(() => {
    failRef.current = onFail;
  }, [onFail]);

  // Another passage or file starts at the passage's page.
  const [opened, setOpened] = useState({ passagePage, bytes });
  if (opened.passagePage !== passagePage || opened.bytes !== bytes) {
    setOpened({ passagePage, bytes });
    setPage(passagePage);
  }

  // The page is fitted to the frame's width, drawn again when that changes (a rotated phone, a resized window).
  const [frameWidth, setFrameWidth] = useState(0);
  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const width = Math.round((entry?.contentRect.width ?? 0) / 16) * 16; // steps, so scrollbars do not loop
      setFrameWidth((previous) => (previous === width ? previous : width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Open the document (a copy of the bytes: pdf.js transfers what it is given to its worker).
  useEffect(() => {
    let live = true;
    let destroy: (() => void) | undefined;
    loadPdfJs()
      .then((pdfjs) => {
        if (!live) return undefined;
        const task = pdfjs.getDocument({
          data: new Uint8Array(bytes.slice(0)),
          isEvalSupported: false,
          useWasm: false,
          enableXfa: false,
          verbosity: pdfjs.VerbosityLevel.ERRORS,
        });
        destroy = () => void task.destroy();
        return task.promise;
      })
      .then(
        (doc) => live && doc && setPdf(doc),
        (error: unknown) => live && failRef.current(error instanceof Error ? error.message : String(error)),
      );
    return () => {
      live = false;
      destroy?.();
      setPdf(undefined);
    };
  }, [bytes]);

  // Draw the page shown, fitted to the frame's width, then find the passage on it.
  useEffect(() => {
    if (!pdf || !canvas.current || !frame.current || frameWidth === 0) return;
    let live = true;
    let render: RenderTask | undefined;
    setDrawing(true);
    setRects([]);
    (async () => {
      const proxy = await pdf.getPage(Math.min(Math.max(1, page), pdf.numPages));
      if (!live) return;
      const available = Math.max(200, frameWidth - 2);
      const scale = available / proxy.getViewport({ scale: 1 }).width;
      const viewport = proxy.getViewport({ scale });
      const element = canvas.current!;
      const ratio = window.devicePixelRatio || 1;
      element.width = Math.floor(viewport.width * ratio);
      element.height = Math.floor(viewport.height * ratio);
      setSize({ width: viewport.width, height: viewport.height });
      render = proxy.render({
        canvas: element,
        viewport,
        transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
      });
      await render.promise;
      if (!live) return;
      setDrawing(false);
      // The passage's page, or the next one (a passage may run on across the page break).
      if (page !== passagePage && page !== passagePage + 1) return;
      const content = await proxy.getTextContent();
      if (!live) return;
      const items = content.items.filter((item): item is TextItem => 'str' in item) as PageTextItem[];
      setRects(highlightRects(items, findPassage(items, passage), viewport.transform, viewport.scale));
    })().catch((error: unknown) => {
      if (!live || (error as { name?: string })?.name === 'RenderingCancelledException') return;
      failRef.current(error instanceof Error ? error.message : String(error));
    });
    return () => {
      live = false;
      render?.cancel();
    };
  }, [pdf, page, passagePage, passage, frameWidth]);

  // Bring the marked passage into view once it is placed.
  useEffect(() => {
    if (rects.length > 0)
      frame.current?.querySelector('[data-testid="pdf-highlight"]')?.scrollIntoView({ block: 'center' });
  }, [rects]);

  const pages = pdf?.numPages;
  return (
    <div className="pdf-view" data-testid="pdf-view">
      <div className="pdf-view__nav">
        <button
          type="button"
          className="button button--small button--quiet"
          disabled={!pages || page <= 1}
          onClick={() => setPage((p) => p - 1)}
          data-testid="pdf-previous-page"
        >
          ← Previous page
        </button>
        <span className="pdf-view__page" aria-live="polite" data-testid="pdf-page-number">
          {pages ? `Page ${page} of ${pages}` : 'Opening the PDF…'}
        </span>
        <button
          type="button"
          className="button button--small button--quiet"
          disabled={!pages || page >= pages}
          onClick={() => setPage((p) => p + 1)}
          data-testid="pdf-next-page"
        >
          Next page →
        </button>
      </div>
      <div ref={frame} className="pdf-view__frame">
        <div className="pdf-view__page-box" style={size && { width: size.width, height: size.height }}>
          <canvas
            ref={canvas}
            className="pdf-view__canvas"
            data-testid="pdf-canvas"
            data-drawing={drawing ? 'true' : 'false'}
            style={size && { width: size.width, height: size.height }}
            role="img"
            aria-label={`Page ${page} of ${name}${rects.length > 0 ? ', with the passage marked' : ''}. The Text tab has this page's text.`}
          />
          {rects.map((rect, i) => (
            <div
              key={i}
              className="pdf-view__mark"
              data-testid="pdf-highlight"
              aria-hidden="true"
              style={{ left: rect.left, top: rect.top, width: rect.width, height: rect.height }}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

// OCR with tesseract.js. Every file it needs comes from URLs (browser) or paths (Node) given by the caller:
// its worker script, the tesseract core (.wasm.js, wasm inlined) and the traineddata directory — never a CDN.
import { createWorker, OEM, type Worker as TesseractWorker } from 'tesseract.js';
import { TroveError, throwIfAborted } from '../../errors.ts';
import type { OcrRecognizer, OcrResult } from './recognizer.ts';

export interface TesseractAssets {
  /** tesseract.js worker script (browser: same-origin URL of dist/worker.min.js; Node: omit for the package default). */
  workerPath?: string;
  /**
   * Browser: same-origin URL of one tesseract.js-core `*.wasm.js` file (e.g. tesseract-core-simd-lstm.wasm.js),
   * or a directory holding all of them. Node ignores it (requires the package).
   */
  corePath?: string;
  /** Directory (URL in a browser, file path in Node) holding `<lang>.traineddata.gz`. */
  langPath: string;
  /** Tesseract language codes; default ['eng']. */
  languages?: string[];
}

/** A recognizer holding one tesseract worker, started on first use and restarted after a cancel. */
export class TesseractRecognizer implements OcrRecognizer {
  private worker: Promise<TesseractWorker> | undefined;
  /** One page at a time: tesseract workers process jobs serially anyway, and a cancel must hit only its own. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly assets: TesseractAssets) {}

  private start(): Promise<TesseractWorker> {
    this.worker ??= createWorker(this.assets.languages ?? ['eng'], OEM.LSTM_ONLY, {
      ...(this.assets.workerPath ? { workerPath: this.assets.workerPath } : {}),
      ...(this.assets.corePath ? { corePath: this.assets.corePath } : {}),
      langPath: this.assets.langPath,
      gzip: true,
      cacheMethod: 'none', // the app's service worker caches the files; no IndexedDB/disk copy
      workerBlobURL: false, // a blob: worker would need a CSP exception
    }).catch((error: unknown) => {
      this.worker = undefined;
      const detail = error instanceof Error ? error.message : String(error);
      throw new TroveError('MODEL_UNAVAILABLE', `OCR could not start: ${detail}`, { cause: error });
    });
    return this.worker;
  }

  recognize(image: Uint8Array, signal?: AbortSignal): Promise<OcrResult> {
    const job = this.queue.then(() => this.run(image, signal));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async run(image: Uint8Array, signal?: AbortSignal): Promise<OcrResult> {
    throwIfAborted(signal);
    const worker = await this.start();
    throwIfAborted(signal);
    // Tesseract cannot stop mid-page: a cancel terminates its worker (the next page starts a fresh one).
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        void this.terminate();
        reject(new TroveError('CANCELLED'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      // tesseract.js transfers nothing, but may keep a reference: give it its own copy.
      const result = await Promise.race([worker.recognize(image.slice() as unknown as Buffer), aborted]);
      return { text: result.data.text, confidence: result.data.confidence };
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async terminate(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker.catch(() => undefined))?.terminate();
  }
}

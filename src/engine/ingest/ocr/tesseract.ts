// OCR with tesseract.js. Every file it needs comes from URLs (browser) or paths (Node) given by the caller:
// its worker script, the tesseract core (.wasm.js, wasm inlined) and the traineddata directory — never a CDN.
import type { Worker as TesseractWorker } from 'tesseract.js';
import { TroveError, throwIfAborted } from '../../core/errors.ts';
import type { OcrRecognizer, OcrResult } from './recognizer.ts';

export interface TesseractAssets {
  /** tesseract.js worker script (browser: same-origin URL of dist/worker.min.js; Node: omit for the package default). */
  workerPath?: string;
  /**
   * Browser: same-origin URL of one tesseract.js-core `*.wasm.js` file (e.g. tesseract-core-simd-lstm.wasm.js),
   * or a directory holding all of them. Node ignores it (requires the package).
   */
  corePath?: string;
  /**
   * Directory (same-origin URL in a browser, file path in Node) holding `<lang>.traineddata.gz`. It must be a
   * directory with that exact file name: tesseract.js 7's in-memory form ({code, data}) is broken (its worker
   * joins `l.data` instead of `l.code` when initialising, src/worker-script/index.js), so data cannot be handed over.
   */
  langPath: string;
  /** Tesseract language codes; default ['eng']. */
  languages?: string[];
  /** Give up starting after this long (a failed start inside tesseract's worker never settles); default 60 s. */
  startTimeoutMs?: number;
}

/** A recognizer holding one tesseract worker, started on first use and restarted after a cancel. */
export class TesseractRecognizer implements OcrRecognizer {
  private worker: Promise<TesseractWorker> | undefined;
  /** One page at a time: tesseract workers process jobs serially anyway, and a cancel must hit only its own. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly assets: TesseractAssets) {}

  private start(): Promise<TesseractWorker> {
    // A failed start is forgotten, so the next page tries again.
    const worker = (this.worker ??= this.launch().catch((error: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      const detail = error instanceof Error ? error.message : String(error);
      throw new TroveError('MODEL_UNAVAILABLE', `OCR could not start: ${detail}`, { cause: error });
    }));
    return worker;
  }

  private async launch(): Promise<TesseractWorker> {
    // tesseract.js loads with the first page that needs OCR, not at worker start.
    const { createWorker, OEM } = await import('tesseract.js');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const ms = this.assets.startTimeoutMs ?? 60_000;
      timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s (are its files served?)`)), ms);
    });
    // Without an errorHandler, tesseract.js rethrows a failed job inside its message listener (an uncaught
    // exception) and a failed language load leaves createWorker pending forever: route both to us instead.
    let failStart: (error: unknown) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => {
      failStart = (error) => reject(error instanceof Error ? error : new Error(String(error)));
    });
    const starting = createWorker(this.assets.languages ?? ['eng'], OEM.LSTM_ONLY, {
      errorHandler: (error: unknown) => failStart(error),
      ...(this.assets.workerPath ? { workerPath: this.assets.workerPath } : {}),
      ...(this.assets.corePath ? { corePath: this.assets.corePath } : {}),
      langPath: this.assets.langPath,
      gzip: true,
      cacheMethod: 'none', // the app's service worker caches the files; no IndexedDB/disk copy
      workerBlobURL: false, // a blob: worker would need a CSP exception
    });
    let gaveUp = false;
    // A worker that starts after we gave up must not linger.
    void starting.then(
      async (late) => {
        if (gaveUp) await late.terminate();
      },
      () => undefined,
    );
    return Promise.race([starting, failed, timeout])
      .finally(() => clearTimeout(timer))
      .catch((error: unknown) => {
        gaveUp = true;
        throw error;
      });
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

// Chrome DevTools Protocol access to a page and its dedicated workers (the engine's worker): JS heap samples and CPU
// profiles of each. Playwright gives a CDP session for a page only; the page's workers are reached by auto-attaching
// on that session without flattening, so their commands travel inside Target.sendMessageToTarget.
import type { CDPSession, Page } from '@playwright/test';
import type { CpuProfile } from './cpu-profile-summary.ts';

interface WorkerTarget {
  sessionId: string;
  url: string;
  peakHeap: number;
  profiling: boolean;
}

/** Samples taken more often than this are 1 ms apart in the profile, too fine for minutes of ingest. */
const SAMPLING_INTERVAL_US = 1000;

export class PageProbe {
  peakPageHeap = 0;
  private readonly workers = new Map<string, WorkerTarget>();
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  private nextId = 1;
  private profiling = false;

  private constructor(private readonly cdp: CDPSession) {}

  static async attach(page: Page): Promise<PageProbe> {
    const cdp = await page.context().newCDPSession(page);
    const probe = new PageProbe(cdp);
    cdp.on('Target.attachedToTarget', (e) => void probe.attached(e.sessionId, e.targetInfo.type, e.targetInfo.url));
    cdp.on('Target.detachedFromTarget', (e) => probe.workers.delete(e.sessionId!));
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      const message = JSON.parse(e.message) as { id?: number; result?: unknown; error?: { message: string } };
      const waiting = message.id === undefined ? undefined : probe.pending.get(message.id);
      if (!waiting) return;
      probe.pending.delete(message.id!);
      if (message.error) waiting.fail(new Error(message.error.message));
      else waiting.ok(message.result);
    });
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    return probe;
  }

  private async attached(sessionId: string, type: string, url: string): Promise<void> {
    if (type !== 'worker') return;
    const worker: WorkerTarget = { sessionId, url, peakHeap: 0, profiling: false };
    this.workers.set(sessionId, worker);
    if (this.profiling) await this.startWorkerProfile(worker).catch(() => undefined);
  }

  private toWorker<T>(sessionId: string, method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((ok, fail) => {
      this.pending.set(id, { ok: ok as (v: unknown) => void, fail });
      this.cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((error: Error) => {
          this.pending.delete(id);
          fail(error);
        });
    });
  }

  /** Reads the JS heap of the page and of each worker, keeping the peaks. A worker that is gone is skipped. */
  async sampleHeaps(): Promise<void> {
    const page = await this.cdp.send('Runtime.getHeapUsage').catch(() => undefined);
    if (page) this.peakPageHeap = Math.max(this.peakPageHeap, page.usedSize);
    await Promise.all(
      [...this.workers.values()].map(async (w) => {
        const heap = await this.toWorker<{ usedSize: number }>(w.sessionId, 'Runtime.getHeapUsage').catch(
          () => undefined,
        );
        if (heap) w.peakHeap = Math.max(w.peakHeap, heap.usedSize);
      }),
    );
  }

  /** Peak heap of each worker seen, by script URL (the file name). */
  workerPeaks(): Array<{ url: string; peakHeap: number }> {
    return [...this.workers.values()].map((w) => ({
      url: w.url.slice(w.url.lastIndexOf('/') + 1),
      peakHeap: w.peakHeap,
    }));
  }

  resetPeaks(): void {
    this.peakPageHeap = 0;
    for (const w of this.workers.values()) w.peakHeap = 0;
  }

  private async startWorkerProfile(worker: WorkerTarget): Promise<void> {
    await this.toWorker(worker.sessionId, 'Profiler.enable');
    await this.toWorker(worker.sessionId, 'Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await this.toWorker(worker.sessionId, 'Profiler.start');
    worker.profiling = true;
  }

  /** Starts CPU profiles of the page and every worker (and of workers that start later). */
  async startProfiles(): Promise<void> {
    this.profiling = true;
    await this.cdp.send('Profiler.enable');
    await this.cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await this.cdp.send('Profiler.start');
    await Promise.all([...this.workers.values()].map((w) => this.startWorkerProfile(w)));
  }

  /** Stops the profiles: the page's, and each worker's by script file name. */
  async stopProfiles(): Promise<{ page: CpuProfile; workers: Array<{ url: string; profile: CpuProfile }> }> {
    this.profiling = false;
    const page = (await this.cdp.send('Profiler.stop')).profile as CpuProfile;
    const workers = await Promise.all(
      [...this.workers.values()]
        .filter((w) => w.profiling)
        .map(async (w) => {
          w.profiling = false;
          const { profile } = await this.toWorker<{ profile: CpuProfile }>(w.sessionId, 'Profiler.stop');
          return { url: w.url.slice(w.url.lastIndexOf('/') + 1), profile };
        }),
    );
    return { page, workers };
  }

  async detach(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }
}

// Work that changes the library (ingest, resume, backfill, index rebuilds, deletes, model swaps) runs one task at a
// time, in order, each under the cross-tab writer lock: so vector changes and persisted index pages never interleave.

/** Runs a task as the only writer of the library (see writer-lock.ts), after catching up with other tabs. */
export type ExclusiveRunner = <T>(task: () => Promise<T>) => Promise<T>;

export class WorkQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly runExclusive: ExclusiveRunner) {}

  /** Tasks queued or running. */
  get size(): number {
    return this.waiting;
  }

  /** Queues a task; its result (or error) is the returned promise's. A failed task never blocks later ones. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    this.waiting++;
    const run = this.tail.then(() => this.runExclusive(task));
    const settled = run.finally(() => {
      this.waiting--;
    });
    this.tail = settled.catch(() => undefined);
    return settled;
  }

  /** Resolves once every task queued so far has finished. */
  whenIdle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}

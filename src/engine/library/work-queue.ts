// Work that changes the library (ingest, resume, backfill, index rebuilds, deletes, model swaps) runs one task at a
// time, in order, each under the cross-tab writer lock: so vector changes and persisted index pages never interleave.

/** Runs a task as the only writer of the library (see writer-lock.ts), after catching up with other tabs. */
export type ExclusiveRunner = <T>(task: () => Promise<T>) => Promise<T>;

export class WorkQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private tickets = 0;

  constructor(private readonly runExclusive: ExclusiveRunner) {}

  /** Tasks queued or running. */
  get size(): number {
    return this.waiting;
  }

  /**
   * The place in line of the task queued last (1, 2, …): two tasks with consecutive tickets have nothing queued
   * between them, so one may do the other's work without overtaking anything.
   */
  get lastTicket(): number {
    return this.tickets;
  }

  /** Queues a task; its result (or error) is the returned promise's. A failed task never blocks later ones. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    return this.line(() => this.runExclusive(task));
  }

  /**
   * Queues a task that is dropped when its turn comes and `done` says an earlier task did its work: then it takes
   * no writer lock and no catch-up (a folder's files are taken in batches by the first file's task).
   */
  enqueueUnless(done: () => boolean, task: () => Promise<void>): Promise<void> {
    return this.line(() => (done() ? Promise.resolve() : this.runExclusive(task)));
  }

  /** Resolves once every task queued so far has finished. */
  whenIdle(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  private line<T>(run: () => Promise<T>): Promise<T> {
    this.tickets++;
    this.waiting++;
    const settled = this.tail.then(run).finally(() => {
      this.waiting--;
    });
    this.tail = settled.catch(() => undefined);
    return settled;
  }
}

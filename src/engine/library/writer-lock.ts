// One writer at a time across tabs. Several tabs (each with its own worker and engine) share one IndexedDB
// library; every write task runs under an exclusive Web Lock, so two tabs never interleave their writes.
// Where Web Locks are missing (Node 20), an in-process lock stands in: engines in one process behave like tabs.

export interface WriterLock {
  /** Runs the task while holding the lock; the lock is released when the task settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

interface LockManagerLike {
  request<T>(name: string, options: { mode: 'exclusive' }, callback: () => Promise<T>): Promise<T>;
}

/** The browser's Web Locks (navigator.locks, in pages and workers) when present, else the in-process lock. */
export function writerLock(name: string): WriterLock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  if (locks && typeof locks.request === 'function') {
    return { run: (task) => locks.request(name, { mode: 'exclusive' }, task) };
  }
  return inProcessLock(name);
}

const processLocks = new Map<string, Promise<unknown>>();

/** A FIFO mutex shared by everything in this process that asks for the same name. */
export function inProcessLock(name: string): WriterLock {
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const previous = processLocks.get(name) ?? Promise.resolve();
      const run = previous.then(task, task);
      const released = run.catch(() => undefined);
      processLocks.set(name, released);
      void released.then(() => {
        if (processLocks.get(name) === released) processLocks.delete(name);
      });
      return run;
    },
  };
}

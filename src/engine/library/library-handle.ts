// The library this engine has open: the store its content goes through (plain, or encrypted once unlocked: see
// privacy/library-lock.ts), and whether the engine was closed for good (Forget everything). Every content read or
// write asks `content()`, so a locked or deleted library answers nothing.
import type { LockState } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import type { LibraryLock } from '../privacy/library-lock.ts';
import { checkedReads } from '../store/checked-reads.ts';
import type { Store } from '../store/store.ts';

const NOT_INITIALISED = 'The engine is not initialised: call init() first.';

export class LibraryHandle {
  private current: Store | null = null;

  /**
   * The content store: null before init, while locked, and after Forget everything. Its document, text and chunk
   * reads are checked field by field (a record an older version wrote never reaches the engine unchecked).
   */
  get store(): Store | null {
    return this.current;
  }

  set store(store: Store | null) {
    this.current = store && checkedReads(store);
  }
  /** Which store content goes through; null before init. */
  lock: LibraryLock | null = null;
  /** Set by Forget everything: the library is deleted and this engine answers nothing more. */
  closed: string | undefined;

  /** The store for documents, passages, vectors and indexes: LIBRARY_STALE once deleted, LOCKED while locked. */
  content(): Store {
    if (this.closed) throw new TroveError('LIBRARY_STALE', this.closed);
    if (this.lock?.state === 'locked') throw new TroveError('LOCKED');
    if (!this.store) throw new TroveError('INVALID_ARGUMENT', NOT_INITIALISED);
    return this.store;
  }

  /** The library lock, once init has opened the store. */
  opened(): LibraryLock {
    if (!this.lock) throw new TroveError('INVALID_ARGUMENT', NOT_INITIALISED);
    return this.lock;
  }

  /** Settings are readable while locked (they are preferences, stored plain). */
  settingsStore(): Store {
    return this.opened().settings();
  }

  get lockState(): LockState {
    return this.lock?.state ?? 'plain';
  }

  /** True while the library waits for its passphrase. */
  get locked(): boolean {
    return this.lockState === 'locked';
  }
}

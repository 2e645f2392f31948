// Several tabs on one library: each write task runs as the library's only writer (writer-lock.ts), having first
// caught up with what other tabs wrote (read from the store's change log, per changed document, or in full after a
// gap); after it, the version it produced is announced on the channel and the keyword index snapshot is scheduled.
// Announcements from other tabs trigger a catch-up here, and a lock in another tab locks this one too.
// It also says when this tab can no longer write (another tab upgraded the database, or the library was deleted).
import type { LibraryEvent } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import type { LibraryCatalogue } from './catalogue.ts';
import type { LibraryChannel } from './channel.ts';
import type { LibraryHandle } from './library-handle.ts';
import { Listeners } from './listeners.ts';
import type { Store } from '../store/store.ts';
import type { WorkQueue } from './work-queue.ts';
import type { WriterLock } from './writer-lock.ts';

/** Quiet time after the last write before the keyword index is persisted. */
const SNAPSHOT_DELAY_MS = 2_000;
/**
 * A snapshot costs time in proportion to the library: the next one waits at least this many times as long as the
 * last one took, so files added one by one with pauses between them spend at most a tenth of the time on it.
 */
const SNAPSHOT_SPACING = 10;
/**
 * Writes that never pause (a folder of thousands of files keeps the queue busy for minutes) still get a snapshot
 * after this long, spaced as above: a tab closed right after a long ingest then reopens from a recent snapshot
 * instead of reading back every document written since the last pause.
 */
const SNAPSHOT_MAX_WAIT_MS = 15_000;

export interface CrossTabParts {
  library: LibraryHandle;
  catalogue: LibraryCatalogue;
  writer: WriterLock;
  channel: LibraryChannel;
  queue: WorkQueue;
  /** Reads the whole library again (the change log has a gap). */
  reloadLibrary: () => Promise<void>;
  /** Reads the stored settings again (another tab saved some). */
  reloadSettings: () => Promise<void>;
  /** Re-publishes the model status (pending vectors changed). */
  refreshModel: () => void;
  /** Locks this tab (another tab locked the library); false when it was not unlocked. */
  lockHere: () => Promise<boolean>;
  /** Quiet time after the last write before the keyword index snapshot is written (default 2 s). */
  snapshotDelayMs?: number;
}

export class CrossTabSync {
  /** The library version this engine's memory reflects (see Store.changesSince). */
  private knownVersion = 0;
  /** Serialises catching up with this engine's own write tasks (a write task holds it from start to end). */
  private local: Promise<unknown> = Promise.resolve();
  /** Why this tab can no longer write, once it cannot. */
  private staleMessage: string | undefined;
  private snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the last keyword index snapshot ended, and how long it took. */
  private lastSnapshot = { endedAt: 0, tookMs: 0 };
  /** Since when a snapshot has been wanted (writes happened) without being written. */
  private snapshotWantedSince: number | undefined;
  private readonly events = new Listeners<LibraryEvent>();

  constructor(private readonly parts: CrossTabParts) {}

  /** Follows the other tabs: their writes (caught up at once) and their locking the library. */
  listen(): void {
    const { channel } = this.parts;
    channel.onAnnouncement(() => void this.catchUpNow());
    channel.onLocked?.(
      () => void this.parts.lockHere().then((locked) => locked && this.events.emit({ type: 'locked' })),
    );
  }

  /**
   * Takes the version of a library about to be loaded from `store` (read first: changes that land while it loads
   * are applied again by the next catch-up, which is idempotent).
   */
  async startFrom(store: Store): Promise<void> {
    this.knownVersion = await store.libraryVersion();
  }

  /** Tells the page something about this engine as a whole (the events' one channel). */
  announceToPage(event: LibraryEvent): void {
    this.events.emit(event);
  }

  onLibraryEvent(listener: (event: LibraryEvent) => void): void {
    this.events.add(listener);
    if (this.staleMessage) listener({ type: 'stale', message: this.staleMessage });
  }

  /** Runs a write task as the library's only writer: other tabs wait; this one first catches up with them. */
  runAsWriter<T>(task: () => Promise<T>): Promise<T> {
    return this.parts.writer.run(() =>
      this.exclusively(async () => {
        if (this.staleMessage) throw new TroveError('LIBRARY_STALE', this.staleMessage);
        await this.catchUp();
        try {
          return await task();
        } finally {
          await this.published();
        }
      }),
    );
  }

  /** The store says this tab's connection is over (another tab upgraded the database, or the browser closed it). */
  becameStale(reason: 'upgrade' | 'terminated'): void {
    this.staleMessage =
      reason === 'upgrade'
        ? 'Trove was updated in another tab: reload this page to keep working.'
        : 'The browser closed the library database: reload this page to keep working.';
    this.events.emit({ type: 'stale', message: this.staleMessage });
  }

  /** No more writes or catch-ups, for good (the library was deleted): every write task fails with `message`. */
  stop(message: string): void {
    clearTimeout(this.snapshotTimer);
    this.staleMessage = message;
  }

  /** Drops a scheduled keyword index snapshot (the in-memory indexes are going). */
  cancelSnapshot(): void {
    clearTimeout(this.snapshotTimer);
  }

  /** Runs `body` with no write task or other catch-up of this engine running. */
  private exclusively<T>(body: () => Promise<T>): Promise<T> {
    const run = this.local.then(body, body);
    this.local = run.catch(() => undefined);
    return run;
  }

  /** Another tab announced a write: catch up now, unless a write task of ours is running (it caught up first). */
  private catchUpNow(): Promise<void> {
    return this.exclusively(() => this.catchUp()).catch(() => undefined);
  }

  /** Applies the writes other tabs made since our version: per changed document, or in full when the log has a gap. */
  private async catchUp(): Promise<void> {
    const store = this.parts.library.store;
    if (!store || this.staleMessage) return;
    const changes = await store.changesSince(this.knownVersion);
    if (changes.version === this.knownVersion) return;
    if ('gap' in changes) {
      await this.parts.reloadLibrary();
    } else {
      if (changes.settings) await this.parts.reloadSettings();
      await this.parts.catalogue.syncDocuments(store, changes.docIds);
    }
    this.knownVersion = changes.version;
    this.parts.refreshModel();
    this.events.emit({ type: 'changed' });
  }

  /** After a write task: record the version it produced and tell the other tabs. */
  private async published(): Promise<void> {
    const store = this.parts.library.store;
    if (!store || this.staleMessage) return;
    try {
      const version = await store.libraryVersion();
      if (version === this.knownVersion) return;
      this.knownVersion = version;
      this.parts.channel.announce(version);
      this.scheduleSnapshot();
    } catch {
      /* the store is gone; becameStale says so */
    }
  }

  /**
   * Persists the keyword index once writes pause (not after each document: a large library's snapshot is
   * megabytes, and a folder of many small files would rewrite it for each).
   */
  private scheduleSnapshot(): void {
    clearTimeout(this.snapshotTimer);
    this.snapshotWantedSince ??= Date.now();
    const { endedAt, tookMs } = this.lastSnapshot;
    const quiet = this.parts.snapshotDelayMs ?? SNAPSHOT_DELAY_MS;
    const overdue = () =>
      Date.now() - this.snapshotWantedSince! >= Math.max(SNAPSHOT_MAX_WAIT_MS, quiet, SNAPSHOT_SPACING * tookMs);
    const delay = overdue() ? 0 : Math.max(quiet, endedAt + SNAPSHOT_SPACING * tookMs - Date.now());
    this.snapshotTimer = setTimeout(() => {
      // Still busy: wait for the next pause, unless the writes have gone on too long without one.
      if (this.parts.queue.size > 0 && !overdue()) return this.scheduleSnapshot();
      this.snapshotWantedSince = undefined;
      void this.parts.queue
        .enqueue(async () => {
          const started = Date.now();
          await this.parts.catalogue.saveSnapshot(this.parts.library.content(), this.knownVersion);
          this.lastSnapshot = { endedAt: Date.now(), tookMs: Date.now() - started };
        })
        .catch(() => undefined); // only a cost: the next start reads the terms instead
    }, delay);
    (this.snapshotTimer as { unref?: () => void }).unref?.();
  }
}

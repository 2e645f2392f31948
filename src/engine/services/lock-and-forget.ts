// The library lock and Forget everything. Locking forgets the key and every in-memory index (so nothing of the
// library stays in this worker's memory) and tells the other tabs to lock too; unlocking loads the library again.
// Encryption is turned on for an empty library only (privacy/library-lock.ts). Forget everything stops every job,
// closes the store, has the worker delete the databases, and leaves this engine answering nothing more.
import type { EngineSettings, LibraryStats, LockState } from '../api/index.ts';
import { TroveError } from '../core/errors.ts';
import type { ActiveModel } from '../library/active-model.ts';
import { LEXICAL_SNAPSHOT, type LibraryCatalogue } from '../library/catalogue.ts';
import type { LibraryChannel } from '../library/channel.ts';
import type { CrossTabSync } from '../library/cross-tab-sync.ts';
import type { LibraryHandle } from '../library/library-handle.ts';
import type { LibraryIndexes } from '../library/library-indexes.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import type { Store } from '../store/store.ts';

const FORGOTTEN = 'The library was deleted (Forget everything): reload the page to start afresh.';
const CLOSED = 'This engine was closed: open the library again to keep working.';

export interface LockAndForgetParts {
  library: LibraryHandle;
  catalogue: LibraryCatalogue;
  indexes: LibraryIndexes;
  queue: WorkQueue;
  sync: CrossTabSync;
  channel: LibraryChannel;
  model: Pick<ActiveModel, 'detach'>;
  settings: () => EngineSettings;
  /** Loads the library's indexes from `store` and starts the model (after unlock). */
  load: (store: Store) => Promise<void>;
  /** Drops the model switch in progress (its old model and vectors). */
  forgetSwitch: () => void;
  /** Stops every ingest job working on a document. */
  cancelDocument: (id: number) => void;
  /** Reads the sealed settings once the key is there (after unlock, or turning the lock on). */
  settingsUnlocked?: () => Promise<void>;
  /** Forgets the sealed settings held in memory (on lock). */
  settingsLocked?: () => void;
  /** Deletes the library's databases once the store is closed, and says what it removed. */
  wipeStorage?: () => Promise<string[]>;
  /** Disposes the cross-encoder, if one is loaded. */
  unloadReranker: () => Promise<void>;
}

export class LockAndForget {
  constructor(private readonly parts: LockAndForgetParts) {}

  async state(): Promise<LockState> {
    return this.parts.library.lockState;
  }

  async unlock(passphrase: string): Promise<{ settings: EngineSettings; stats: LibraryStats }> {
    const libraryLock = this.parts.library.opened();
    if (libraryLock.state === 'locked') {
      const store = await libraryLock.unlock(passphrase);
      // Before the library loads: a resumed ingest redacts with the custom patterns.
      await this.parts.settingsUnlocked?.();
      await this.parts.load(store);
    }
    return { settings: this.parts.settings(), stats: this.parts.indexes.stats() };
  }

  async lock(): Promise<void> {
    const libraryLock = this.parts.library.lock;
    if (libraryLock?.state !== 'unlocked') {
      if (libraryLock?.state === 'locked') return;
      throw new TroveError(
        'INVALID_ARGUMENT',
        'This library is not encrypted: turn the lock on first (Settings → Privacy).',
      );
    }
    await this.lockHere();
    this.parts.channel.announceLocked?.();
  }

  /** Locks this engine (from this tab, or another's announcement); false when it was not unlocked. */
  async lockHere(): Promise<boolean> {
    const libraryLock = this.parts.library.lock;
    if (libraryLock?.state !== 'unlocked') return false;
    // In the queue, so no write is half-done when the key goes; then nothing of the library stays in memory.
    await this.parts.queue.enqueue(async () => {
      libraryLock.lock();
      this.parts.settingsLocked?.();
      this.forgetInMemory();
    });
    await this.parts.model
      .detach()
      ?.dispose()
      .catch(() => undefined); // with it, the cache of recent query vectors
    return true;
  }

  async enableEncryption(passphrase: string): Promise<void> {
    const { library } = this.parts;
    const libraryLock = library.opened();
    await this.parts.queue.enqueue(async () => {
      const plain = library.content();
      const documents = (await plain.listDocuments()).length;
      // Indexes of an emptied library (plain bytes) would not open through the encrypted store: start them afresh.
      if (documents === 0) {
        await plain.deleteIndex(LEXICAL_SNAPSHOT);
        const vectors = this.parts.catalogue.vectors;
        if (vectors) await plain.deleteIndex(vectors.fingerprint);
      }
      library.store = await libraryLock.enable(passphrase, documents);
      await this.parts.settingsUnlocked?.();
      await this.parts.indexes.reload();
    });
  }

  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    await this.parts.library.opened().changePassphrase(oldPassphrase, newPassphrase);
  }

  /** Closes the library and deletes its databases; returns what was removed, in words. The engine is closed after. */
  async forgetEverything(): Promise<string[]> {
    const { library } = this.parts;
    for (const doc of this.parts.catalogue.docs.values()) this.parts.cancelDocument(doc.id);
    // Let the running task end, then close: the databases cannot be deleted while this engine holds them open.
    await this.parts.queue.enqueue(async () => undefined).catch(() => undefined);
    this.forgetInMemory();
    await this.parts.model
      .detach()
      ?.dispose()
      .catch(() => undefined);
    library.lock?.close();
    library.closed = FORGOTTEN;
    this.parts.sync.stop(FORGOTTEN); // no more writes or catch-ups
    return (await this.parts.wipeStorage?.()) ?? [];
  }

  /**
   * Ends this engine and keeps the library: the running write finishes, then the channel, timers, models and store
   * are released, so a Node process (the CLI, a benchmark) can exit. Calls after it answer LIBRARY_STALE.
   */
  async close(): Promise<void> {
    const { library } = this.parts;
    await this.parts.queue.enqueue(async () => undefined).catch(() => undefined);
    this.parts.sync.stop(library.closed ?? CLOSED);
    this.parts.forgetSwitch();
    await this.parts.model
      .detach()
      ?.dispose()
      .catch(() => undefined);
    await this.parts.unloadReranker();
    library.lock?.close();
    library.closed ??= CLOSED;
    this.parts.channel.close();
  }

  /** Drops every in-memory index and the model switch in progress. */
  private forgetInMemory(): void {
    this.parts.sync.cancelSnapshot();
    this.parts.library.store = null;
    this.parts.indexes.clear();
    this.parts.forgetSwitch();
  }
}

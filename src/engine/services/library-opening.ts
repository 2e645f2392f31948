// Opening the library: at init, the store, its lock state and the settings (the build's, the stored ones and the
// URL's), then the cross-tab listeners; once the content is readable (at once, or after unlock), the in-memory
// indexes, the vectors that served last, and the model, after which half-written documents are resumed.
import type { EngineSettings, LibraryStats, LockState, SettingsRefusal } from '../api/index.ts';
import type { ActiveModel } from '../library/active-model.ts';
import type { CrossTabSync } from '../library/cross-tab-sync.ts';
import type { LibraryHandle } from '../library/library-handle.ts';
import type { LibraryIndexes } from '../library/library-indexes.ts';
import { LibraryLock } from '../privacy/library-lock.ts';
import type { DeviceChoices } from '../settings/device-choices.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { checkedReads } from '../store/checked-reads.ts';
import type { StaleListener, Store } from '../store/store.ts';

export interface LibraryOpeningParts {
  openStore: (options: { onStale: StaleListener }) => Promise<Store>;
  library: LibraryHandle;
  settings: SettingsStore;
  sync: CrossTabSync;
  indexes: LibraryIndexes;
  deviceChoices: DeviceChoices;
  model: Pick<ActiveModel, 'ensureLoaded'>;
  /** Opens the vectors that served last (or restores an unfinished model switch). */
  startVectors: (store: Store) => Promise<void>;
  /** Queues a resume of every document a closed tab left half-written. */
  resumeInterrupted: () => Promise<void>;
}

export interface Opened {
  settings: EngineSettings;
  stats: LibraryStats;
  lock: LockState;
  refused: SettingsRefusal[];
}

export class LibraryOpening {
  private initializing: Promise<void> | null = null;

  constructor(private readonly parts: LibraryOpeningParts) {}

  /** Opens the library once (later calls wait for the same opening), without waiting for the model. */
  async init(overrides: Partial<EngineSettings> = {}, requested: Partial<EngineSettings> = {}): Promise<Opened> {
    const { library, settings } = this.parts;
    this.initializing ??= this.open(overrides, requested);
    await this.initializing;
    return {
      settings: settings.value,
      stats: this.parts.indexes.stats(),
      lock: library.lockState,
      refused: settings.refused,
    };
  }

  /** Loads the library's indexes from `store` and starts the model (at start-up, or after unlock). */
  async load(store: Store): Promise<void> {
    const { library, sync, indexes } = this.parts;
    const content = checkedReads(store); // what the handle holds too
    library.store = content;
    await sync.startFrom(content);
    await indexes.load(content);
    // Keyword search works from here; the document list is read next, and the vectors load in the queue (they may
    // need a rebuild, which writes pages).
    await this.parts.deviceChoices.load(content);
    await this.parts.startVectors(content);
    // Then the model, once the document list is in; half-written documents resume once the model has settled
    // (ready, or unavailable: then by keyword only). Queued earlier, a long resume would hold the queue while the
    // model's vectors wait to open behind it.
    void indexes
      .documents()
      .catch(() => undefined)
      .then(() => this.parts.model.ensureLoaded())
      .finally(() => void this.parts.resumeInterrupted().catch(() => undefined));
  }

  private async open(overrides: Partial<EngineSettings>, requested: Partial<EngineSettings>): Promise<void> {
    const { library, sync } = this.parts;
    const inner = await this.parts.openStore({ onStale: (reason) => sync.becameStale(reason) });
    library.lock = await LibraryLock.open(inner);
    await this.parts.settings.open(inner, overrides, requested);
    sync.listen();
    // An encrypted library waits for its passphrase (unlock) before anything of its content is read.
    if (library.lock.state === 'locked') return;
    await this.load(inner);
  }
}

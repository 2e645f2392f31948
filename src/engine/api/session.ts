// Starting the engine, and the page's check that it is still alive.
import type { LibraryStats } from './library.ts';
import type { LockState } from './privacy.ts';
import type { EngineSettings, SettingsRefusal } from './settings.ts';

export interface SessionApi {
  /**
   * Opens storage, loads indexes and starts loading the model (without waiting for it). `settings`: the build's
   * choice for this session; `requested`: URL parameters, applied only where they narrow what the stored settings
   * allow (the others come back in `refused`). Neither is persisted.
   */
  init(
    settings?: Partial<EngineSettings>,
    requested?: Partial<EngineSettings>,
  ): Promise<{ settings: EngineSettings; stats: LibraryStats; lock: LockState; refused: SettingsRefusal[] }>;
  /** Answers at once: the page's heartbeat, to notice a worker that died. */
  ping(): Promise<number>;
}

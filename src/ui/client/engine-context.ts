// The engine as every part of the page sees it: the proxy, its settings, lock and model status, and a revision that
// moves whenever the library may have changed. app/EngineProvider.tsx fills it; features read it with useEngine()
// instead of having the engine handed down through their parents.
import { createContext, useContext } from 'react';
import type { EngineSettings, LockState, ModelStatus, SettingsRefusal } from '../../engine/api/index.ts';
import type { Connection, Engine } from './engine-client.ts';

export interface EngineSession {
  /** Undefined until the worker has started. */
  engine: Engine | undefined;
  /** What the engine said when it (last) started. */
  connection: Connection | undefined;
  /** Set when the engine itself failed to start. */
  startError: string | undefined;
  settings: EngineSettings | undefined;
  /** Takes settings the engine saved itself (a custom model added or removed). */
  setSettings: (settings: EngineSettings) => void;
  /** Saves a change; the engine reloads the model itself when a model setting changed, and the status follows. */
  saveSettings: (changes: Partial<EngineSettings>) => Promise<void>;
  /** URL parameters not applied at start because they would widen what the user allowed. */
  refused: SettingsRefusal[];
  lock: LockState | undefined;
  setLock: (lock: LockState) => void;
  modelStatus: ModelStatus | undefined;
  /** Reads the model status again (after anything that may have changed it). */
  refreshModel: () => void;
  /** Moves whenever the library may have changed (here, in another tab, by an import); lists re-read on it. */
  libraryRevision: number;
  libraryChanged: () => void;
}

export const EngineContext = createContext<EngineSession | undefined>(undefined);

export function useEngine(): EngineSession {
  const session = useContext(EngineContext);
  if (!session) throw new Error('useEngine() is used outside <EngineProvider>.');
  return session;
}

/** The engine, for parts the page shows only once it has started. */
export function useStartedEngine(): Engine {
  const { engine } = useEngine();
  if (!engine) throw new Error('The search engine has not started.');
  return engine;
}

// Connects to the engine once and gives every part of the page what it knows (client/engine-context.ts): the
// proxy, settings, the lock, the model status, and the library revision that re-reads every list when the
// library changed here or in another tab. A worker restarted after a death replaces the connection.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { EngineSettings, LockState, SettingsRefusal } from '../../engine/api/index.ts';
import { connect, errorMessage, onEngineEvent, type Connection } from '../client/engine-client.ts';
import { EngineContext, type EngineSession } from '../client/engine-context.ts';
import { useModelStatus } from './useModelStatus.ts';

export function EngineProvider({ children }: { children: ReactNode }) {
  const [connection, setConnection] = useState<Connection>();
  const [startError, setStartError] = useState<string>();
  const [settings, setSettings] = useState<EngineSettings>();
  const [lock, setLock] = useState<LockState>();
  const [refused, setRefused] = useState<SettingsRefusal[]>([]);
  const [libraryRevision, setLibraryRevision] = useState(0);
  useEffect(() => {
    connect().then(
      (value) => {
        setConnection(value);
        setSettings(value.settings);
        setLock(value.lock);
        setRefused(value.refused);
      },
      (reason: unknown) => setStartError(errorMessage(reason)),
    );
  }, []);
  const engine = connection?.engine;

  const libraryChanged = useCallback(() => setLibraryRevision((r) => r + 1), []);
  const { status: modelStatus, refresh: refreshModel } = useModelStatus(engine, libraryRevision);

  // Engine-wide news: another tab changed the library or locked it, or a new worker replaced a dead one.
  useEffect(
    () =>
      onEngineEvent((event) => {
        if (event.type === 'changed') libraryChanged();
        else if (event.type === 'locked') setLock('locked');
        else if (event.type === 'restarted') {
          setConnection(event.connection);
          setSettings(event.connection.settings);
          setLock(event.connection.lock);
        }
      }),
    [libraryChanged],
  );

  const saveSettings = useCallback(
    async (changes: Partial<EngineSettings>) => {
      if (!engine || Object.keys(changes).length === 0) return;
      // The engine reloads the model itself when a model setting changed; the status bar follows.
      setSettings(await engine.updateSettings(changes));
      refreshModel();
    },
    [engine, refreshModel],
  );

  const session = useMemo<EngineSession>(
    () => ({
      engine,
      connection,
      startError,
      settings,
      setSettings,
      saveSettings,
      refused,
      lock,
      setLock,
      modelStatus,
      refreshModel,
      libraryRevision,
      libraryChanged,
    }),
    [
      engine,
      connection,
      startError,
      settings,
      saveSettings,
      refused,
      lock,
      modelStatus,
      refreshModel,
      libraryRevision,
      libraryChanged,
    ],
  );
  return <EngineContext value={session}>{children}</EngineContext>;
}

// Page-wide news about the engine and the app itself: the library was upgraded by another tab (reload), the
// worker died and was restarted, or a new version of Trove waits for the user.
import { useEffect, useState } from 'react';
import { onEngineEvent } from '../client/engine-client.ts';
import { onUpdateAvailable } from '../client/pwa-update.ts';

export type EngineNotice =
  | { kind: 'stale'; message: string }
  | { kind: 'restarting'; message: string }
  | { kind: 'restarted'; message: string }
  /** A new version of the app is installed and waits for the user (never swapped in under them). */
  | { kind: 'update'; message: string };

export function useEngineNotice(): [EngineNotice | undefined, () => void] {
  const [notice, setNotice] = useState<EngineNotice>();
  // A new version waits until the user says so: one session never mixes two versions of the app.
  useEffect(
    () =>
      onUpdateAvailable(() =>
        setNotice(
          (current) => current ?? { kind: 'update', message: 'A new version of Trove is ready. Reload to use it.' },
        ),
      ),
    [],
  );
  useEffect(
    () =>
      onEngineEvent((event) => {
        if (event.type === 'stale') setNotice({ kind: 'stale', message: event.message });
        else if (event.type === 'died') {
          setNotice({
            kind: 'restarting',
            message: `${event.message.replace(/;? it was restarted\.$/, '.')} Restarting it…`,
          });
        } else if (event.type === 'restarted') {
          setNotice({
            kind: 'restarted',
            message:
              'The search engine stopped unexpectedly and was restarted. Unfinished files are resumed or marked failed.',
          });
        }
      }),
    [],
  );
  return [notice, () => setNotice(undefined)];
}

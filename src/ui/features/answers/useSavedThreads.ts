// Saved threads for the answer panel: the list kept in the library (sealed with it under the lock), saving the
// thread on show (over the saved thread it continues, when it was opened from one or saved before), opening one
// back into the panel, renaming and deleting. A cited passage that is gone from the library says so when clicked.
import { useCallback, useEffect, useState } from 'react';
import type { SavedThreadList } from '../../../engine/api/index.ts';
import { errorMessage, type Engine } from '../../client/engine-client.ts';
import { useEngine } from '../../client/engine-context.ts';
import { plural } from '../../components/format.ts';
import type { RetrievedPassage } from './answer-retrieval.ts';
import type { AnswerTurn } from './answer-thread.ts';
import { savedTurnsOf, turnsOfSavedThread } from './saved-thread-turns.ts';

interface ThreadOnShow {
  turns: AnswerTurn[];
  busy: boolean;
  load: (toTurns: (firstId: number) => AnswerTurn[]) => void;
}

/** The saved thread the panel shows, known by the id of its first turn (a cleared or replaced thread has another). */
interface Showing {
  id: string;
  title: string;
  firstTurnId: number;
  /** Finished turns when last saved or opened: more means there is something new to save. */
  turnCount: number;
  goneCount: number;
}

export type SavedThreadsMessage = { kind: 'status' | 'error'; text: string };

export function useSavedThreads(engine: Engine | undefined, thread: ThreadOnShow) {
  const [list, setList] = useState<SavedThreadList>();
  const [showing, setShowing] = useState<Showing>();
  const [message, setMessage] = useState<SavedThreadsMessage>();
  const [gonePassage, setGonePassage] = useState<{ firstTurnId: number; passage: RetrievedPassage }>();
  // An import adds saved threads: the list is read again whenever the library may have changed.
  const { libraryRevision } = useEngine();
  const firstTurnId = thread.turns[0]?.id;
  const current = showing && showing.firstTurnId === firstTurnId ? showing : undefined;

  const refresh = useCallback(async () => {
    if (!engine) return;
    try {
      setList(await engine.listSavedThreads());
    } catch (error) {
      setMessage({ kind: 'error', text: `The saved threads could not be listed: ${errorMessage(error)}` });
    }
  }, [engine]);

  useEffect(() => {
    if (!engine) return;
    let live = true;
    engine.listSavedThreads().then(
      (value) => live && setList(value),
      (error: unknown) =>
        live && setMessage({ kind: 'error', text: `The saved threads could not be listed: ${errorMessage(error)}` }),
    );
    return () => {
      live = false;
    };
  }, [engine, libraryRevision]);

  const save = useCallback(async () => {
    if (!engine || firstTurnId === undefined) return;
    try {
      const summary = await engine.saveThread({
        ...(current && { id: current.id }),
        turns: savedTurnsOf(thread.turns),
      });
      setShowing({
        id: summary.id,
        title: summary.title,
        firstTurnId,
        turnCount: summary.turnCount,
        goneCount: current?.goneCount ?? 0,
      });
      setMessage({ kind: 'status', text: `Saved as “${summary.title}”.` });
    } catch (error) {
      setMessage({ kind: 'error', text: `The thread was not saved: ${errorMessage(error)}` });
    }
    await refresh();
  }, [engine, current, firstTurnId, thread.turns, refresh]);

  const open = useCallback(
    async (id: string) => {
      if (!engine) return;
      try {
        const opened = await engine.getSavedThread(id);
        let first = 0;
        thread.load((firstId) => {
          first = firstId;
          return turnsOfSavedThread(opened, firstId);
        });
        const goneCount = opened.goneChunkIds.length;
        setShowing({ id, title: opened.title, firstTurnId: first, turnCount: opened.turnCount, goneCount });
        setMessage({
          kind: 'status',
          text:
            `Opened “${opened.title}”.` +
            (goneCount > 0
              ? ` ${plural(goneCount, 'passage')} it cites ${goneCount === 1 ? 'is' : 'are'} no longer in your library; the saved text is shown.`
              : ''),
        });
      } catch (error) {
        setMessage({ kind: 'error', text: `The saved thread could not be opened: ${errorMessage(error)}` });
        await refresh();
      }
    },
    [engine, thread, refresh],
  );

  const rename = useCallback(
    async (id: string, title: string) => {
      if (!engine) return false;
      try {
        const summary = await engine.renameSavedThread(id, title);
        if (showing?.id === id) setShowing({ ...showing, title: summary.title });
        setMessage({ kind: 'status', text: `Renamed to “${summary.title}”.` });
        await refresh();
        return true;
      } catch (error) {
        setMessage({ kind: 'error', text: `The thread was not renamed: ${errorMessage(error)}` });
        return false;
      }
    },
    [engine, showing, refresh],
  );

  const remove = useCallback(
    async (id: string) => {
      if (!engine) return;
      try {
        await engine.deleteSavedThread(id);
        // The thread stays on show, unsaved: saving it again makes a new saved thread.
        if (showing?.id === id) setShowing(undefined);
        setMessage({ kind: 'status', text: 'Saved thread deleted.' });
      } catch (error) {
        setMessage({ kind: 'error', text: `The saved thread was not deleted: ${errorMessage(error)}` });
      }
      await refresh();
    },
    [engine, showing, refresh],
  );

  /** A citation or passage of a saved answer was opened: those gone from the library say so instead. */
  const passageGone = useCallback(
    (passage: RetrievedPassage) => {
      if (firstTurnId !== undefined) setGonePassage({ firstTurnId, passage });
    },
    [firstTurnId],
  );

  const finished = savedTurnsOf(thread.turns).length;
  return {
    list,
    current,
    /** Something on show that the saved copy lacks (or no saved copy yet). */
    unsaved: !current || finished !== current.turnCount,
    message,
    gonePassage: gonePassage && gonePassage.firstTurnId === firstTurnId ? gonePassage.passage : undefined,
    save,
    open,
    rename,
    remove,
    passageGone,
  };
}

export type SavedThreads = ReturnType<typeof useSavedThreads>;

// Saved threads in the answer panel: Save thread (once the thread on show has an answer), what came of it, and the
// list of saved threads, each opened back into the panel, renamed or deleted. Titles are rendered as text.
import { useState, type FormEvent } from 'react';
import { formatDate, plural } from '../../components/format.ts';
import type { SavedThreads } from './useSavedThreads.ts';

interface Props {
  saved: SavedThreads;
  /** The thread on show has an answered turn and nothing is being answered. */
  canSave: boolean;
  /** Something is being answered: opening another thread waits. */
  busy: boolean;
}

export function SavedThreadsView({ saved, canSave, busy }: Props) {
  const [renaming, setRenaming] = useState<{ id: string; title: string }>();
  const [deleting, setDeleting] = useState<string>();
  const threads = saved.list?.threads ?? [];
  const unreadable = saved.list?.unreadable ?? [];

  const submitRename = async (event: FormEvent) => {
    event.preventDefault();
    if (renaming && (await saved.rename(renaming.id, renaming.title))) setRenaming(undefined);
  };

  return (
    <div className="answers__saved">
      {canSave && (
        <div className="answers__save">
          <button
            type="button"
            className="button button--small"
            onClick={() => void saved.save()}
            disabled={!saved.unsaved}
            data-testid="answers-save"
          >
            {!saved.current ? 'Save thread' : saved.unsaved ? 'Save changes' : 'Saved'}
          </button>
          {saved.current && (
            <span className="hint" data-testid="answers-saved-title">
              Saved thread: {saved.current.title}
            </span>
          )}
        </div>
      )}
      {saved.message && (
        <p
          className={saved.message.kind === 'error' ? 'alert' : 'hint'}
          role={saved.message.kind === 'error' ? 'alert' : 'status'}
          data-testid="saved-threads-message"
        >
          {saved.message.text}
        </p>
      )}
      {saved.gonePassage && (
        <p className="alert" role="status" data-testid="saved-passage-gone">
          Passage [{saved.gonePassage.passage.n}] of “{saved.gonePassage.passage.title}” is no longer in your library
          (its document was deleted or indexed again), so it cannot be opened. The text it had when the thread was saved
          is shown with the answer.
        </p>
      )}
      {(threads.length > 0 || unreadable.length > 0) && (
        <details className="answers__saved-list" data-testid="saved-threads">
          <summary>Saved threads ({threads.length})</summary>
          <p className="hint">Kept in this browser with your library (sealed with it when the library is locked).</p>
          <ul>
            {threads.map((thread) => (
              <li key={thread.id} className="answers__saved-thread" data-testid="saved-thread">
                {renaming?.id === thread.id ? (
                  <form className="answers__rename" onSubmit={(event) => void submitRename(event)}>
                    <label>
                      <span className="visually-hidden">New title for {thread.title}</span>
                      <input
                        type="text"
                        value={renaming.title}
                        onChange={(event) => setRenaming({ id: thread.id, title: event.target.value })}
                        maxLength={200}
                        data-testid="saved-thread-title-input"
                      />
                    </label>
                    <button type="submit" className="button button--small" data-testid="saved-thread-rename-save">
                      Rename
                    </button>
                    <button
                      type="button"
                      className="button button--small button--quiet"
                      onClick={() => setRenaming(undefined)}
                    >
                      Cancel
                    </button>
                  </form>
                ) : (
                  <>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => void saved.open(thread.id)}
                      disabled={busy}
                      data-testid="saved-thread-open"
                    >
                      {thread.title}
                    </button>
                    <span className="hint">
                      {' '}
                      {plural(thread.turnCount, 'question')} · {formatDate(thread.updatedAt)}
                    </span>
                    <span className="answers__saved-actions">
                      <button
                        type="button"
                        className="button button--small button--quiet"
                        onClick={() => setRenaming({ id: thread.id, title: thread.title })}
                        data-testid="saved-thread-rename"
                      >
                        Rename
                      </button>
                      {deleting === thread.id ? (
                        <>
                          <span className="hint">Delete it?</span>
                          <button
                            type="button"
                            className="button button--small"
                            onClick={() => {
                              setDeleting(undefined);
                              void saved.remove(thread.id);
                            }}
                            data-testid="saved-thread-delete-confirm"
                          >
                            Delete
                          </button>
                          <button
                            type="button"
                            className="button button--small button--quiet"
                            onClick={() => setDeleting(undefined)}
                          >
                            Keep
                          </button>
                        </>
                      ) : (
                        <button
                          type="button"
                          className="button button--small button--quiet"
                          onClick={() => setDeleting(thread.id)}
                          data-testid="saved-thread-delete"
                        >
                          Delete
                        </button>
                      )}
                    </span>
                  </>
                )}
              </li>
            ))}
          </ul>
          {unreadable.length > 0 && (
            <p className="hint" data-testid="saved-threads-unreadable">
              {plural(unreadable.length, 'saved thread')} could not be read and {unreadable.length === 1 ? 'is' : 'are'}{' '}
              not shown (nothing was deleted): {unreadable[0]!.reason}
            </p>
          )}
        </details>
      )}
    </div>
  );
}

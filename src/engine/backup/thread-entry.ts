// A saved answer thread as it travels in a .trove file: one THRD section per thread, its stored value as JSON, after
// every document. A thread in a file is checked field by field (store/thread-record.ts); one that fails is refused
// on its own and counted, since a damaged or hostile thread is no reason to lose the documents beside it. On import
// its citations are moved to the ids the imported passages were given, or marked gone when the file has no passage
// for them (their text stays, as in any saved thread whose document was deleted).
import { TroveError } from '../core/errors.ts';
import { MAX_THREAD_BYTES, checkThreadContent, type ThreadContent } from '../store/thread-record.ts';
import type { BackupEntry } from './backup-types.ts';
import { jsonBytes, parseJson } from './container.ts';

/** Saved threads one import adds at most: the rest of a file's threads are counted and left out. */
export const MAX_IMPORTED_THREADS = 1_000;
/** The id a citation gets when its passage is not in the library: stored ids start at 1, so none matches it. */
export const GONE_ID = 0;

export function threadJson(thread: ThreadContent): Uint8Array {
  return jsonBytes(thread);
}

/** A THRD section's thread, or why it was refused (never throws for what the section holds). */
export function threadFromJson(payload: Uint8Array): BackupEntry {
  const refuse = (reason: string): BackupEntry => ({ kind: 'refusedThread', reason });
  // A thread is written as its stored value, which the saved-threads service keeps within MAX_THREAD_BYTES.
  if (payload.byteLength > MAX_THREAD_BYTES)
    return refuse(`it is larger than a saved thread may be (${MAX_THREAD_BYTES / 2 ** 20} MiB)`);
  const fail = (reason: string) => new TroveError('IMPORT_INVALID', reason);
  try {
    return { kind: 'thread', thread: checkThreadContent(parseJson(payload, 'saved thread', fail), fail) };
  } catch (error) {
    if (error instanceof TroveError) return refuse(error.message);
    throw error;
  }
}

/**
 * The thread with each citation's chunk and document id replaced by the imported ones; a citation whose passage the
 * import did not bring (its document was deleted before the export) gets GONE_ID, so it reads as gone and never
 * opens a passage of this library that happens to have the old id.
 */
export function remapThread(
  thread: ThreadContent,
  documentIds: ReadonlyMap<number, number>,
  chunkIds: ReadonlyMap<number, number>,
): ThreadContent {
  return {
    ...thread,
    turns: thread.turns.map((turn) => ({
      ...turn,
      passages: turn.passages.map((passage) => {
        const chunkId = chunkIds.get(passage.chunkId);
        const documentId = documentIds.get(passage.documentId);
        if (chunkId === undefined || documentId === undefined)
          return { ...passage, chunkId: GONE_ID, documentId: GONE_ID };
        return { ...passage, chunkId, documentId };
      }),
    })),
  };
}

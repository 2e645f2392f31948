// Saved answer threads: kept in the library's own database (sealed with everything else under the library lock,
// bound to the thread's id), listed, opened, renamed and deleted. The passages each answer cited are saved with it,
// so a saved answer reads the same after its document is deleted; opening a thread says which of them are gone.
// What is read back is validated field by field: a record written by hand or by another version is reported as
// unreadable, never shown and never deleted.
import type {
  OpenedSavedThread,
  SaveThreadRequest,
  SavedThreadList,
  SavedThreadSummary,
  UnreadableThread,
} from '../api/threads.ts';
import { TroveError } from '../core/errors.ts';
import type { Store, ThreadRow } from '../store/store.ts';
import {
  MAX_THREAD_BYTES,
  THREAD_RECORD_VERSION,
  checkThreadContent,
  checkTitle,
  checkTurns,
  isThreadId,
  threadOf,
  type ThreadContent,
} from '../store/thread-record.ts';

/** A title made from the first question is cut here (a chosen title may be longer). */
const AUTO_TITLE_LENGTH = 80;

export interface SavedThreadsParts {
  /** The library's content store (LOCKED while locked). */
  store: () => Store;
  now?: () => number;
  newId?: () => string;
}

export class SavedThreads {
  constructor(private readonly parts: SavedThreadsParts) {}

  async save(request: SaveThreadRequest): Promise<SavedThreadSummary> {
    const invalid = (reason: string) => new TroveError('INVALID_ARGUMENT', `This thread cannot be saved: ${reason}.`);
    if (typeof request !== 'object' || request === null) throw invalid('it is not a thread');
    const { turns } = checkTurns(request.turns, invalid);
    if (request.id !== undefined && !isThreadId(request.id)) throw invalid('its id is invalid');
    const title =
      request.title !== undefined
        ? checkTitle(request.title, (reason) => new TroveError('INVALID_ARGUMENT', reason))
        : undefined;
    const store = this.parts.store();
    const now = this.now();
    // Saving again over the thread it continues keeps its title and first date (unless that record is unreadable:
    // then it is written afresh over it, since the person is saving this thread now).
    const before = request.id !== undefined ? await this.readable(request.id) : undefined;
    const id = request.id ?? this.parts.newId?.() ?? globalThis.crypto.randomUUID();
    const content: ThreadContent = {
      version: THREAD_RECORD_VERSION,
      title: title ?? before?.title ?? autoTitle(turns[0]!.question),
      savedAt: before?.savedAt ?? now,
      updatedAt: now,
      turns,
    };
    checkSize(content);
    await store.putThread({ id, content });
    return summaryOf(id, content);
  }

  async list(): Promise<SavedThreadList> {
    const rows = await this.parts.store().listThreads();
    const threads: SavedThreadSummary[] = [];
    const unreadable: UnreadableThread[] = [];
    for (const row of rows) {
      const read = readRow(row);
      if ('reason' in read) unreadable.push(read);
      else threads.push(summaryOf(read.id, read.content));
    }
    threads.sort((a, b) => b.updatedAt - a.updatedAt || a.title.localeCompare(b.title));
    return { threads, unreadable };
  }

  async get(id: string): Promise<OpenedSavedThread> {
    const { content } = await this.read(id);
    const cited = content.turns.flatMap((turn) => turn.passages);
    const chunkIds = [...new Set(cited.map((p) => p.chunkId))];
    const present = new Map((await this.parts.store().getChunks(chunkIds)).map((chunk) => [chunk.id, chunk.docId]));
    // A chunk id is never handed out twice: one still there under the same document is the passage that was cited.
    const gone = new Set(cited.filter((p) => present.get(p.chunkId) !== p.documentId).map((p) => p.chunkId));
    return { ...threadOf(id, content), goneChunkIds: [...gone].sort((a, b) => a - b) };
  }

  async rename(id: string, title: string): Promise<SavedThreadSummary> {
    const checked = checkTitle(title, (reason) => new TroveError('INVALID_ARGUMENT', reason));
    const { content } = await this.read(id);
    const renamed: ThreadContent = { ...content, title: checked };
    checkSize(renamed);
    await this.parts.store().putThread({ id, content: renamed });
    return summaryOf(id, renamed);
  }

  async delete(id: string): Promise<void> {
    checkId(id);
    await this.parts.store().deleteThread(id);
  }

  /** A saved thread, readable and valid; NOT_FOUND when absent, an error naming why when it cannot be read. */
  private async read(id: string): Promise<{ id: string; content: ThreadContent }> {
    checkId(id);
    const row = await this.parts.store().getThread(id);
    if (!row) throw new TroveError('NOT_FOUND', 'This saved thread no longer exists (it was deleted).');
    const read = readRow(row);
    if ('reason' in read) {
      throw new TroveError(
        row.unreadable ? 'DECRYPT_FAILED' : 'STORAGE_FAILED',
        `This saved thread cannot be read: ${read.reason}`,
      );
    }
    return read;
  }

  private async readable(id: string): Promise<ThreadContent | undefined> {
    const row = await this.parts.store().getThread(id);
    if (!row) return undefined;
    const read = readRow(row);
    return 'reason' in read ? undefined : read.content;
  }

  private now(): number {
    return this.parts.now?.() ?? Date.now();
  }
}

function readRow(row: ThreadRow): { id: string; content: ThreadContent } | UnreadableThread {
  const id = typeof row.id === 'string' ? row.id : String(row.id);
  if (row.unreadable) return { id, reason: row.unreadable };
  if (!isThreadId(row.id)) return { id, reason: 'Its id is not one Trove makes.' };
  try {
    return { id, content: checkThreadContent(row.content, (reason) => new TroveError('STORAGE_FAILED', reason)) };
  } catch (error) {
    const reason = error instanceof TroveError ? error.message : String(error);
    return { id, reason: `It is not a valid saved thread: ${reason}.` };
  }
}

function summaryOf(id: string, content: ThreadContent): SavedThreadSummary {
  const { title, savedAt, updatedAt, turns } = content;
  return { id, title, savedAt, updatedAt, turnCount: turns.length };
}

function checkId(id: unknown): void {
  if (!isThreadId(id)) throw new TroveError('INVALID_ARGUMENT', 'A saved thread id must be a short string.');
}

function checkSize(content: ThreadContent): void {
  const bytes = new TextEncoder().encode(JSON.stringify(content)).byteLength;
  if (bytes > MAX_THREAD_BYTES) {
    const mb = (bytes / (1024 * 1024)).toFixed(1);
    throw new TroveError(
      'INVALID_ARGUMENT',
      `This thread is too large to save (${mb} MB; a saved thread holds at most 2 MB). Start a new thread and save ` +
        'it separately.',
    );
  }
}

function autoTitle(question: string): string {
  const folded = question.replace(/\s+/g, ' ').trim();
  return folded.length <= AUTO_TITLE_LENGTH ? folded : `${folded.slice(0, AUTO_TITLE_LENGTH - 1).trimEnd()}…`;
}

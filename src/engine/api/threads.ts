// Saved answer threads: a thread the user chose to keep, stored in the library (sealed under the library lock like
// documents), with the passages its answers cited copied in, so a saved answer still reads right after a document
// it cites is deleted.
import type { CheckedAnswer, GroundingDecision } from './answers.ts';

/** A passage an answer was given, as it was when the thread was saved. */
export interface SavedPassage {
  /** Its citation number in that turn's answer. */
  n: number;
  chunkId: number;
  documentId: number;
  /** The document's name or title. */
  title: string;
  /** Where in the document: "p. 3 — Methods › Sampling" (may be empty). */
  location: string;
  text: string;
  score: number;
  /** Its character range in the document's text, to open it in the viewer. */
  start: number;
  end: number;
  page?: number;
}

/** One finished question of a saved thread and what came of it. */
export interface SavedTurn {
  question: string;
  /** What was searched: the question folded with the thread before it. */
  retrievalQuery: string;
  /** 'done': answered from the passages; 'no-answer': the documents did not hold one. */
  state: 'done' | 'no-answer';
  /** The answer's text (empty when no answer was written). */
  text: string;
  checked?: CheckedAnswer;
  grounding?: GroundingDecision;
  stoppedBy?: 'eos' | 'length' | 'cancel';
  passages: SavedPassage[];
}

export interface SavedThreadSummary {
  id: string;
  title: string;
  /** When first saved, and last saved (ms since the epoch). */
  savedAt: number;
  updatedAt: number;
  turnCount: number;
}

export interface SavedThread extends SavedThreadSummary {
  turns: SavedTurn[];
}

/** A saved thread opened: its turns, and which cited passages are no longer in the library. */
export interface OpenedSavedThread extends SavedThread {
  /** Chunk ids of saved passages whose passage was deleted (or re-indexed) since: they cannot be opened. */
  goneChunkIds: number[];
}

/** A stored thread that could not be read (damaged, or not written by Trove): reported, never shown. */
export interface UnreadableThread {
  id: string;
  reason: string;
}

export interface SavedThreadList {
  /** Last saved first. */
  threads: SavedThreadSummary[];
  unreadable: UnreadableThread[];
}

export interface SaveThreadRequest {
  /** The saved thread this one continues (it is replaced); absent: saved as a new thread. */
  id?: string;
  /** Absent: the kept title, or for a new thread its first question. */
  title?: string;
  turns: SavedTurn[];
}

export interface ThreadsApi {
  /** Saves a thread (a new one, or over the saved thread it continues). LOCKED while the library is locked. */
  saveThread(request: SaveThreadRequest): Promise<SavedThreadSummary>;
  listSavedThreads(): Promise<SavedThreadList>;
  getSavedThread(id: string): Promise<OpenedSavedThread>;
  renameSavedThread(id: string, title: string): Promise<SavedThreadSummary>;
  deleteSavedThread(id: string): Promise<void>;
}

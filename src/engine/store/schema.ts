// The IndexedDB schema: the shape of the database, and its versions. Each step upgrades from the version before it;
// never edit a released step.
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type {
  ChunkRecord,
  DocumentRecord,
  DocumentText,
  OriginalFile,
  PictureRecord,
  ThreadRow,
  VectorBatch,
} from './store.ts';

export interface TermsRow {
  chunkId: number;
  docId: number;
  /** Terms joined by spaces: one string clones far faster than an array of thousands of strings. */
  terms: string;
}

export interface VectorRow extends VectorBatch {
  key?: number;
}

export interface TroveDB extends DBSchema {
  documents: { key: number; value: DocumentRecord };
  texts: { key: number; value: DocumentText };
  chunks: { key: number; value: ChunkRecord; indexes: { byDoc: number } };
  terms: { key: number; value: TermsRow; indexes: { byDoc: number } };
  vectors: { key: number; value: VectorRow; indexes: { byDoc: number; byFingerprint: string } };
  settings: { key: string; value: unknown };
  indexPages: { key: [string, string]; value: PageRow; indexes: { bySet: string } };
  changes: { key: number; value: ChangeRow };
  originals: { key: number; value: OriginalFile };
  pictures: { key: [number, number, string]; value: PictureRecord; indexes: { byFingerprint: string; byDoc: number } };
  threads: { key: string; value: ThreadRow };
}

/** One entry of the change log: the library version a write produced, and the document it touched (-1: settings). */
export interface ChangeRow {
  version: number;
  docId: number;
  /** Every document a batched write touched (docId is the first of them). */
  docIds?: number[];
}

export interface PageRow {
  set: string;
  name: string;
  bytes: Uint8Array;
}

export const SCHEMA_VERSION = 8;

type UpgradeTransaction = IDBPTransaction<TroveDB, StoreNames<TroveDB>[], 'versionchange'>;

const steps: Array<(db: IDBPDatabase<TroveDB>, tx: UpgradeTransaction) => void> = [
  // 0 → 1: documents with their text, chunks, analysed terms, binary vector batches, settings.
  (db) => {
    db.createObjectStore('documents', { keyPath: 'id', autoIncrement: true });
    db.createObjectStore('texts', { keyPath: 'docId' });
    db.createObjectStore('chunks', { keyPath: 'id', autoIncrement: true }).createIndex('byDoc', 'docId');
    db.createObjectStore('terms', { keyPath: 'chunkId' }).createIndex('byDoc', 'docId');
    const vectors = db.createObjectStore('vectors', { keyPath: 'key', autoIncrement: true });
    vectors.createIndex('byDoc', 'docId');
    vectors.createIndex('byFingerprint', 'fingerprint');
    db.createObjectStore('settings');
  },
  // 1 → 2: persisted vector indexes (flat or HNSW) as binary pages, so start-up loads instead of rebuilding.
  (db) => {
    db.createObjectStore('indexPages', { keyPath: ['set', 'name'] }).createIndex('bySet', 'set');
  },
  // 2 → 3: a change log (library version → document), so tabs sharing the library catch up with each other's
  // writes incrementally. Existing documents need no change: 'failed', attempts and error are optional.
  (db) => {
    db.createObjectStore('changes', { keyPath: 'version' });
  },
  // 3 → 4: the original file's bytes per document (docId → name, type, bytes), for the PDF page view and "open
  // original". Documents added before have none: the viewer shows their stored text.
  (db) => {
    db.createObjectStore('originals', { keyPath: 'docId' });
  },
  // 4 → 5: a change-log row may name several documents (docIds: one row per batch of small files). Nothing to
  // convert; the version step makes tabs running older code, which would read only docId, reload instead.
  () => undefined,
  // 5 → 6: pictures (docId → image-model vector and thumbnail), for image–text search. Additive: documents added
  // before have none until image search embeds them.
  (db) => {
    db.createObjectStore('pictures', { keyPath: 'docId' }).createIndex('byFingerprint', 'fingerprint');
  },
  // 6 → 7: saved answer threads (id → the thread, with the passages its answers cited). Additive.
  (db) => {
    db.createObjectStore('threads', { keyPath: 'id' });
  },
  // 7 → 8: pictures keyed [docId, n, fingerprint]: several per document (the pictures inside a PDF, DOCX or EPUB,
  // n ≥ 1) and one per image model (a model switch fills the new space while the old one serves). The picture
  // documents' rows move over as n = 0; the store is renamed first so the copy, which finishes after this step
  // returns, touches no name a later step may use.
  (db, tx) => {
    const old = tx.objectStore('pictures');
    old.name = 'pictures-v6' as 'pictures';
    const fresh = db.createObjectStore('pictures', { keyPath: ['docId', 'n', 'fingerprint'] });
    fresh.createIndex('byFingerprint', 'fingerprint');
    fresh.createIndex('byDoc', 'docId');
    // One row at a time (a library's thumbnails need not fit in memory at once). A row that cannot be keyed (no
    // fingerprint) was never readable: it is left out. Anything else aborts the upgrade, which then runs again.
    const copy = async () => {
      for (let cursor = await old.openCursor(); cursor; cursor = await cursor.continue()) {
        const row = cursor.value as Partial<PictureRecord>;
        if (typeof row.docId === 'number' && typeof row.fingerprint === 'string')
          await fresh.put({ ...row, n: 0 } as PictureRecord);
      }
      db.deleteObjectStore('pictures-v6' as 'pictures');
    };
    copy().catch(() => tx.abort());
  },
];

/** Runs the steps from oldVersion up to `to` (the current version; tests build older databases with a lower one). */
export function migrate(
  db: IDBPDatabase<TroveDB>,
  oldVersion: number,
  tx: UpgradeTransaction,
  to: number = SCHEMA_VERSION,
): void {
  for (let version = oldVersion; version < to; version++) steps[version](db, tx);
}

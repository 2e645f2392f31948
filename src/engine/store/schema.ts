// IndexedDB schema versions. Each step upgrades from the version before it; never edit a released step.
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { TroveDB } from './indexeddb-store.ts';

export const SCHEMA_VERSION = 4;

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
];

export function migrate(db: IDBPDatabase<TroveDB>, oldVersion: number, tx: UpgradeTransaction): void {
  for (let version = oldVersion; version < SCHEMA_VERSION; version++) steps[version](db, tx);
}

// What the engine needs from where it runs (the worker, Node for the CLI and benchmarks, a test): storage, the model
// loaders, cross-tab coordination and the few browser facilities it must not reach for itself.
import type { EmbedderLoader } from './embed/embedder-backend.ts';
import type { FileParsingOptions } from './ingest/file-parsing.ts';
import type { LibraryChannel } from './library/channel.ts';
import type { WriterLock } from './library/writer-lock.ts';
import type { ChunkFn, ParseFn } from './services/ingest-pipeline.ts';
import type { StorageProbe } from './services/library-backup.ts';
import type { Transfer } from './services/library-editing.ts';
import type { ImageModelLoader } from './embed/image-model-holder.ts';
import type { RerankerLoader } from './services/rerank-service.ts';
import type { FuseFn } from './services/search.ts';
import type { StaleListener, Store } from './store/store.ts';

export interface EngineDependencies {
  openStore: (options: { onStale: StaleListener }) => Promise<Store>;
  loadEmbedder: EmbedderLoader;
  /** Swappable stages (tests, other formats); the defaults are the production ones. */
  parse?: ParseFn;
  chunk?: ChunkFn;
  fuse?: FuseFn;
  /** Cross-tab coordination; defaults: Web Locks (or an in-process lock) and a BroadcastChannel, per library name. */
  lock?: WriterLock;
  channel?: LibraryChannel;
  /** Names the lock and channel: engines on the same library must share it. */
  libraryName?: string;
  /** Quiet time after the last write before the keyword index snapshot is written (default 2 s). */
  snapshotDelayMs?: number;
  /** Loads the cross-encoder reranker (absent: reranking is unavailable). */
  loadReranker?: RerankerLoader;
  /**
   * Forget everything: deletes the library's databases once the engine has closed its store, and says what it
   * removed (the worker deletes every IndexedDB database of the origin). Keeps the engine free of browser APIs.
   */
  wipeStorage?: () => Promise<string[]>;
  /** The default parse step's OCR recognizer factory (called on first use) and PDF asset URLs. */
  parsing?: FileParsingOptions;
  /** The browser's storage estimate (navigator.storage in the worker); none: space is never checked. */
  storage?: StorageProbe;
  /** Written into exported .trove files. */
  appVersion?: string;
  /** Moves an original file's bytes to the page instead of copying them (the worker's comlink transfer). */
  transfer?: Transfer;
  /** Loads the image–text model (absent: image search is unavailable). */
  loadImageModel?: ImageModelLoader;
}

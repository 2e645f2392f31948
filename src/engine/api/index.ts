// The one typed API the engine offers (in the worker via comlink, and directly in Node): the union of one interface
// per domain, each in its own file beside this one with the types it speaks in. Type-only: the page imports these
// types from here, and values from ../public.ts.
import type { BackupApi } from './backup.ts';
import type { ContextApi } from './context.ts';
import type { EvaluationApi } from './evaluation.ts';
import type { FolderSyncApi } from './folders.ts';
import type { HealthApi } from './health.ts';
import type { IngestApi } from './ingest.ts';
import type { LibraryApi } from './library.ts';
import type { MapApi } from './map.ts';
import type { PicturesApi } from './pictures.ts';
import type { ModelsApi } from './models.ts';
import type { PrivacyApi } from './privacy.ts';
import type { RerankApi } from './rerank.ts';
import type { SearchApi } from './search.ts';
import type { SessionApi } from './session.ts';
import type { SettingsApi } from './settings.ts';
import type { ThreadsApi } from './threads.ts';

export type { DocumentFormat, FieldValue, SearchMode, TextBlock } from '../core/types.ts';
export type * from './answers.ts';
export type * from './backup.ts';
export type * from './context.ts';
export type * from './evaluation.ts';
export type * from './folders.ts';
export type * from './health.ts';
export type * from './ingest.ts';
export type * from './library.ts';
export type * from './map.ts';
export type * from './model-spec.ts';
export type * from './models.ts';
export type * from './pictures.ts';
export type * from './privacy.ts';
export type * from './redaction.ts';
export type * from './rerank.ts';
export type * from './search.ts';
export type * from './session.ts';
export type * from './settings.ts';
export type * from './threads.ts';

export interface TroveApi
  extends
    SessionApi,
    SettingsApi,
    ModelsApi,
    IngestApi,
    LibraryApi,
    SearchApi,
    RerankApi,
    ContextApi,
    EvaluationApi,
    HealthApi,
    PrivacyApi,
    MapApi,
    BackupApi,
    FolderSyncApi,
    PicturesApi,
    ThreadsApi {}

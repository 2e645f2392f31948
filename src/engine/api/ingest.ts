// Adding files: what the page sends, the progress of each job, and the preview of table and JSON files.
import type { ErrorInfo } from '../core/errors.ts';
import type { FieldValue } from '../core/types.ts';

export interface FileInput {
  /** Client-chosen id, used for progress and cancel. */
  jobId: string;
  name: string;
  type: string;
  data: ArrayBuffer;
  /** Collection to add to (default: the default collection). */
  collection?: string;
  /** File.lastModified. */
  lastModified?: number;
  /** Folder path within a dropped folder. */
  folder?: string;
  /**
   * When a document with the same name but other content is in the collection: 'replace' it (atomically, once the
   * new version is complete), or 'keep-both'. Unset: the file is skipped and reported, so the user can choose.
   * The same content is always skipped unless 'keep-both'.
   */
  onDuplicate?: 'replace' | 'keep-both';
  /** Replace this document of the collection (a folder's file that changed), whatever its name or content. */
  replaces?: number;
  /** Redact PII in this file (overrides the redactPii setting for this ingest). */
  redact?: boolean;
  /** CSV/TSV/JSON: the fields the user chose as text in the preview (the others become metadata). */
  textFields?: string[];
}

export type IngestStage =
  | 'queued'
  | 'parsing'
  | 'chunking'
  | 'embedding'
  | 'indexing'
  | 'done'
  | 'failed'
  | 'cancelled'
  /** Not added: the same file is already in the collection, or another version of it is (see duplicateOf). */
  | 'skipped';

export interface IngestProgress {
  jobId: string;
  fileName: string;
  stage: IngestStage;
  /** 0..1 within the whole file. */
  fraction: number;
  chunksDone?: number;
  chunksTotal?: number;
  /** Of chunksTotal, passages whose vector was reused from the version this one replaced (same text). */
  chunksReused?: number;
  documentId?: number;
  error?: ErrorInfo;
  /** e.g. "embedding skipped: model unavailable". */
  note?: string;
  /** Set when the engine started this job itself (resuming an interrupted document, or a Retry). */
  resumed?: boolean;
  /** For 'skipped': the document already in the collection, and whether it has the same bytes or only the same name. */
  duplicateOf?: { id: number; name: string; reason: 'same-content' | 'same-name' };
  /** Bytes of the original file, on jobs the engine started itself (the page knows the size of the files it sent). */
  size?: number;
}

/** When pages are OCR'd: never, only pages without a text layer (scans), or every page. */
export type OcrMode = 'never' | 'no-text-layer' | 'always';

/** What a user sees before ingesting a table or JSON file: its fields, the default text fields, a few rows. */
export interface RecordPreview {
  fields: string[];
  suggestedTextFields: string[];
  rows: Record<string, FieldValue>[];
  /** Records seen while previewing (the preview stops after SAMPLE_RECORDS). */
  sampled: number;
}

/** The text fields of a stored table or JSON document, and whether they can be changed. */
export interface StructuredFields {
  documentId: number;
  /** Every field of its records (from the kept original; without one, only the metadata fields). */
  fields: string[];
  /** The fields indexed as text now (empty when unknown: no kept original). */
  textFields: string[];
  suggestedTextFields: string[];
  /** The first records, for the chooser (empty without a kept original). */
  rows: Record<string, FieldValue>[];
  /** False when the original file was not kept: its fields cannot be read again. */
  canChange: boolean;
  /** Why it cannot be changed, in words for the user. */
  reason?: string;
}

export interface IngestApi {
  ingest(files: FileInput[], onProgress: (progress: IngestProgress) => void): Promise<IngestProgress[]>;
  /** Progress of every job, including those the engine starts itself (resume, retry). */
  onJobProgress(listener: (progress: IngestProgress) => void): Promise<void>;
  /** Indexes a failed document again from its stored text (continuing after its stored chunks). */
  retryDocument(id: number): Promise<IngestProgress>;
  cancel(jobId: string): Promise<void>;
  /** A CSV/TSV/JSON/JSONL file's fields and first rows, with the suggested text fields, before it is added. */
  previewRecords(data: ArrayBuffer, fileName: string): Promise<RecordPreview>;
  /** A stored table or JSON document's fields: which are text, and whether that can be changed. */
  getStructuredFields(documentId: number): Promise<StructuredFields>;
  /** Indexes a table or JSON document again from its kept original with these text fields (replacing it). */
  setStructuredFields(documentId: number, textFields: string[]): Promise<IngestProgress>;
}

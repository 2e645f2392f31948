// Plain data shapes shared by every engine stage. No DOM, no React: these cross the worker boundary.

/** Formats the ingest pipeline understands. */
export type DocumentFormat = 'pdf' | 'markdown' | 'html' | 'text';

/** A structural span of a parsed document, as offsets into `ParsedDocument.text`. */
export interface TextBlock {
  start: number;
  end: number;
  kind: 'heading' | 'paragraph';
  /** Heading level 1-6 (only for kind 'heading'). */
  level?: number;
  /** 1-based PDF page the block sits on. */
  page?: number;
}

/** What a parser returns: the plain text a user will see, plus its structure. */
export interface ParsedDocument {
  format: DocumentFormat;
  text: string;
  /** Headings and paragraphs in document order; offsets into `text`, non-overlapping. */
  blocks: TextBlock[];
  title?: string;
  pageCount?: number;
  /** Non-fatal notes for the user (e.g. "page 3 has no text layer"). */
  warnings?: string[];
}

export interface Parser {
  /** Short name for messages, e.g. "PDF". */
  readonly name: string;
  readonly format: DocumentFormat;
  /** Whether this parser handles a file with this name (lower-cased extension) and MIME type. */
  accepts(fileName: string, mimeType: string): boolean;
  /** Throws a TroveError (code PARSE_FAILED / EMPTY_DOCUMENT / UNSUPPORTED_FORMAT) on bad input. */
  parse(data: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ParsedDocument>;
}

/** A passage cut from a document, before it is stored. */
export interface ChunkDraft {
  text: string;
  /** Character offsets into the parsed document text: text === doc.text.slice(start, end). */
  start: number;
  end: number;
  /** Headings above this chunk, outermost first. */
  headingPath: string[];
  /** 1-based page of the chunk's first character (PDF only). */
  page?: number;
  /** Tokens by the embedding model's tokenizer (or the estimate used when no model is loaded). */
  tokenCount: number;
}

export interface ChunkerOptions {
  /** Upper bound on tokens per chunk (the model's budget, minus special tokens and prefix). */
  maxTokens: number;
  /** Tokens repeated from the end of the previous chunk at the start of the next one. */
  overlapTokens: number;
  countTokens: (text: string) => number;
  /** Upper bound on characters per chunk (default maxTokens × 8): WordPiece counts a long unknown word as one token. */
  maxChars?: number;
}

export interface Chunker {
  chunk(doc: ParsedDocument, options: ChunkerOptions): ChunkDraft[];
}

/** One scored item in a ranked list. */
export interface Hit {
  id: number;
  score: number;
}

/** Predicate over chunk ids, applied during search (not after). */
export type IdFilter = (id: number) => boolean;

export interface VectorIndex {
  readonly dims: number;
  readonly size: number;
  /** vectors holds ids.length rows of `dims` floats, L2-normalised. */
  add(ids: ArrayLike<number>, vectors: Float32Array): void;
  remove(ids: ArrayLike<number>): void;
  has(id: number): boolean;
  search(query: Float32Array, k: number, filter?: IdFilter): Hit[];
}

export interface LexicalIndex {
  readonly size: number;
  /** Adds a document's analysed terms (repeats kept: they are the term frequencies). */
  add(id: number, terms: readonly string[]): void;
  remove(id: number): void;
  has(id: number): boolean;
  search(queryTerms: readonly string[], k: number, filter?: IdFilter): Hit[];
}

export type SearchMode = 'hybrid' | 'semantic' | 'keyword';

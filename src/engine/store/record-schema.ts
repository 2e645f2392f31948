// Field-by-field validation of the library's records (documents, texts and their blocks, chunks): of those a .trove
// file carries (untrusted input), and of those the store reads back (written by older versions, or damaged on disk).
// Every field is checked for its type and range, unknown keys are dropped, and the record returned is a fresh
// object holding only known fields. Numbers that end up in other systems (the pgvector
// export writes them into SQL) must be what they claim to be: whole, finite, in range.
import { isErrorCode, type TroveError } from '../core/errors.ts';
import type { DocumentFormat, FieldValue, TextBlock } from '../core/types.ts';
import type { PiiType, RedactionSummary } from '../api/redaction.ts';
import type { ChunkRecord, DocumentRecord, DocumentStatus, DocumentText } from './store.ts';

type Fail = (reason: string) => TroveError;

/** Largest value of a Postgres `integer` column (page, row and offsets are exported as integers). */
export const MAX_INT32 = 0x7fffffff;
/** Ids are unsigned 32-bit (vector batches store them in a Uint32Array). */
export const MAX_ID = 0xffffffff;

const FORMATS = {
  pdf: true,
  markdown: true,
  html: true,
  text: true,
  docx: true,
  csv: true,
  json: true,
  epub: true,
  code: true,
  image: true,
} as const satisfies Record<DocumentFormat, true>;
const STATUSES = { ingesting: true, ready: true, failed: true } as const satisfies Record<DocumentStatus, true>;
const BLOCK_KINDS = { heading: true, paragraph: true, record: true, code: true } as const satisfies Record<
  TextBlock['kind'],
  true
>;
const PII_TYPES = {
  email: true,
  'email-spelled': true,
  phone: true,
  card: true,
  iban: true,
  ssn: true,
  ip: true,
  custom: true,
} as const satisfies Record<PiiType, true>;

export function isRecordObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A whole number in [min, max] (never NaN, ±Infinity or a fraction). */
export function isWhole(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function oneOf<T extends string>(table: Record<T, true>, value: unknown): value is T {
  return typeof value === 'string' && Object.hasOwn(table, value);
}

/** Reads one record's fields, naming the record and the field in every refusal. */
class Fields {
  constructor(
    private readonly value: Record<string, unknown>,
    private readonly what: string,
    private readonly fail: Fail,
  ) {}

  private refuse(key: string, expected: string): never {
    throw this.fail(`${this.what} has an invalid “${key}” (${expected}, got ${describe(this.value[key])})`);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  string(key: string): string {
    const v = this.value[key];
    return typeof v === 'string' ? v : this.refuse(key, 'expected text');
  }

  whole(key: string, min: number, max: number): number {
    const v = this.value[key];
    return isWhole(v, min, max) ? v : this.refuse(key, `expected a whole number from ${min} to ${max}`);
  }

  date(key: string): number {
    const v = this.value[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.refuse(key, 'expected a date as a finite number');
  }

  strings(key: string): string[] {
    const v = this.value[key];
    return isStringArray(v) ? [...v] : this.refuse(key, 'expected a list of texts');
  }

  oneOf<T extends string>(key: string, table: Record<T, true>): T {
    const v = this.value[key];
    return oneOf(table, v) ? v : this.refuse(key, `expected one of ${Object.keys(table).join(', ')}`);
  }

  fieldValues(key: string): Record<string, FieldValue> {
    const v = this.value[key];
    if (!isRecordObject(v)) this.refuse(key, 'expected an object of plain values');
    const entries = Object.entries(v);
    for (const [name, item] of entries) {
      const plain =
        item === null ||
        typeof item === 'string' ||
        typeof item === 'boolean' ||
        (typeof item === 'number' && Number.isFinite(item));
      if (!plain)
        throw this.fail(
          `${this.what} has an invalid “${key}.${name}” (expected text, a finite number, true, false or null)`,
        );
    }
    // fromEntries defines own properties: a "__proto__" key stays a plain key, never a prototype.
    return Object.fromEntries(entries) as Record<string, FieldValue>;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `text of ${value.length} characters`;
  return `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

function fieldsOf(value: unknown, what: string, fail: Fail): Fields {
  if (!isRecordObject(value)) throw fail(`${what} is not an object`);
  return new Fields(value, what, fail);
}

/** A document record, with only its known fields. */
export function checkDocument(value: unknown, fail: Fail): DocumentRecord {
  const f = fieldsOf(value, 'a document record', fail);
  const id = f.whole('id', 0, MAX_ID);
  const d = fieldsOf(value, `document ${id}`, fail);
  const doc: DocumentRecord = {
    id,
    name: d.string('name'),
    format: d.oneOf('format', FORMATS),
    size: d.whole('size', 0, Number.MAX_SAFE_INTEGER),
    addedAt: d.date('addedAt'),
    status: d.oneOf('status', STATUSES),
    chunkCount: d.whole('chunkCount', 0, MAX_ID),
  };
  if (d.has('attempts')) doc.attempts = d.whole('attempts', 0, MAX_INT32);
  if (d.has('error')) doc.error = checkErrorInfo((value as Record<string, unknown>).error, id, fail);
  if (d.has('collection')) doc.collection = checkCollectionId(d.string('collection'), `document ${id}`, fail);
  if (d.has('tags')) doc.tags = d.strings('tags');
  if (d.has('sha256')) doc.sha256 = d.string('sha256');
  if (d.has('modifiedAt')) doc.modifiedAt = d.date('modifiedAt');
  if (d.has('mimeType')) doc.mimeType = d.string('mimeType');
  if (d.has('folder')) doc.folder = d.string('folder');
  if (d.has('language')) doc.language = d.string('language');
  if (d.has('replaces')) doc.replaces = d.whole('replaces', 0, MAX_ID);
  if (d.has('pageCount')) doc.pageCount = d.whole('pageCount', 0, MAX_INT32);
  if (d.has('title')) doc.title = d.string('title');
  if (d.has('warnings')) doc.warnings = d.strings('warnings');
  if (d.has('redactions')) doc.redactions = checkRedactions((value as Record<string, unknown>).redactions, id, fail);
  return doc;
}

function checkErrorInfo(value: unknown, docId: number, fail: Fail): DocumentRecord['error'] {
  const f = fieldsOf(value, `the error of document ${docId}`, fail);
  const code = (value as Record<string, unknown>).code;
  if (!isErrorCode(code)) throw fail(`the error of document ${docId} has an unknown code`);
  return { code, message: f.string('message') };
}

function checkRedactions(value: unknown, docId: number, fail: Fail): RedactionSummary {
  const what = `the redaction summary of document ${docId}`;
  const f = fieldsOf(value, what, fail);
  const counts = (value as Record<string, unknown>).counts;
  if (!isRecordObject(counts)) throw fail(`${what} has no valid “counts”`);
  const c = new Fields(counts, `${what}'s counts`, fail);
  const checkedCounts = {} as Record<PiiType, number>;
  for (const type of Object.keys(PII_TYPES) as PiiType[])
    checkedCounts[type] = c.has(type) ? c.whole(type, 0, MAX_ID) : 0;
  const positions = (value as Record<string, unknown>).positions;
  if (!Array.isArray(positions)) throw fail(`${what} has no valid “positions” (expected a list)`);
  const checkedPositions = positions.map((pair): [number, number] => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      !isWhole(pair[0], 0, MAX_INT32) ||
      !isWhole(pair[1], pair[0], MAX_INT32)
    )
      throw fail(`${what} has an invalid position (expected [start, end] with 0 ≤ start ≤ end)`);
    return [pair[0], pair[1]];
  });
  return {
    total: f.whole('total', 0, MAX_ID),
    counts: checkedCounts,
    positions: checkedPositions,
    inName: f.whole('inName', 0, MAX_ID),
  };
}

/** A document's text and its blocks (offsets inside the text). */
export function checkText(value: unknown, docId: number, fail: Fail): DocumentText {
  const f = fieldsOf(value, `the text of document ${docId}`, fail);
  if ((value as Record<string, unknown>).docId !== docId)
    throw fail(`the text of document ${docId} names another document`);
  const text = f.string('text');
  const blocks = (value as Record<string, unknown>).blocks;
  if (!Array.isArray(blocks)) throw fail(`the text of document ${docId} has no list of blocks`);
  return {
    docId,
    text,
    blocks: blocks.map((block, i) => checkBlock(block, `block ${i} of document ${docId}`, text.length, fail)),
  };
}

function checkBlock(value: unknown, what: string, textLength: number, fail: Fail): TextBlock {
  const f = fieldsOf(value, what, fail);
  const start = f.whole('start', 0, textLength);
  const block: TextBlock = { start, end: f.whole('end', start, textLength), kind: f.oneOf('kind', BLOCK_KINDS) };
  if (f.has('level')) block.level = f.whole('level', 1, 6);
  if (f.has('page')) block.page = f.whole('page', 1, MAX_INT32);
  if (f.has('row')) block.row = f.whole('row', 1, MAX_INT32);
  if (f.has('fields')) block.fields = f.fieldValues('fields');
  return block;
}

/** A chunk with its terms, belonging to docId. */
export function checkChunk(value: unknown, docId: number, fail: Fail): ChunkRecord & { terms: string[] } {
  const chunk = checkChunkRecord(value, docId, fail);
  return { ...chunk, terms: fieldsOf(value, `chunk ${chunk.id} of document ${docId}`, fail).strings('terms') };
}

/** A stored chunk record, belonging to docId. */
export function checkChunkRecord(value: unknown, docId: number, fail: Fail): ChunkRecord {
  const first = fieldsOf(value, `a chunk of document ${docId}`, fail);
  const id = first.whole('id', 0, MAX_ID);
  const what = `chunk ${id} of document ${docId}`;
  const f = fieldsOf(value, what, fail);
  if ((value as Record<string, unknown>).docId !== docId) throw fail(`${what} names another document`);
  const start = f.whole('start', 0, MAX_INT32);
  const chunk: ChunkRecord = {
    id,
    docId,
    text: f.string('text'),
    start,
    end: f.whole('end', start, MAX_INT32),
    headingPath: f.strings('headingPath'),
    tokenCount: f.whole('tokenCount', 0, MAX_INT32),
  };
  if (f.has('page')) chunk.page = f.whole('page', 1, MAX_INT32);
  if (f.has('row')) chunk.row = f.whole('row', 1, MAX_INT32);
  if (f.has('fields')) chunk.fields = f.fieldValues('fields');
  return chunk;
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A collection id: non-empty text of at most 200 characters, without control characters, never a reserved key. */
export function checkCollectionId(id: string, what: string, fail: Fail): string {
  if (id.length === 0 || id.length > 200 || /[\u0000-\u001f\u007f]/.test(id) || RESERVED_KEYS.has(id))
    throw fail(`${what} names an invalid collection id (${JSON.stringify(id.slice(0, 40))})`);
  return id;
}

// Export to PostgreSQL + pgvector: one SQL script that creates the extension and a table (a vector(d) column
// and payload columns), loads every passage, then builds an HNSW index with vector_cosine_ops (cosine distance
// <=> ranks as Trove's dot product on normalised vectors). Data as multi-row INSERTs (any client: psql, a driver,
// PGlite) or as COPY ... FROM stdin (psql only; faster on big libraries). Loading steps: docs/qdrant-pgvector.md.
import { TroveError } from '../core/errors.ts';
import { vectorText } from './float-text.ts';
import { MAX_INT32 } from '../store/record-schema.ts';
import type { ExportPassage } from './passages.ts';

export interface PgvectorOptions {
  dims: number;
  /** Table name: a plain identifier. */
  table?: string;
  data?: 'insert' | 'copy';
  /** Rows per INSERT statement. */
  rowsPerInsert?: number;
  /** Build the HNSW index (after loading: faster than maintaining it row by row). */
  index?: boolean;
  /** A comment line at the top, e.g. what library this came from. */
  comment?: string;
}

const COLUMNS = [
  'id',
  'document_id',
  'document',
  'title',
  'page',
  'heading_path',
  'tags',
  'start_offset',
  'end_offset',
  'content',
  'embedding',
];

export async function* pgvectorSql(
  passages: AsyncIterable<ExportPassage>,
  options: PgvectorOptions,
): AsyncGenerator<string> {
  const table = options.table ?? 'trove_passages';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `The table name “${table}” is not a plain lower-case SQL identifier (a-z, 0-9, _).`,
    );
  }
  const { dims } = options;
  if (!Number.isInteger(dims) || dims <= 0 || dims > 16000)
    throw new TroveError('INVALID_ARGUMENT', `dims must be 1..16000, got ${dims}.`);
  const data = options.data ?? 'insert';
  const rowsPerInsert = options.rowsPerInsert ?? 200;
  if (options.comment) yield `-- ${options.comment.replace(/[\r\n]+/g, ' ')}\n`;
  yield `SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\nCREATE EXTENSION IF NOT EXISTS vector;\nBEGIN;\n`;
  yield `CREATE TABLE ${table} (
  id bigint PRIMARY KEY,
  document_id bigint NOT NULL,
  document text NOT NULL,
  title text,
  page integer,
  heading_path text[] NOT NULL,
  tags text[] NOT NULL,
  start_offset integer NOT NULL,
  end_offset integer NOT NULL,
  content text NOT NULL,
  embedding vector(${dims}) NOT NULL
);\n`;
  const columns = COLUMNS.join(', ');
  if (data === 'copy') {
    yield `COPY ${table} (${columns}) FROM stdin;\n`;
    for await (const passage of passages) yield copyRow(passage, dims) + '\n';
    yield '\\.\n';
  } else {
    let rows: string[] = [];
    const flush = () => {
      const statement = `INSERT INTO ${table} (${columns}) VALUES\n${rows.join(',\n')};\n`;
      rows = [];
      return statement;
    };
    for await (const passage of passages) {
      rows.push(insertRow(passage, dims));
      if (rows.length >= rowsPerInsert) yield flush();
    }
    if (rows.length > 0) yield flush();
  }
  yield `COMMIT;\n`;
  if (options.index !== false) {
    yield `CREATE INDEX ${table}_embedding_hnsw ON ${table} USING hnsw (embedding vector_cosine_ops);\n`;
  }
  yield `ANALYZE ${table};\n`;
}

/**
 * Every number is written into the SQL text as it is, so each must be a whole number in its column's range:
 * anything else (a string, NaN, a fraction) is refused before one character of the row is written.
 */
function checkPassage(p: ExportPassage, dims: number): void {
  const refuse = (what: string) =>
    new TroveError(
      'INVALID_ARGUMENT',
      `Passage ${JSON.stringify(String(p.id)).slice(0, 40)} cannot be exported: ${what}.`,
    );
  const whole = (value: unknown, min: number, max: number): value is number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
  if (!whole(p.id, 0, Number.MAX_SAFE_INTEGER)) throw refuse('its id is not a whole number ≥ 0');
  if (!whole(p.documentId, 0, Number.MAX_SAFE_INTEGER)) throw refuse('its document id is not a whole number ≥ 0');
  if (p.page !== undefined && !whole(p.page, 1, MAX_INT32))
    throw refuse(`its page is not a whole number from 1 to ${MAX_INT32}`);
  if (!whole(p.start, 0, MAX_INT32) || !whole(p.end, p.start, MAX_INT32))
    throw refuse(`its offsets are not whole numbers with 0 ≤ start ≤ end ≤ ${MAX_INT32}`);
  const isText = (value: unknown) => typeof value === 'string';
  if (!isText(p.documentName) || !isText(p.text) || (p.title !== undefined && !isText(p.title)))
    throw refuse('its document name, title or text is not text');
  if (!Array.isArray(p.headingPath) || !p.headingPath.every(isText))
    throw refuse('its heading path is not a list of texts');
  if (!Array.isArray(p.tags) || !p.tags.every(isText)) throw refuse('its tags are not a list of texts');
  if (!(p.vector instanceof Float32Array)) throw refuse('its vector is not a Float32Array');
  if (p.vector.length !== dims) throw refuse(`it has a ${p.vector.length}-d vector; the table is vector(${dims})`);
  if (!p.vector.every(Number.isFinite)) throw refuse('its vector holds a NaN or infinite component');
}

/** Postgres text cannot hold NUL; every other character is kept. */
function pgText(text: string): string {
  return text.replace(/\0/g, '\uFFFD');
}

/** A string constant; with standard_conforming_strings on (set above) only the quote needs doubling. */
function literal(text: string): string {
  return `'${pgText(text).replace(/'/g, "''")}'`;
}

function insertRow(p: ExportPassage, dims: number): string {
  checkPassage(p, dims);
  const array = (items: string[]) => (items.length ? `ARRAY[${items.map(literal).join(',')}]` : `'{}'::text[]`);
  const values = [
    String(p.id),
    String(p.documentId),
    literal(p.documentName),
    p.title === undefined ? 'NULL' : literal(p.title),
    p.page === undefined ? 'NULL' : String(p.page),
    array(p.headingPath),
    array(p.tags),
    String(p.start),
    String(p.end),
    literal(p.text),
    `'${vectorText(p.vector)}'`,
  ];
  return `(${values.join(',')})`;
}

/** A field of COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyField(text: string): string {
  return pgText(text).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** An array literal {"a","b"} (elements quoted, " and \ escaped), then escaped as a COPY field. */
function copyArray(items: string[]): string {
  return copyField(`{${items.map((item) => `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`);
}

function copyRow(p: ExportPassage, dims: number): string {
  checkPassage(p, dims);
  return [
    String(p.id),
    String(p.documentId),
    copyField(p.documentName),
    p.title === undefined ? '\\N' : copyField(p.title),
    p.page === undefined ? '\\N' : String(p.page),
    copyArray(p.headingPath),
    copyArray(p.tags),
    String(p.start),
    String(p.end),
    copyField(p.text),
    vectorText(p.vector),
  ].join('\t');
}

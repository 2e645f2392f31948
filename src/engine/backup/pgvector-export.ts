// Export to PostgreSQL + pgvector: one SQL script that creates the extension and a table (a vector(d) column
// and payload columns), loads every passage, then builds an HNSW index with vector_cosine_ops (cosine distance
// <=> ranks as Trove's dot product on normalised vectors). Data as multi-row INSERTs (any client: psql, a driver,
// PGlite) or as COPY ... FROM stdin (psql only; faster on big libraries). Loading steps: docs/qdrant-pgvector.md.
import { TroveError } from '../core/errors.ts';
import { vectorText } from './float-text.ts';
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

function checkDims(passage: ExportPassage, dims: number): void {
  if (passage.vector.length !== dims) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `Passage ${passage.id} has a ${passage.vector.length}-d vector; the table is vector(${dims}).`,
    );
  }
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
  checkDims(p, dims);
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
  checkDims(p, dims);
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

// CSV/TSV via papaparse: the first row names the fields; each data row becomes a 'record' block whose text is its
// text fields, the other fields kept as metadata. Rows are consumed one at a time (papaparse `step`), so a large
// file never exists as an array of row objects.
import Papa from 'papaparse';
import { TroveError, throwIfAborted } from '../../core/errors.ts';
import type { FieldValue, ParsedDocument, Parser } from '../../core/types.ts';
import { RecordWriter, SAMPLE_RECORDS, type RecordOptions, suggestTextFields } from './records.ts';
import { decodeText, extensionOf, hasText } from './text.ts';
import type { RecordPreview } from '../../api/ingest.ts';

const CSV_EXTENSIONS = new Set(['.csv', '.tsv', '.tab']);
const CSV_MIME = new Set(['text/csv', 'text/tab-separated-values', 'application/csv', 'text/x-csv']);

/** 1-based line of a character offset (only on the error path: one scan). */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function headerName(name: string, index: number): string {
  const t = name.trim();
  return t || `column ${index + 1}`;
}

interface RowSink {
  (row: number, record: Record<string, FieldValue>): boolean | void;
}

/** Streams rows of a table to `sink` (return false to stop). Throws PARSE_FAILED on an unterminated quote. */
function readRows(text: string, fileName: string, sink: RowSink, signal?: AbortSignal): { mismatched: number } {
  // .tsv is always tab-separated; otherwise papaparse guesses (',' ';' '\t' '|': European CSVs use ';').
  const tab = extensionOf(fileName) === '.tsv' || extensionOf(fileName) === '.tab';
  let row = 0;
  let mismatched = 0;
  let fatal: TroveError | undefined;
  let cancelled = false;
  Papa.parse<Record<string, string | undefined> & { __parsed_extra?: string[] }>(text, {
    header: true,
    skipEmptyLines: 'greedy',
    ...(tab ? { delimiter: '\t' } : {}),
    transformHeader: headerName,
    step(results, parser) {
      for (const e of results.errors) {
        if (e.code === 'MissingQuotes') {
          const at = typeof e.index === 'number' ? ` (line ${lineAt(text, e.index)})` : '';
          fatal = new TroveError(
            'PARSE_FAILED',
            `“${fileName}”: a quoted field is never closed${at}. Check the quotes in that row.`,
          );
          parser.abort();
          return;
        }
        if (e.type === 'FieldMismatch') mismatched++;
      }
      row++;
      if (row % 1000 === 0 && signal?.aborted) {
        cancelled = true;
        parser.abort();
        return;
      }
      const { __parsed_extra: extra, ...data } = results.data;
      const record: Record<string, FieldValue> = {};
      for (const [k, v] of Object.entries(data)) record[k] = v ?? null;
      if (extra?.length) record['extra'] = extra.join(', ');
      if (sink(row, record) === false) parser.abort();
    },
  });
  if (cancelled) throw new TroveError('CANCELLED');
  if (fatal) throw fatal;
  return { mismatched };
}

/** Fields, suggested text fields and the first rows, for the choice a user makes before ingest. */
export function previewTable(data: Uint8Array, fileName: string, maxRows = 20): RecordPreview {
  const { text } = decodeText(data);
  const sample: Record<string, FieldValue>[] = [];
  const fields = new Set<string>();
  readRows(text, fileName, (_row, record) => {
    sample.push(record);
    for (const k of Object.keys(record)) fields.add(k);
    return sample.length < SAMPLE_RECORDS;
  });
  return {
    fields: [...fields],
    suggestedTextFields: suggestTextFields(sample, [...fields]),
    rows: sample.slice(0, maxRows),
    sampled: sample.length,
  };
}

export class CsvParser implements Parser {
  readonly name = 'CSV';
  readonly format = 'csv' as const;

  constructor(private readonly options: RecordOptions = {}) {}

  accepts(fileName: string, mimeType: string): boolean {
    return CSV_EXTENSIONS.has(extensionOf(fileName)) || CSV_MIME.has(mimeType.toLowerCase());
  }

  async parse(data: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ParsedDocument> {
    throwIfAborted(signal);
    const decoded = decodeText(data);
    if (!hasText(decoded.text)) throw new TroveError('EMPTY_DOCUMENT');
    const writer = new RecordWriter(this.options);
    const { mismatched } = readRows(decoded.text, fileName, (row, record) => writer.add(row, record), signal);
    const { text, blocks, warnings } = writer.finish();
    if (blocks.length === 0) {
      throw new TroveError(
        'EMPTY_DOCUMENT',
        `“${fileName}” has no rows with text to index (fields: ${writer.fields.join(', ') || 'none'}).`,
      );
    }
    if (mismatched > 0)
      warnings.push(
        `${mismatched} ${mismatched === 1 ? 'row has' : 'rows have'} more or fewer fields than the header.`,
      );
    warnings.unshift(...decoded.warnings);
    return { format: 'csv', text, blocks, ...(warnings.length ? { warnings } : {}) };
  }
}

export const csvParser = new CsvParser();

// Preview of a table or JSON file before it is added: its fields, first rows and the suggested text fields, so the
// user can choose which fields are text (indexed) and which are metadata.
import { TroveError } from '../core/errors.ts';
import { previewJson } from './parsers/json.ts';
import { previewTable } from './parsers/csv.ts';
import { EXTENSION_FORMAT } from './parsers/extensions.ts';
import { extensionOf } from './parsers/text.ts';
import type { RecordPreview } from '../api/ingest.ts';

export function previewRecords(data: Uint8Array, fileName: string): RecordPreview {
  const format = EXTENSION_FORMAT[extensionOf(fileName)];
  if (format === 'csv') return previewTable(data, fileName);
  if (format === 'json') return previewJson(data, fileName);
  throw new TroveError(
    'UNSUPPORTED_FORMAT',
    `“${fileName}” is not a CSV, TSV, JSON or JSONL file, so it has no fields to preview.`,
  );
}

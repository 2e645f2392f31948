// JSON and JSON Lines: each object becomes a 'record' block (text fields as text, the rest as metadata).
// A JSON file may be an array of objects, an object holding one such array ({"items": [...]}) or a single object.
import { TroveError, throwIfAborted } from '../../core/errors.ts';
import type { FieldValue, ParsedDocument, Parser } from '../../core/types.ts';
import { lineAt } from './csv.ts';
import { RecordWriter, SAMPLE_RECORDS, flattenObject, suggestTextFields, type RecordOptions } from './records.ts';
import { decodeText, extensionOf, hasText } from './text.ts';
import type { RecordPreview } from '../../api/ingest.ts';

const JSONL_EXTENSIONS = new Set(['.jsonl', '.ndjson']);

/**
 * Offset where JSON syntax first goes wrong. Only called after JSON.parse failed: V8's messages do not always
 * carry a position ("Unexpected token '}', ... is not valid JSON"), and a user needs the line.
 */
export function jsonErrorOffset(s: string): number {
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (depth: number): void => {
    if (depth > 10_000) fail();
    ws();
    const c = s[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (s[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (s[i] !== '"') fail();
          string();
          ws();
          if (s[i] !== ':') fail();
          i++;
        }
        value(depth + 1);
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)/.exec(s.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  const string = () => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s.charCodeAt(i) < 0x20) fail();
      i += s[i] === '\\' ? 2 : 1;
    }
    if (i >= s.length) fail();
    i++;
  };
  try {
    value(0);
    ws();
    return i < s.length ? i : -1;
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, s.length);
    throw at;
  }
}

function syntaxError(fileName: string, text: string, error: unknown, lineOffset = 0): TroveError {
  const at = jsonErrorOffset(text);
  const line = at >= 0 ? lineAt(text, at) + lineOffset : lineOffset || 1;
  const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new TroveError('PARSE_FAILED', `“${fileName}” is not valid JSON at line ${line}: ${detail}`, { cause: error });
}

/** The records of a parsed JSON value: an array, the one array-of-objects property, or the value itself. */
function recordsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') {
    const arrays = Object.values(value).filter(
      (v) => Array.isArray(v) && v.length > 0 && v.every((x) => x !== null && typeof x === 'object'),
    );
    if (arrays.length === 1) return arrays[0] as unknown[];
  }
  return [value];
}

function isJsonLines(fileName: string, mimeType = ''): boolean {
  return JSONL_EXTENSIONS.has(extensionOf(fileName)) || /ndjson|jsonl|json-seq/.test(mimeType.toLowerCase());
}

/** Calls `sink(row, record)` per object; rows are 1-based lines (JSONL) or positions in the array (JSON). */
function readRecords(
  text: string,
  fileName: string,
  sink: (row: number, record: Record<string, FieldValue>) => boolean | void,
  signal?: AbortSignal,
): void {
  if (isJsonLines(fileName)) {
    let line = 0;
    for (let start = 0; start <= text.length;) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      line++;
      const raw = text.slice(start, end);
      start = end + 1;
      if (!raw.trim()) continue;
      if (line % 1000 === 0) throwIfAborted(signal);
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        throw syntaxError(fileName, raw, error, line - 1);
      }
      if (sink(line, flattenObject(value)) === false) return;
    }
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw syntaxError(fileName, text, error);
  }
  const records = recordsOf(value);
  for (let i = 0; i < records.length; i++) {
    if (i % 1000 === 999) throwIfAborted(signal);
    if (sink(i + 1, flattenObject(records[i])) === false) return;
  }
}

export function previewJson(data: Uint8Array, fileName: string, maxRows = 20): RecordPreview {
  const { text } = decodeText(data);
  const sample: Record<string, FieldValue>[] = [];
  const fields = new Set<string>();
  readRecords(text, fileName, (_row, record) => {
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

export class JsonParser implements Parser {
  readonly name = 'JSON';
  readonly format = 'json' as const;

  constructor(private readonly options: RecordOptions = {}) {}

  accepts(fileName: string, mimeType: string): boolean {
    const mime = mimeType.toLowerCase();
    return extensionOf(fileName) === '.json' || isJsonLines(fileName, mime) || mime === 'application/json';
  }

  async parse(data: Uint8Array, fileName: string, signal?: AbortSignal): Promise<ParsedDocument> {
    throwIfAborted(signal);
    const decoded = decodeText(data);
    if (!hasText(decoded.text)) throw new TroveError('EMPTY_DOCUMENT');
    const writer = new RecordWriter(this.options);
    readRecords(decoded.text.replace(/^\ufeff/, ''), fileName, (row, record) => writer.add(row, record), signal);
    const { text, blocks, warnings } = writer.finish();
    if (blocks.length === 0) {
      throw new TroveError(
        'EMPTY_DOCUMENT',
        `“${fileName}” has no objects with text to index (fields: ${writer.fields.join(', ') || 'none'}).`,
      );
    }
    warnings.unshift(...decoded.warnings);
    return { format: 'json', text, blocks, ...(warnings.length ? { warnings } : {}) };
  }
}

export const jsonParser = new JsonParser();

// Rows and objects (CSV/TSV, JSON/JSONL) → one 'record' block each: chosen text fields become the passage text,
// the other fields travel on the block as metadata. Shared by the table and JSON parsers.
import type { FieldValue, TextBlock } from '../../core/types.ts';

/** A string field counts as text by default when some value of it has at least this many words. */
export const TEXT_FIELD_MIN_WORDS = 4;
/** How many records the default text-field choice looks at (cheap on huge files, stable on small ones). */
export const SAMPLE_RECORDS = 200;

export interface RecordOptions {
  /** Fields whose values form the searchable text; unset: `suggestTextFields` over the first records. */
  textFields?: readonly string[];
}

function wordCount(s: string): number {
  const m = s.trim().match(/\S+/g);
  return m ? m.length : 0;
}

/**
 * Default text fields: string fields with a value of at least TEXT_FIELD_MIN_WORDS words in the sample.
 * When none qualifies (a table of short labels), every field holding a non-numeric string does, so that short
 * rows are still searchable by keyword.
 */
export function suggestTextFields(records: readonly Record<string, FieldValue>[], fields: readonly string[]): string[] {
  const long: string[] = [];
  const stringy: string[] = [];
  for (const field of fields) {
    let isLong = false;
    let isString = false;
    for (const r of records) {
      const v = r[field];
      if (typeof v !== 'string' || v.trim() === '') continue;
      if (!/^[-+]?[\d.,:/ %$€£]+$/.test(v.trim())) isString = true; // numbers, dates, money stay metadata
      if (wordCount(v) >= TEXT_FIELD_MIN_WORDS) {
        isLong = true;
        break;
      }
    }
    if (isLong) long.push(field);
    else if (isString) stringy.push(field);
  }
  return long.length > 0 ? long : stringy;
}

/** Nested objects become dotted keys ("author.name"); arrays of scalars are joined with ", ". */
export function flattenObject(
  value: unknown,
  prefix = '',
  out: Record<string, FieldValue> = {},
): Record<string, FieldValue> {
  if (value === null || typeof value !== 'object') {
    out[prefix || 'value'] = value === undefined ? null : (value as FieldValue);
    return out;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object')) {
      out[prefix || 'value'] = value.map((v) => String(v)).join(', ');
    } else {
      value.forEach((v, i) => flattenObject(v, prefix ? `${prefix}.${i}` : String(i), out));
    }
    return out;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0 && prefix) out[prefix] = null;
  for (const [k, v] of entries) flattenObject(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

/** Appends records to one text as 'record' blocks, separated by blank lines. */
export class RecordWriter {
  private readonly parts: string[] = [];
  private length = 0;
  readonly blocks: TextBlock[] = [];
  private textFields: Set<string> | undefined;
  /** Records held back until the default text fields are known. */
  private pending: { row: number; record: Record<string, FieldValue> }[] = [];
  /** Every field name seen, in first-seen order. */
  readonly fields: string[] = [];
  private readonly seen = new Set<string>();
  skippedEmpty = 0;

  constructor(options: RecordOptions = {}) {
    if (options.textFields) this.textFields = new Set(options.textFields);
  }

  get chosenTextFields(): string[] {
    return this.textFields ? [...this.textFields] : [];
  }

  add(row: number, record: Record<string, FieldValue>): void {
    for (const k of Object.keys(record)) {
      if (!this.seen.has(k)) {
        this.seen.add(k);
        this.fields.push(k);
      }
    }
    if (this.textFields) {
      this.write(row, record);
      return;
    }
    this.pending.push({ row, record });
    if (this.pending.length >= SAMPLE_RECORDS) this.flushPending();
  }

  private flushPending(): void {
    if (!this.textFields) {
      this.textFields = new Set(
        suggestTextFields(
          this.pending.map((p) => p.record),
          this.fields,
        ),
      );
    }
    for (const p of this.pending) this.write(p.row, p.record);
    this.pending = [];
  }

  private write(row: number, record: Record<string, FieldValue>): void {
    const texts: string[] = [];
    const fields: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(record)) {
      if (this.textFields!.has(k) && typeof v === 'string') {
        const t = v.replace(/\r\n?/g, '\n').trim();
        if (t) texts.push(t);
      } else if (this.textFields!.has(k) && v !== null && v !== '') {
        texts.push(String(v)); // a chosen text field holding a number still reads as text
      } else {
        fields[k] = v;
      }
    }
    if (texts.length === 0) {
      this.skippedEmpty++;
      return;
    }
    const text = texts.join('\n');
    if (this.length > 0) this.emit('\n\n');
    this.blocks.push({ start: this.length, end: this.length + text.length, kind: 'record', row, fields });
    this.emit(text);
  }

  finish(): { text: string; blocks: TextBlock[]; warnings: string[] } {
    this.flushPending();
    const warnings: string[] = [];
    if (this.skippedEmpty > 0) {
      const n = this.skippedEmpty;
      warnings.push(
        `${n} ${n === 1 ? 'record has' : 'records have'} no text in the text fields (${this.chosenTextFields.join(', ') || 'none'}) and ${n === 1 ? 'is' : 'are'} not searchable.`,
      );
    }
    return { text: this.parts.join(''), blocks: this.blocks, warnings };
  }

  private emit(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }
}

// PII redaction before indexing: detected emails, phone numbers, card numbers, IBANs, SSNs, IP addresses and
// user-defined patterns are replaced by typed placeholders ([EMAIL], [CARD] …) in a parsed document, before it is
// chunked, embedded or stored, so the original values never reach IndexedDB. The report says what was redacted and
// where (offsets in the redacted text), never the values.
//
// Every detector is linear in the text length; overlaps between detectors are settled by a fixed priority
// (custom patterns first: the user asked for them; then the checksummed types; phone numbers last, as the
// loosest), using a coverage map, so the whole pass stays linear.
import { TroveError } from '../core/errors.ts';
import type { FieldValue, ParsedDocument, TextBlock } from '../core/types.ts';
import { cardDetector } from './detect/card.ts';
import { customDetector } from './detect/custom.ts';
import { emailDetector } from './detect/email.ts';
import { ibanDetector } from './detect/iban.ts';
import { ipDetector } from './detect/ip.ts';
import { normalizeForDetection, originalSpan } from './detect/normalize.ts';
import { phoneDetector } from './detect/phone.ts';
import { ssnDetector } from './detect/ssn.ts';
import { spelledEmailDetector } from './detect/spelled-email.ts';
import { BUILTIN_PII_TYPES, PLACEHOLDERS, type Detector, type PiiMatch } from './pii.ts';
import type { BuiltinPiiType, CustomPatternSpec, PiiType } from '../api/redaction.ts';

export interface RedactionOptions {
  /** Built-in detectors to run (default: all of them). */
  types?: readonly BuiltinPiiType[];
  /** User-defined patterns, redacted as [CUSTOM]. */
  custom?: readonly CustomPatternSpec[];
}

/** One redaction, as a span of the redacted text (it covers the placeholder). */
export interface RedactionItem {
  type: PiiType;
  start: number;
  end: number;
  /** The custom pattern's label. */
  label?: string;
}

export interface RedactionReport {
  total: number;
  counts: Record<PiiType, number>;
  /** In text order; offsets into the redacted text. */
  items: RedactionItem[];
  /** Redactions in the document title (the title is not part of the text, so they have no offsets). */
  titleCount: number;
  /** Redactions in record fields and warnings (stored beside the text, so they have no offsets either). */
  besideCount: number;
}

export interface RedactedText {
  text: string;
  /** The replaced spans, in text order: the input to offset remapping. */
  edits: Edit[];
  items: RedactionItem[];
}

/** A replaced span: [start, end) of the original became [newStart, newStart + placeholder length) of the output. */
export interface Edit {
  start: number;
  end: number;
  newStart: number;
  newEnd: number;
}

/** Detectors in priority order: on overlap, the earlier one keeps the span. */
const BUILTIN_ORDER: ReadonlyArray<readonly [BuiltinPiiType, Detector]> = [
  ['email', emailDetector],
  ['email-spelled', spelledEmailDetector],
  ['iban', ibanDetector],
  ['card', cardDetector],
  ['ssn', ssnDetector],
  ['ip', ipDetector],
  ['phone', phoneDetector],
];

/** A compiled set of detectors: build once per ingest (custom patterns are validated here), apply to many documents. */
export class Redactor {
  private readonly detectors: Detector[];

  constructor(options: RedactionOptions = {}) {
    const types = options.types ?? BUILTIN_PII_TYPES;
    for (const type of types) {
      if (!BUILTIN_PII_TYPES.includes(type)) {
        throw new TroveError('INVALID_ARGUMENT', `Unknown PII type "${type}"; valid: ${BUILTIN_PII_TYPES.join(', ')}.`);
      }
    }
    this.detectors = [
      ...(options.custom ?? []).map(customDetector),
      ...BUILTIN_ORDER.filter(([type]) => types.includes(type)).map(([, detector]) => detector),
    ];
  }

  /**
   * Finds the spans to redact: non-overlapping, in text order, as offsets into `text`. The detectors read the
   * normalised text (see normalizeForDetection); their matches are mapped back onto the original characters.
   */
  detect(text: string): PiiMatch[] {
    const norm = normalizeForDetection(text);
    const found = this.detectNormalized(norm.text);
    if (!norm.from) return found;
    const out: PiiMatch[] = [];
    let last = 0;
    for (const match of found) {
      const [first, end] = originalSpan(norm, match.start, match.end);
      const start = Math.max(first, last); // two matches inside one expanded character ("ﬁ" -> "fi") must not overlap
      if (end <= start) continue;
      out.push({ ...match, start, end });
      last = end;
    }
    return out;
  }

  private detectNormalized(text: string): PiiMatch[] {
    const accepted: PiiMatch[] = [];
    let covered: Uint8Array | undefined; // allocated on the first match only
    for (const detector of this.detectors) {
      const found: PiiMatch[] = [];
      detector.find(text, found);
      // Within one detector: earlier start first, then the longer span.
      found.sort((a, b) => a.start - b.start || b.end - a.end);
      for (const match of found) {
        covered ??= new Uint8Array(text.length);
        let free = true;
        for (let i = match.start; i < match.end; i++) {
          if (covered[i]) {
            free = false;
            break;
          }
        }
        if (!free) continue;
        covered.fill(1, match.start, match.end);
        accepted.push(match);
      }
    }
    return accepted.sort((a, b) => a.start - b.start);
  }

  redactText(text: string): RedactedText {
    const matches = this.detect(text);
    const parts: string[] = [];
    const edits: Edit[] = [];
    const items: RedactionItem[] = [];
    let from = 0;
    let length = 0;
    for (const match of matches) {
      parts.push(text.slice(from, match.start));
      length += match.start - from;
      const placeholder = PLACEHOLDERS[match.type];
      const edit = { start: match.start, end: match.end, newStart: length, newEnd: length + placeholder.length };
      edits.push(edit);
      items.push(
        match.label === undefined
          ? { type: match.type, start: edit.newStart, end: edit.newEnd }
          : { type: match.type, start: edit.newStart, end: edit.newEnd, label: match.label },
      );
      parts.push(placeholder);
      length += placeholder.length;
      from = match.end;
    }
    parts.push(text.slice(from));
    return { text: parts.join(''), edits, items };
  }

  /**
   * Redacts a string stored beside the text (a field, a folder, a warning), counting what it replaced into `counts`.
   * `context` is read by the detectors but never redacted or returned: a field's name ("phone: 4155552671") is the
   * cue that makes a bare number read as what it is.
   */
  redactBeside(value: string, counts: Record<PiiType, number>, context = ''): string {
    const whole = context + value;
    const matches = this.detect(whole).filter((m) => m.end > context.length);
    if (matches.length === 0) return value;
    let out = '';
    let from = 0;
    for (const match of matches) {
      const start = Math.max(0, match.start - context.length);
      out += value.slice(from, start) + PLACEHOLDERS[match.type];
      from = match.end - context.length;
      counts[match.type]++;
    }
    return out + value.slice(from);
  }

  /**
   * Redacts a parsed document: its text (block offsets remapped onto the redacted text), its title, and every string
   * stored beside the text (record fields, names and values; warnings). Returns a new document; the input is not
   * changed.
   */
  redactDocument(parsed: ParsedDocument): { document: ParsedDocument; report: RedactionReport } {
    const body = this.redactText(parsed.text);
    const title = parsed.title === undefined ? undefined : this.redactText(parsed.title);
    const beside = emptyCounts();
    const blocks = remapBlocks(parsed.blocks, body.edits, body.text).map((block) =>
      block.fields ? { ...block, fields: this.redactFields(block.fields, beside) } : block,
    );
    const document: ParsedDocument = { ...parsed, text: body.text, blocks };
    if (title) document.title = title.text;
    if (parsed.warnings) document.warnings = parsed.warnings.map((w) => this.redactBeside(w, beside));
    return { document, report: makeReport(body.items, title?.items.length ?? 0, beside) };
  }

  /**
   * A record's non-text fields, names and values redacted. Numbers and booleans are read as text too (a phone or
   * card number is often a JSON number); a redacted one is stored as the redacted string.
   */
  private redactFields(
    fields: Record<string, FieldValue>,
    counts: Record<PiiType, number>,
  ): Record<string, FieldValue> {
    const out: Record<string, FieldValue> = {};
    for (const [key, value] of Object.entries(fields)) {
      let name = this.redactBeside(key, counts);
      // Two names redacted alike ("[EMAIL]") must not overwrite each other.
      for (let n = 2; Object.hasOwn(out, name); n++) name = `${this.redactBeside(key, emptyCounts())} (${n})`;
      if (value === null || typeof value === 'boolean') {
        out[name] = value;
        continue;
      }
      const text = String(value);
      const redacted = this.redactBeside(text, counts, `${key}: `);
      out[name] = redacted === text ? value : redacted;
    }
    return out;
  }
}

/** Convenience: one document, options compiled on the spot. */
export function redactDocument(
  parsed: ParsedDocument,
  options: RedactionOptions = {},
): { document: ParsedDocument; report: RedactionReport } {
  return new Redactor(options).redactDocument(parsed);
}

export function redactText(text: string, options: RedactionOptions = {}): { text: string; report: RedactionReport } {
  const result = new Redactor(options).redactText(text);
  return { text: result.text, report: makeReport(result.items, 0, emptyCounts()) };
}

export function emptyCounts(): Record<PiiType, number> {
  return { email: 0, 'email-spelled': 0, phone: 0, card: 0, iban: 0, ssn: 0, ip: 0, custom: 0 };
}

function makeReport(items: RedactionItem[], titleCount: number, beside: Record<PiiType, number>): RedactionReport {
  const counts = { ...beside };
  let besideCount = 0;
  for (const type of Object.keys(beside) as PiiType[]) besideCount += beside[type];
  for (const item of items) counts[item.type]++;
  return { total: items.length + titleCount + besideCount, counts, items, titleCount, besideCount };
}

/**
 * Moves block offsets onto the redacted text. A redaction belongs to the block it starts in: a block whose start
 * falls inside a redaction begins after the placeholder (re-trimmed), a block whose end falls inside one ends after
 * it. Blocks stay ordered, non-overlapping and trimmed; a block left empty (all of it inside another block's
 * redaction) is dropped. Linear: blocks and edits are both sorted.
 */
export function remapBlocks(blocks: readonly TextBlock[], edits: readonly Edit[], text: string): TextBlock[] {
  const out: TextBlock[] = [];
  let e = 0; // first edit that ends after the current position
  const map = (pos: number): number => {
    while (e < edits.length && edits[e].end <= pos) e++;
    const edit = edits[e];
    if (edit && edit.start < pos) return edit.newEnd; // inside a redaction: after its placeholder
    const prev = e > 0 ? edits[e - 1] : undefined; // the last redaction before pos sets the shift
    return prev ? pos + prev.newEnd - prev.end : pos;
  };
  let lastEnd = 0;
  for (const block of blocks) {
    let start = Math.max(map(block.start), lastEnd);
    const end = map(block.end);
    while (start < end && /\s/.test(text[start])) start++;
    if (start >= end) continue;
    out.push({ ...block, start, end });
    lastEnd = end;
  }
  return out;
}

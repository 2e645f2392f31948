// PII redaction before indexing: detected emails, phone numbers, card numbers, IBANs, SSNs, IP addresses and
// user-defined patterns are replaced by typed placeholders ([EMAIL], [CARD] …) in a parsed document, before it is
// chunked, embedded or stored, so the original values never reach IndexedDB. The report says what was redacted and
// where (offsets in the redacted text), never the values.
//
// Every detector is linear in the text length; overlaps between detectors are settled by a fixed priority
// (custom patterns first: the user asked for them; then the checksummed types; phone numbers last, as the
// loosest), using a coverage map, so the whole pass stays linear.
import { TroveError } from '../core/errors.ts';
import type { ParsedDocument, TextBlock } from '../core/types.ts';
import { cardDetector } from './detect/card.ts';
import { customDetector } from './detect/custom.ts';
import { emailDetector } from './detect/email.ts';
import { ibanDetector } from './detect/iban.ts';
import { ipDetector } from './detect/ip.ts';
import { phoneDetector } from './detect/phone.ts';
import { ssnDetector } from './detect/ssn.ts';
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

  /** Finds the spans to redact: non-overlapping, in text order. */
  detect(text: string): PiiMatch[] {
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
   * Redacts a parsed document: its text (block offsets remapped onto the redacted text) and its title.
   * Returns a new document; the input is not changed.
   */
  redactDocument(parsed: ParsedDocument): { document: ParsedDocument; report: RedactionReport } {
    const body = this.redactText(parsed.text);
    const title = parsed.title === undefined ? undefined : this.redactText(parsed.title);
    const document: ParsedDocument = {
      ...parsed,
      text: body.text,
      blocks: remapBlocks(parsed.blocks, body.edits, body.text),
    };
    if (title) document.title = title.text;
    return { document, report: makeReport(body.items, title?.items.length ?? 0) };
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
  return { text: result.text, report: makeReport(result.items, 0) };
}

function makeReport(items: RedactionItem[], titleCount: number): RedactionReport {
  const counts = { email: 0, phone: 0, card: 0, iban: 0, ssn: 0, ip: 0, custom: 0 } satisfies Record<PiiType, number>;
  for (const item of items) counts[item.type]++;
  return { total: items.length + titleCount, counts, items, titleCount };
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

// PII redaction as settings and reports see it: the kinds of PII, user patterns, and what was redacted in a document.

export type BuiltinPiiType = 'email' | 'email-spelled' | 'phone' | 'card' | 'iban' | 'ssn' | 'ip';
export type PiiType = BuiltinPiiType | 'custom';

export interface CustomPatternSpec {
  /** A label for reports and messages, e.g. "employee id" (never the matched value). */
  label: string;
  /** JavaScript regular expression source, without slashes. */
  pattern: string;
  /** Any of 'i', 'u', 's', 'm'. */
  flags?: string;
}

/** The per-document redaction report as stored: counts per type, and where the placeholders are in the stored text. */
export interface RedactionSummary {
  total: number;
  counts: Record<PiiType, number>;
  /** [start, end) of each placeholder in the stored (redacted) text. */
  positions: Array<[number, number]>;
  /** Redactions in the file name and title (no positions in the text). */
  inName: number;
}

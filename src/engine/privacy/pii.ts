// What a PII detector finds: a typed span of the original text. Detectors never return the matched value
// on its own, only where it is, so nothing downstream can log or store it by accident.
import type { BuiltinPiiType, PiiType } from '../api/redaction.ts';

export const BUILTIN_PII_TYPES: readonly BuiltinPiiType[] = [
  'email',
  'email-spelled',
  'phone',
  'card',
  'iban',
  'ssn',
  'ip',
];

/** The detectors on by default: spelled-out addresses ("jane at example dot com") are opt-in, prose can look like one. */
export const DEFAULT_PII_TYPES: readonly BuiltinPiiType[] = BUILTIN_PII_TYPES.filter((t) => t !== 'email-spelled');

export const PLACEHOLDERS: Record<PiiType, string> = {
  email: '[EMAIL]',
  'email-spelled': '[EMAIL]',
  phone: '[PHONE]',
  card: '[CARD]',
  iban: '[IBAN]',
  ssn: '[SSN]',
  ip: '[IP]',
  custom: '[CUSTOM]',
};

/** A detected span [start, end) of the text the detector was given. */
export interface PiiMatch {
  type: PiiType;
  start: number;
  end: number;
  /** For custom patterns: the user's label of the pattern (never the matched value). */
  label?: string;
}

export interface Detector {
  readonly type: PiiType;
  /** Appends every match in `text` to `out`, in order, non-overlapping. Must run in time linear in text.length. */
  find(text: string, out: PiiMatch[]): void;
}

export const isDigit = (code: number): boolean => code >= 48 && code <= 57;

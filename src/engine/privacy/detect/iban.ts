// IBANs: two-letter country code, two check digits, then the national account number to the exact length that
// country uses (table below), printed with or without single spaces or dashes (at most one line break among them:
// a wrapped IBAN), in either case; valid only if the ISO 13616 mod-97 check holds.
import { isDigit, type Detector, type PiiMatch } from '../pii.ts';

/** Total IBAN length by country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

// Only the start is found by the regex; the rest is read in code up to the country's length (bounded, so linear).
const START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g;

export const ibanDetector: Detector = {
  type: 'iban',
  find(text: string, out: PiiMatch[]): void {
    START.lastIndex = 0;
    for (let m = START.exec(text); m !== null; m = START.exec(text)) {
      const length = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()];
      if (length === undefined) continue;
      const end = readIban(text, m.index, length);
      if (end > 0) {
        out.push({ type: 'iban', start: m.index, end });
        START.lastIndex = end;
      }
    }
  },
};

/** End offset of an IBAN of `length` characters starting at `start` (single separators allowed between), or 0. */
function readIban(text: string, start: number, length: number): number {
  let compact = '';
  let i = start;
  let sep = '';
  let breaks = 0;
  while (compact.length < length && i < text.length) {
    const ch = text[i]!;
    if (isAlnum(ch)) {
      compact += ch.toUpperCase();
      i++;
    } else if (
      (ch === ' ' || ch === '-' || ch === '\n') &&
      compact.length > 0 &&
      i + 1 < text.length &&
      isAlnum(text[i + 1]!)
    ) {
      if (ch === '\n') breaks++;
      else if (sep && ch !== sep)
        break; // one kind of separator
      else sep = ch;
      if (breaks > 1) break;
      i++;
    } else {
      break;
    }
  }
  if (compact.length !== length) return 0;
  if (i < text.length && /[A-Za-z0-9]/.test(text[i]!)) return 0; // longer than the country's IBAN
  return isValidIban(compact) ? i : 0;
}

const isAlnum = (ch: string) => (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');

/** ISO 13616: known country, its exact length, check digits 02-98, and the mod-97 remainder 1. */
export function isValidIban(compact: string): boolean {
  const iban = compact.replace(/ /g, '');
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const check = Number(iban.slice(2, 4));
  if (check < 2 || check > 98) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const code = rearranged.charCodeAt(i);
    if (isDigit(code)) {
      remainder = (remainder * 10 + (code - 48)) % 97;
    } else {
      const value = code - 55; // A=10 ... Z=35: two digits
      remainder = (remainder * 100 + value) % 97;
    }
  }
  return remainder === 1;
}

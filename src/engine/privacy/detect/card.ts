// Payment card numbers: 13-19 digits, optionally grouped by spaces, dashes or dots (one kind; the normaliser has
// folded runs of spaces), at most one line break among them (a number wrapped across lines), passing the Luhn check
// and starting with an issuer prefix of the matching length. The prefix table turns away most numbers that only
// look like cards (order numbers, ids): Luhn alone accepts one random number in ten.
import { isDigit, type Detector, type PiiMatch } from '../pii.ts';

// Linear: a match starts only where a digit run starts; backtracking is bounded by the 19-digit cap.
const CANDIDATE = /(?<![\w.-])\d(?:[ .\n-]?\d){12,18}(?!\w)/g;

export const cardDetector: Detector = {
  type: 'card',
  find(text: string, out: PiiMatch[]): void {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const length = cardLength(m[0]);
      if (length > 0) {
        out.push({ type: 'card', start: m.index, end: m.index + length });
        CANDIDATE.lastIndex = m.index + length;
      } else {
        // "Qty 12 4111 1111 1111 1111": retry from the next group, whose start the lookbehind allows.
        const gap = m[0].search(/[ .\n-]/);
        if (gap > 0) CANDIDATE.lastIndex = m.index + gap + 1;
      }
    }
  },
};

/**
 * Length of the longest card number at the start of `candidate` that ends at a group boundary (the whole candidate,
 * or fewer trailing groups: "4111 1111 1111 1111 123" holds a card followed by another number), or 0.
 */
function cardLength(candidate: string): number {
  const kinds = new Set(candidate.match(/[ .-]/g));
  if (kinds.size > 1) return 0; // mixed separators: not a printed card
  const breaks = candidate.split('\n').length - 1;
  if (breaks > 1) return 0; // a column of numbers, not one wrapped number
  const sep = kinds.size > 0 ? [...kinds][0]! : breaks > 0 ? '\n' : '';
  // A line break stands for the separator the number uses (or for none in an ungrouped number).
  const groups = sep ? candidate.split(/[ .\n-]/) : [candidate];
  for (let n = groups.length; n >= 1; n--) {
    const kept = groups.slice(0, n);
    const digits = kept.join('');
    if (digits.length < 13) break;
    // Printed cards group by 4 (Amex 4-6-5, some 4-6-4 or 5-5-5-4): no group under 3 digits.
    if (n > 1 && sep !== '\n' && kept.some((g) => g.length < 3 || g.length > 7)) continue;
    if (sep === '\n' && n < groups.length) continue; // a wrapped ungrouped number is all or nothing
    if (isCardNumber(digits)) return digits.length + n - 1;
  }
  return 0;
}

/** Whether a digit string is a plausible card number: length, issuer prefix and Luhn checksum. */
export function isCardNumber(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  for (let i = 0; i < digits.length; i++) if (!isDigit(digits.charCodeAt(i))) return false;
  return knownIssuer(digits) && luhnValid(digits);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Issuer identification number ranges (first digits) with the lengths each network issues. */
function knownIssuer(d: string): boolean {
  const n = d.length;
  const p2 = Number(d.slice(0, 2));
  const p3 = Number(d.slice(0, 3));
  const p4 = Number(d.slice(0, 4));
  if (d[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if (p2 >= 51 && p2 <= 55) return n === 16; // Mastercard
  if (p4 >= 2221 && p4 <= 2720) return n === 16; // Mastercard 2-series
  if (p4 >= 2200 && p4 <= 2204) return n >= 16; // Mir
  if (p2 === 34 || p2 === 37) return n === 15; // American Express
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14; // Diners Club
  if (p4 >= 3528 && p4 <= 3589) return n >= 16; // JCB
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || p2 === 62) return n >= 16; // Discover, UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 13; // Maestro and other debit
  return false;
}

// Phone numbers: E.164 (+14155552671), international (+44 20 7946 0958, +1 (415) 555-2671) and common national
// groupings (415-555-2671, (020) 7946 0958, 06 12 34 56 78, 415.555.2671, 030/12345678; en dashes arrive as '-'
// from the normaliser), and a bare digit string right after a phone word ("mobile: 4155552671").
//
// Numbers are everywhere in documents, so the candidate pattern is broad and the decision is made in code:
// a '+' or a parenthesised area code makes a number a phone; without them it needs at least two groups and must
// not read as a date (2024-01-15, 15.01.2024), a year range (1999-2004), a decimal (3.14159265), a thousands
// grouping (1 234 567, unless a phone word such as "tel" stands just before it), or an ISBN/order/version number.
// The pattern has no nested quantifiers, and a match may not start right after a word character, digit, '+', '#',
// '.', '-', '/', ':' or '@' (the lookbehind), so scanning is linear in the text length.
import { isDigit, type Detector, type PiiMatch } from '../pii.ts';

const SEP = '[ .\\-\\u00A0/]';
/** No phone format has more groups; the bound keeps every candidate short, so retries stay linear. */
const MAX_GROUPS = 7;
const CANDIDATE = new RegExp(
  `(?<![\\w+#.\\-/:@$€£])\\+?(?:\\d+${SEP}?)?(?:\\(\\d{1,5}\\)${SEP}?)?\\d+(?:${SEP}\\d+){0,${MAX_GROUPS}}`,
  'g',
);

/** Words that make a bare grouping (e.g. 612 345 678) read as a phone number. */
const PHONE_CUE = /(?:phone|tel|tél|mobile|mob\.|cell|fax|call|whatsapp|sms|contact)/i;
/** Words right before a number that make it something else. */
const OTHER_CUE =
  /(?:isbn|issn|doi|order|invoice|ticket|ref|serial|version|ver\.|build|id|no\.|nr\.|page|pp\.|art\.|§)[\s:#.]*$/i;
/** A phone word right before the number (with an optional "number"/"no." and colon): makes a bare digit string one. */
const PHONE_LABEL =
  /(?:phone|tel|tél|telephone|mobile|mob|cell|handy|fax|whatsapp|sms)\.?(?:[ \t]*(?:number|num\.?|#))?[ \t]*[:.]?[ \t]*$/i;
const CONTEXT = 40;

export const phoneDetector: Detector = {
  type: 'phone',
  find(text: string, out: PiiMatch[]): void {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const start = m.index;
      const before = text.slice(Math.max(0, start - CONTEXT), start);
      // The candidate may run on into other numbers ("+44 20 7946 0958 192.168.1.20"): try it whole, then without
      // its trailing groups, longest first.
      let found = 0;
      for (const length of prefixLengths(m[0])) {
        const end = start + length;
        if (end < text.length && /[\w@%°]/.test(text[end])) continue; // 555-1234abc, 12.5%: not a phone
        if (isPhone(m[0].slice(0, length), before)) {
          found = length;
          break;
        }
      }
      if (found > 0) {
        out.push({ type: 'phone', start, end: start + found });
        CANDIDATE.lastIndex = start + found;
      } else {
        // A phone may start at a later group: "room 12 0612 345 678" fails as a whole. Retry from the next group
        // (each character is retried at most MAX_GROUPS times, so this stays linear).
        const next = m[0].search(/[ \u00A0]\+?\(?\d/);
        if (next > 0) CANDIDATE.lastIndex = start + next + 1;
      }
    }
  },
};

/**
 * Lengths of the candidate cut before each space, longest first. Cuts fall only between space-separated tokens,
 * never inside one, so "2024-01-15 …" cannot shrink to a phone-like "2024-01".
 */
function prefixLengths(candidate: string): number[] {
  const ends = [candidate.length];
  for (let i = candidate.length - 1; i > 0; i--) {
    if ((candidate[i] === ' ' || candidate[i] === '\u00A0') && isDigit(candidate.charCodeAt(i - 1))) ends.push(i);
  }
  return ends;
}

/** Decides whether a candidate (see CANDIDATE) is a phone number, given up to 40 characters of text before it. */
export function isPhone(candidate: string, before: string): boolean {
  const groups: string[] = [];
  const seps = new Set<string>();
  let digits = 0;
  let run = '';
  for (let i = 0; i < candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    if (isDigit(code)) {
      run += candidate[i];
      digits++;
      continue;
    }
    if (run) groups.push(run);
    run = '';
    const ch = candidate[i];
    if (ch !== '+' && ch !== '(' && ch !== ')') seps.add(ch === '\u00A0' ? ' ' : ch);
  }
  if (run) groups.push(run);
  if (digits < 7 || digits > 15) return false;

  // A date or year range inside the run ("15.01.2024 10 30", "1999-2004 42") makes it a date, not a phone.
  const tokens = candidate.split(/[ \u00A0]/).map((token) => token.split(/[./-]/));
  if (tokens.some((groups) => looksLikeDate(groups) || looksLikeYearRange(groups))) return false;

  const plus = candidate.startsWith('+');
  const paren = candidate.includes('(');
  if (plus) return digits >= 8 && !looksLikeDate(groups);
  if (paren) return !looksLikeDate(groups);

  if (OTHER_CUE.test(before)) return false;
  // 030/12345678: a slash only once, right after an area code with its trunk 0 (so never 15/01/2024 or 2023/24).
  if (seps.has('/')) {
    const slash = candidate.indexOf('/');
    if (candidate.indexOf('/', slash + 1) >= 0 || slash !== groups[0]!.length) return false;
    if (!/^0\d{1,4}$/.test(groups[0]!) || seps.size > 2 || digits < 8) return false;
  }
  if (groups.length === 1) return digits >= 8 && PHONE_LABEL.test(before);
  if (groups.length > 6) return false; // bare digit strings are ids far more often than phones
  if (seps.size === 1 && seps.has('.') && groups.length < 3) return false; // 3.14159265
  if (looksLikeDate(groups) || looksLikeYearRange(groups)) return false;
  if (looksLikeThousands(groups, seps) && !PHONE_CUE.test(before)) return false;
  return true;
}

function looksLikeDate(groups: string[]): boolean {
  if (groups.length !== 3 && groups.length !== 4) return false; // 4: a date followed by a time or a year suffix
  const [a, b, c] = groups.map((g) => g.length);
  const small = (n: number) => n === 1 || n === 2;
  const dateShape = (a === 4 && small(b) && small(c)) || (small(a) && small(b) && (c === 4 || c === 2));
  if (!dateShape) return false;
  const [x, y] = a === 4 ? [Number(groups[1]), Number(groups[2])] : [Number(groups[0]), Number(groups[1])];
  // day/month or month/day, either way both within calendar bounds
  return x >= 1 && y >= 1 && ((x <= 12 && y <= 31) || (x <= 31 && y <= 12));
}

function looksLikeYearRange(groups: string[]): boolean {
  return groups.length === 2 && groups.every((g) => g.length === 4 && Number(g) >= 1000 && Number(g) <= 2999);
}

/** 1 234 567 or 1.234.567: a first group of 1-3 digits, then groups of exactly 3, one kind of separator. */
function looksLikeThousands(groups: string[], seps: Set<string>): boolean {
  if (seps.size !== 1 || seps.has('-')) return false;
  return groups[0].length <= 3 && groups.slice(1).every((g) => g.length === 3);
}

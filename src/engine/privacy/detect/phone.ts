// Phone numbers: E.164 (+14155552671), international (+44 20 7946 0958, +1 (415) 555-2671) and common national
// groupings (415-555-2671, (020) 7946 0958, 06 12 34 56 78, 415.555.2671).
//
// Numbers are everywhere in documents, so the candidate pattern is broad and the decision is made in code:
// a '+' or a parenthesised area code makes a number a phone; without them it needs at least two groups and must
// not read as a date (2024-01-15, 15.01.2024), a year range (1999-2004), a decimal (3.14159265), a thousands
// grouping (1 234 567, unless a phone word such as "tel" stands just before it), or an ISBN/order/version number.
// The pattern has no nested quantifiers, and a match may not start right after a word character, digit, '+', '#',
// '.', '-', '/', ':' or '@' (the lookbehind), so scanning is linear in the text length.
import { isDigit, type Detector, type PiiMatch } from '../pii.ts';

const SEP = '[ .\\-\\u00A0]';
const CANDIDATE = new RegExp(
  `(?<![\\w+#.\\-/:@$€£])\\+?(?:\\d+${SEP}?)?(?:\\(\\d{1,5}\\)${SEP}?)?\\d+(?:${SEP}\\d+)*`,
  'g',
);

/** Words that make a bare grouping (e.g. 612 345 678) read as a phone number. */
const PHONE_CUE = /(?:phone|tel|tél|mobile|mob\.|cell|fax|call|whatsapp|sms|contact)/i;
/** Words right before a number that make it something else. */
const OTHER_CUE = /(?:isbn|issn|doi|order|invoice|ticket|ref|serial|version|ver\.|build|id|no\.|nr\.|page|pp\.|art\.|§)[\s:#.]*$/i;
const CONTEXT = 40;

export const phoneDetector: Detector = {
  type: 'phone',
  find(text: string, out: PiiMatch[]): void {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (end < text.length && /[\w@%°]/.test(text[end])) continue; // 555-1234abc, 12.5%: not a phone
      const before = text.slice(Math.max(0, start - CONTEXT), start);
      if (isPhone(m[0], before)) out.push({ type: 'phone', start, end });
    }
  },
};

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

  const plus = candidate.startsWith('+');
  const paren = candidate.includes('(');
  if (plus) return digits >= 8 && !looksLikeDate(groups);
  if (paren) return !looksLikeDate(groups);

  if (OTHER_CUE.test(before)) return false;
  if (groups.length < 2 || groups.length > 6) return false; // bare digit strings are ids far more often than phones
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

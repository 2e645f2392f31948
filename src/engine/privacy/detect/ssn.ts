// US Social Security numbers: AAA-GG-SSSS (dashes or spaces, the same twice). Never issued, so never matched:
// area 000, 666 or 900-999, group 00, serial 0000, and the numbers famously printed in advertising.
// Nine bare digits are an SSN only right after a cue ("SSN", "social security"): otherwise they are ids.
import type { Detector, PiiMatch } from '../pii.ts';

const GROUPED = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g;
const BARE = /(?<![\w-])(\d{3})(\d{2})(\d{4})(?![\w-])/g;
const CUE = /(?:ssn|social security(?: number| no\.?)?|ss#|ss no\.?)[\s:#.]*$/i;
const NEVER_ISSUED = new Set(['078051120', '219099999']);

export const ssnDetector: Detector = {
  type: 'ssn',
  find(text: string, out: PiiMatch[]): void {
    const found: PiiMatch[] = [];
    GROUPED.lastIndex = 0;
    for (let m = GROUPED.exec(text); m !== null; m = GROUPED.exec(text)) {
      if (isValidSsn(m[1], m[3], m[4])) found.push({ type: 'ssn', start: m.index, end: m.index + m[0].length });
    }
    BARE.lastIndex = 0;
    for (let m = BARE.exec(text); m !== null; m = BARE.exec(text)) {
      const before = text.slice(Math.max(0, m.index - 32), m.index);
      if (CUE.test(before) && isValidSsn(m[1], m[2], m[3])) {
        found.push({ type: 'ssn', start: m.index, end: m.index + 9 });
      }
    }
    // The two passes cannot overlap (a grouped number has a separator); keep the output in text order.
    found.sort((a, b) => a.start - b.start);
    out.push(...found);
  },
};

export function isValidSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  return !NEVER_ISSUED.has(area + group + serial);
}

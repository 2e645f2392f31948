// E-mail addresses spelled out to dodge scrapers: "jane.doe at example dot com", "jane (at) example [dot] org".
// Off by default: ordinary prose ("meet me at home.Then") can look like one, so the user opts in. Each label and
// separator is delimited by whitespace or brackets, so the pattern cannot backtrack into itself (linear time).
import type { Detector, PiiMatch } from '../pii.ts';

const AT = String.raw`(?:\s+at\s+|\s*[[({]at[\])}]\s*)`;
const DOT = String.raw`(?:\s+dot\s+|\s*[[({]dot[\])}]\s*|\.)`;
const CANDIDATE = new RegExp(
  String.raw`(?<![\p{L}\p{M}\p{N}_.%+-])[\p{L}\p{M}\p{N}_%+-][\p{L}\p{M}\p{N}_.%+-]*${AT}[\p{L}\p{N}][\p{L}\p{M}\p{N}-]*(?:${DOT}[\p{L}\p{N}][\p{L}\p{M}\p{N}-]*)+`,
  'giu',
);
const LAST_LABEL = /[\p{L}\p{M}\p{N}-]+$/u;
const TLD = /^\p{L}[\p{L}\p{M}]{1,23}$/u;

export const spelledEmailDetector: Detector = {
  type: 'email-spelled',
  find(text: string, out: PiiMatch[]): void {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const tld = LAST_LABEL.exec(m[0])?.[0] ?? '';
      if (TLD.test(tld)) out.push({ type: 'email-spelled', start: m.index, end: m.index + m[0].length });
    }
  },
};

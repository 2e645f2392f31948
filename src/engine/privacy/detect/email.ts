// E-mail addresses: local@domain.tld, Unicode local parts and internationalised domains included (josé@bücher.de,
// xn-- labels); the text is NFKC-normalised first (see normalize.ts). The regex only finds candidates; the domain is checked in code,
// which keeps the pattern free of nested quantifiers (and so linear: a match may only start where a run of
// local-part characters starts, thanks to the lookbehind).
import type { Detector, PiiMatch } from '../pii.ts';

const CANDIDATE = /(?<![\p{L}\p{M}\p{N}_.%+-])[\p{L}\p{M}\p{N}_.%+-]+@[\p{L}\p{M}\p{N}.-]+/gu;
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;
const TLD = /^(?:\p{L}[\p{L}\p{M}]{1,23}|xn--[a-z0-9-]{1,59})$/iu;

export const emailDetector: Detector = {
  type: 'email',
  find(text: string, out: PiiMatch[]): void {
    CANDIDATE.lastIndex = 0;
    for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
      const at = m[0].indexOf('@');
      const local = m[0].slice(0, at);
      // A sentence may end right after the address: drop trailing dots and dashes from the domain.
      const domain = m[0].slice(at + 1).replace(/[.-]+$/, '');
      if (validLocal(local) && validDomain(domain)) {
        out.push({ type: 'email', start: m.index, end: m.index + at + 1 + domain.length });
      }
    }
  },
};

function validLocal(local: string): boolean {
  return (
    local.length > 0 && local.length <= 64 && !local.startsWith('.') && !local.endsWith('.') && !local.includes('..')
  );
}

function validDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  return TLD.test(labels[labels.length - 1]) && labels.every((label) => label.length <= 63 && LABEL.test(label));
}

// IP addresses: dotted IPv4 (each octet 0-255, no leading zeros) and IPv6 in RFC 4291 text form (full, '::'
// compressed, or with a trailing IPv4). Times (10:30:15), MAC addresses (00:1A:2B:3C:4D:5E) and names like
// std::vector are not addresses: they fail the group rules or never start a candidate.
import type { Detector, PiiMatch } from '../pii.ts';

const V4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)/g;
// A candidate starts where a run of letters, digits, ':' and '.' starts, and must contain a ':'.
const V6 = /(?<![0-9A-Za-z:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]+/g;

export const ipDetector: Detector = {
  type: 'ip',
  find(text: string, out: PiiMatch[]): void {
    const found: PiiMatch[] = [];
    V4.lastIndex = 0;
    for (let m = V4.exec(text); m !== null; m = V4.exec(text)) {
      if (isIPv4(m[0])) found.push({ type: 'ip', start: m.index, end: m.index + m[0].length });
    }
    V6.lastIndex = 0;
    for (let m = V6.exec(text); m !== null; m = V6.exec(text)) {
      let candidate = m[0];
      while (candidate.endsWith('.') || (candidate.endsWith(':') && !candidate.endsWith('::'))) {
        candidate = candidate.slice(0, -1); // "… at fe80::1." or "fe80::1: down"
      }
      const end = m.index + candidate.length;
      if (end === m.index + m[0].length && end < text.length && /[\w]/.test(text[end])) continue;
      if (isIPv6(candidate)) found.push({ type: 'ip', start: m.index, end });
    }
    found.sort((a, b) => a.start - b.start);
    out.push(...found);
  },
};

export function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  let body = s;
  let tailGroups = 0;
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.')) {
    // An embedded IPv4 takes the place of the last two groups.
    if (!isIPv4(body.slice(lastColon + 1))) return false;
    body = body.slice(0, lastColon + 1) + '0';
    tailGroups = 1;
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  const group = /^[0-9A-Fa-f]{1,4}$/;
  const parse = (half: string) => (half === '' ? [] : half.split(':'));
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  if (![...left, ...right].every((g) => group.test(g))) return false;
  const count = left.length + right.length + tailGroups;
  if (halves.length === 1) return count === 8;
  return count >= 1 && count <= 7;
}

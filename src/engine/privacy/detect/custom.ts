// User-defined patterns (e.g. an employee id EMP-\d{6}), checked before use and run with a length bound.
//
// JavaScript regexes backtrack, so a pattern like (a+)+$ takes exponential time on a line of a's. Two guards:
// 1. Patterns are refused if they quantify a group that itself contains a quantifier or an alternation (the
//    shapes behind catastrophic backtracking), use backreferences, or have more than MAX_UNBOUNDED '*', '+', '{n,}'.
// 2. Patterns run on windows of at most WINDOW characters (overlapping by MAX_MATCH), never on the whole text, so
//    even a slow pattern costs a bounded amount per window and the total stays linear in the text length.
// A custom match is therefore at most MAX_MATCH characters long and never spans a line break.
import { TroveError } from '../../core/errors.ts';
import type { Detector, PiiMatch } from '../pii.ts';
import type { CustomPatternSpec } from '../../api/redaction.ts';

export const MAX_PATTERN_LENGTH = 500;
export const MAX_MATCH = 256;
export const WINDOW = 2048;
export const MAX_UNBOUNDED = 4;

/** Compiles and checks a user pattern; throws TroveError INVALID_ARGUMENT naming the pattern and the reason. */
export function customDetector(spec: CustomPatternSpec): Detector {
  const regex = compilePattern(spec);
  return {
    type: 'custom',
    find(text: string, out: PiiMatch[]): void {
      let lastEnd = 0;
      let lineStart = 0;
      while (lineStart <= text.length) {
        let lineEnd = text.indexOf('\n', lineStart);
        if (lineEnd < 0) lineEnd = text.length;
        // Windows of WINDOW characters, each starting MAX_MATCH before the previous one ended.
        for (let from = lineStart; from < lineEnd; from += WINDOW - MAX_MATCH) {
          const to = Math.min(lineEnd, from + WINDOW);
          const window = text.slice(from, to);
          // A match starting in the overlap may be cut short by the window's end: the next window finds it whole.
          const limit = to === lineEnd ? Infinity : from + WINDOW - MAX_MATCH;
          regex.lastIndex = 0;
          for (let m = regex.exec(window); m !== null; m = regex.exec(window)) {
            if (m[0].length === 0) {
              regex.lastIndex++; // a pattern that can match nothing must still move on
              continue;
            }
            const start = from + m.index;
            const end = start + m[0].length;
            if (m[0].length <= MAX_MATCH && start >= lastEnd && start < limit) {
              out.push({ type: 'custom', start, end, label: spec.label });
              lastEnd = end;
            }
          }
          if (to === lineEnd) break;
        }
        lineStart = lineEnd + 1;
      }
    },
  };
}

function compilePattern(spec: CustomPatternSpec): RegExp {
  const fail = (reason: string) =>
    new TroveError('INVALID_ARGUMENT', `Custom redaction pattern "${spec.label}" (${spec.pattern}): ${reason}`);
  if (!spec.label.trim()) throw fail('give it a label');
  if (spec.pattern.length === 0) throw fail('the pattern is empty');
  if (spec.pattern.length > MAX_PATTERN_LENGTH) throw fail(`longer than ${MAX_PATTERN_LENGTH} characters`);
  const flags = spec.flags ?? '';
  if (!/^[imsu]*$/.test(flags) || new Set(flags).size !== flags.length) {
    throw fail(`flags "${flags}" are not allowed (use any of i, m, s, u)`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(spec.pattern, flags + 'g');
  } catch (error) {
    throw fail(`not a valid regular expression (${(error as Error).message})`);
  }
  const problem = backtrackingRisk(spec.pattern);
  if (problem) throw fail(problem);
  if (regex.test('')) throw fail('it matches the empty text');
  regex.lastIndex = 0;
  return regex;
}

/**
 * A conservative syntactic check for patterns whose backtracking can blow up. Returns the reason, or undefined.
 * Works on the pattern source: tracks groups on a stack, skipping escapes and character classes.
 */
export function backtrackingRisk(source: string): string | undefined {
  interface Group {
    hasQuantifier: boolean;
    hasAlternation: boolean;
  }
  const stack: Group[] = [{ hasQuantifier: false, hasAlternation: false }];
  let unbounded = 0;
  let lastClosed: Group | undefined; // the group that ended right before the current position
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    const top = stack[stack.length - 1];
    if (ch === '\\') {
      if (/[1-9k]/.test(source[i + 1] ?? '')) return 'backreferences are not allowed';
      i++;
      lastClosed = undefined;
      continue;
    }
    if (ch === '[') {
      // skip the character class (escapes inside included)
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      lastClosed = undefined;
      continue;
    }
    if (ch === '(') {
      // (?:  (?=  (?!  (?<=  (?<!  (?<name>  are group openers, not quantifiers
      if (source[i + 1] === '?') {
        const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(source.slice(i));
        if (prefix) i += prefix[0].length - 1;
      }
      stack.push({ hasQuantifier: false, hasAlternation: false });
      lastClosed = undefined;
      continue;
    }
    if (ch === ')') {
      const closed = stack.pop();
      if (!closed || stack.length === 0) return 'unbalanced parentheses';
      if (closed.hasAlternation) stack[stack.length - 1].hasAlternation = true;
      lastClosed = closed;
      continue;
    }
    if (ch === '|') {
      top.hasAlternation = true;
      lastClosed = undefined;
      continue;
    }
    const quantifier =
      ch === '*' || ch === '+' || ch === '?' || (ch === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)));
    if (quantifier) {
      let text = ch;
      if (ch === '{') text = /^\{\d+(,\d*)?\}/.exec(source.slice(i))![0];
      const isUnbounded = ch === '*' || ch === '+' || /^\{\d+,\}$/.test(text);
      if (isUnbounded && ++unbounded > MAX_UNBOUNDED) {
        return `more than ${MAX_UNBOUNDED} unbounded repetitions (*, +, {n,})`;
      }
      if (lastClosed && (lastClosed.hasQuantifier || lastClosed.hasAlternation) && text !== '?') {
        return 'a repeated group contains a repetition or alternatives, which can take exponential time; use a character class, e.g. [\\d-]+ instead of (\\d|-)+';
      }
      for (const group of stack) group.hasQuantifier = true;
      i += text.length - 1;
      if (source[i + 1] === '?') i++; // lazy
      lastClosed = undefined;
      continue;
    }
    lastClosed = undefined;
  }
  return stack.length === 1 ? undefined : 'unbalanced parentheses';
}

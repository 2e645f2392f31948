import { describe, expect, it } from 'vitest';
import { codeLineUnits } from './code-units.ts';

const texts = (text: string, units: { start: number; end: number }[]) => units.map((u) => text.slice(u.start, u.end));

describe('codeLineUnits', () => {
  it('gives trimmed non-blank lines of a block, indentation outside the units', () => {
    const text = 'xx\nfunction f() {\n  return 1;   \n\n}\nyy';
    const start = 3;
    const end = text.indexOf('\nyy');
    expect(texts(text, codeLineUnits(text, start, end))).toEqual(['function f() {', 'return 1;', '}']);
  });

  it('cuts a minified line at spaces or semicolons, never above maxChars, losing nothing but spaces', () => {
    const line = Array.from({ length: 2000 }, (_, i) => `a${i}=${i};`).join('');
    const units = codeLineUnits(line, 0, line.length, 100);
    expect(units.every((u) => u.end - u.start <= 100)).toBe(true);
    expect(texts(line, units).join('')).toBe(line);
    expect(texts(line, units).every((t) => t.endsWith(';'))).toBe(true);
  });

  it('hard-cuts a line without any break character', () => {
    const line = 'x'.repeat(250);
    expect(codeLineUnits(line, 0, 250, 100).map((u) => u.end - u.start)).toEqual([100, 100, 50]);
  });

  it('handles a 1 MB one-line file in linear time (100k units)', () => {
    const line = 'abcdefghi;'.repeat(100_000);
    const units = codeLineUnits(line, 0, line.length, 10);
    expect(units).toHaveLength(100_000);
  });
});

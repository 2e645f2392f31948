import { describe, expect, it } from 'vitest';
import { asClause, formatBytes, formatLocation, formatMs, formatScore, plural } from './format.ts';

describe('format', () => {
  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
  });

  it('names a position by page and heading path', () => {
    expect(formatLocation(3, [])).toBe('p. 3');
    expect(formatLocation(undefined, ['Intro', 'Setup'])).toBe('Intro › Setup');
    expect(formatLocation(undefined, [])).toBe('');
  });

  it('keeps scores of every scale readable', () => {
    expect(formatScore(0.032787)).toBe('0.033');
    expect(formatScore(7.4123)).toBe('7.41');
    expect(formatScore(0.8123)).toBe('0.812');
    expect(formatScore(0.0042)).toBe('0.0042');
  });

  it('writes counts and times in words', () => {
    expect(plural(1, 'result')).toBe('1 result');
    expect(plural(12, 'result')).toBe('12 results');
    expect(formatMs(0.4)).toBe('<1 ms');
    expect(formatMs(8.2)).toBe('8 ms');
    expect(asClause('The file is broken.')).toBe('The file is broken');
  });
});

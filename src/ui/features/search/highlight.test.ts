import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight.ts';

const join = (segments: ReturnType<typeof highlightSegments>) =>
  segments.map((s) => (s.mark ? `[${s.text}]` : s.text)).join('');

describe('highlightSegments', () => {
  it('marks the given ranges and keeps every character once', () => {
    expect(
      join(
        highlightSegments('water the tomatoes', [
          [0, 5],
          [10, 18],
        ]),
      ),
    ).toBe('[water] the [tomatoes]');
  });

  it('merges overlapping and unsorted ranges', () => {
    expect(
      join(
        highlightSegments('abcdefgh', [
          [4, 6],
          [1, 3],
          [2, 5],
        ]),
      ),
    ).toBe('a[bcdef]gh');
  });

  it('clamps ranges outside the text and drops empty ones', () => {
    expect(
      join(
        highlightSegments('abc', [
          [-2, 1],
          [2, 2],
          [2, 99],
        ]),
      ),
    ).toBe('[a]b[c]');
  });

  it('keeps markup in the text as text', () => {
    const segments = highlightSegments('<img src=x onerror=alert(1)>', [[11, 18]]);
    expect(segments.map((s) => s.text).join('')).toBe('<img src=x onerror=alert(1)>');
    expect(segments[1]).toEqual({ text: 'onerror', mark: true });
  });
});

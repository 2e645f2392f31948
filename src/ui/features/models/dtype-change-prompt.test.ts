import { describe, expect, it } from 'vitest';
import { formatDuration } from './DtypeChangePrompt.tsx';

describe('the re-embed time in the dtype question', () => {
  it('reads as seconds, minutes or hours', () => {
    expect(formatDuration(0.4)).toBe('under a second');
    expect(formatDuration(42.4)).toBe('about 42 s');
    expect(formatDuration(190)).toBe('about 3 min');
    expect(formatDuration(3 * 3600 + 600)).toBe('about 3.2 h');
  });
});

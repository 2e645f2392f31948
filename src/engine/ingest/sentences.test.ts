import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sentenceBounds, wordBounds } from './sentences.ts';

/** Ordinary prose with the usual traps: abbreviations, numbers, quotes, parentheses, questions. */
const PROSE = `The giant kelp (Macrocystis pyrifera) can grow 60 cm a day. Dr. Ortiz measured it in 1998 at 3.5 m per week!
Why does it grow so fast? Sunlight, cold water and nutrients, i.e. the upwelling along the coast, feed it.
"Otters keep the forest alive," she wrote. They eat sea urchins, which would otherwise graze the holdfasts.
In the 1970s the otters nearly vanished; the forests shrank with them. Today, e.g. in Monterey Bay, both are back.
Divers count about 1,200 otters there. Some researchers (not all) think the number is still too low.
Is that a problem? Not yet. The next survey starts in May. Results will be published by the U.S. Geological Survey.`;

const pieces = (text: string, bounds: number[]) => bounds.slice(0, -1).map((b, i) => text.slice(b, bounds[i + 1]));

describe('sentenceBounds', () => {
  it('ends sentences after terminal punctuation, closing quotes and the spaces after them', () => {
    const text = 'Kelp grows fast. Does it? Yes! “It does.” Otters eat urchins.';
    expect(pieces(text, sentenceBounds(text))).toEqual([
      'Kelp grows fast. ',
      'Does it? ',
      'Yes! ',
      '“It does.” ',
      'Otters eat urchins.',
    ]);
  });

  it('keeps abbreviations before lower-case words, decimals, and commas inside the sentence', () => {
    const text = 'Use e.g. `pip` or i.e. (see below) a tool. Pi is 3.14 today. Apples, pears, etc., and more.';
    expect(pieces(text, sentenceBounds(text))).toEqual([
      'Use e.g. `pip` or i.e. (see below) a tool. ',
      'Pi is 3.14 today. ',
      'Apples, pears, etc., and more.',
    ]);
  });

  it('ends CJK sentences at full-width terminators without a space, and keeps commas inside', () => {
    const text = '巨藻生长在寒冷的海洋中，每天可以长高半米。海獭捕食海胆！真的吗？';
    expect(pieces(text, sentenceBounds(text))).toEqual([
      '巨藻生长在寒冷的海洋中，每天可以长高半米。',
      '海獭捕食海胆！',
      '真的吗？',
    ]);
  });

  it('treats line breaks as soft wraps and works on a sub-range with absolute offsets', () => {
    const text = 'xx One line\nwraps here. Two. yy';
    const b = sentenceBounds(text, 3, text.length - 3);
    expect(b).toEqual([3, 24, 28]);
    expect(pieces(text, b)).toEqual(['One line\nwraps here. ', 'Two.']);
  });

  it('agrees with Intl.Segmenter on almost every sentence end of ordinary prose (fixture text)', () => {
    const guide = readFileSync(new URL('../../../e2e/fixtures/field-guide.md', import.meta.url), 'utf8');
    const text = (guide + '\n\n' + PROSE).replace(/\n/g, ' ');
    const ours = new Set(sentenceBounds(text).slice(1, -1));
    const theirs = new Set(
      [...new Intl.Segmenter('en', { granularity: 'sentence' }).segment(text)].map((s) => s.index).slice(1),
    );
    const agreed = [...ours].filter((b) => theirs.has(b)).length;
    expect(theirs.size).toBeGreaterThan(10);
    expect(agreed / theirs.size).toBeGreaterThanOrEqual(0.9);
    expect(agreed / ours.size).toBeGreaterThanOrEqual(0.9);
  });

  it('is linear on 2 MB of short sentences (Intl.Segmenter in Node 20 is quadratic here)', () => {
    const text = 'Otters hunt urchins. '.repeat(100_000);
    const t0 = performance.now();
    const b = sentenceBounds(text);
    expect(b.length).toBe(100_001);
    expect(performance.now() - t0).toBeLessThan(3000); // Intl.Segmenter in Node 20: minutes
  });
});

describe('wordBounds', () => {
  it('starts a word after every run of spaces, inside the given range', () => {
    const text = '  alpha beta\n\tgamma  ';
    expect(wordBounds(text)).toEqual([0, 2, 8, 14, 21]);
    expect(wordBounds(text, 2, 12)).toEqual([2, 8, 12]);
    expect(wordBounds('nospace')).toEqual([0, 7]);
  });
});

import { describe, expect, it } from 'vitest';
import { cleanPassage, type Range } from './clean-passage.ts';

/** The highlighted substrings, which must be the same words before and after cleaning. */
const marked = (text: string, ranges: ReadonlyArray<Range>) => ranges.map(([s, e]) => text.slice(s, e));

/** Ranges of every occurrence of `word` in `text`. */
const find = (text: string, word: string): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) out.push([i, i + word.length]);
  return out;
};

describe('cleanPassage', () => {
  it('setext underline no longer shows as text (the "-----" in results bug)', () => {
    const text = 'Chain Lubrication\n-----------------\nOil the chain every week.';
    const result = cleanPassage(text, find(text, 'chain'));
    expect(result.text).toBe('Chain Lubrication\nOil the chain every week.');
    expect(marked(result.text, result.ranges)).toEqual(['chain']);
  });

  it('removes ATX heading marks, closing hashes and thematic breaks', () => {
    const text = '## Sourdough starter ##\n\nFeed it flour.\n\n***\n\n# Bread';
    const result = cleanPassage(text, [...find(text, 'Sourdough'), ...find(text, 'Bread')]);
    expect(result.text).toBe('Sourdough starter\n\nFeed it flour.\n\n\nBread');
    expect(marked(result.text, result.ranges)).toEqual(['Sourdough', 'Bread']);
  });

  it('removes emphasis, strike and code markers and keeps highlights on the words', () => {
    const text = 'Use **light oil** and _never_ ~~grease~~, see `chain.md` or *the guide*.';
    const words = ['light', 'never', 'grease', 'chain', 'guide'];
    const result = cleanPassage(
      text,
      words.flatMap((w) => find(text, w)),
    );
    expect(result.text).toBe('Use light oil and never grease, see chain.md or the guide.');
    expect(marked(result.text, result.ranges)).toEqual(words);
  });

  it('keeps link and image text, drops their targets', () => {
    const text =
      'Read [the kelp article](https://example.com/kelp "Kelp") and ![a kelp forest](kelp.png), or <https://x.org>.';
    const result = cleanPassage(text, find(text, 'kelp'));
    expect(result.text).toBe('Read the kelp article and a kelp forest, or https://x.org.');
    // The "kelp" inside the URLs is gone with them; the two in the link texts stay marked.
    expect(marked(result.text, result.ranges)).toEqual(['kelp', 'kelp']);
  });

  it('a highlight over markup and text shrinks to the text; one over markup only is dropped', () => {
    const text = '**bold** word';
    const result = cleanPassage(text, [
      [0, 8],
      [0, 2],
    ]);
    expect(result.text).toBe('bold word');
    expect(result.ranges).toEqual([[0, 4]]);
  });

  it('shows list bullets and quotes without their markers', () => {
    const text = '> quoted line\n- first item\n* second item\n1. numbered';
    const result = cleanPassage(text, find(text, 'item'));
    expect(result.text).toBe('quoted line\n• first item\n• second item\n1. numbered');
    expect(marked(result.text, result.ranges)).toEqual(['item', 'item']);
  });

  it('leaves markup inside code spans and intraword underscores alone', () => {
    const text = 'Call `a_b_c(**x**)` with snake_case_name.';
    expect(cleanPassage(text).text).toBe('Call a_b_c(**x**) with snake_case_name.');
  });

  it('leaves unbalanced markers as written rather than dropping words', () => {
    const text = 'Price: 5 * 3 = 15 and a lone ** here';
    expect(cleanPassage(text).text).toBe(text);
  });

  it('drops fences and link definitions but keeps code lines as written', () => {
    const text = '```sh\n# a comment, not a heading\necho **x**\n```\n[ref]: https://example.com\nend';
    expect(cleanPassage(text).text).toBe('# a comment, not a heading\necho **x**\nend');
  });

  it('plain text comes back unchanged with the same ranges', () => {
    const text = 'Nothing to clean here, just words.';
    const ranges: Array<[number, number]> = [
      [0, 7],
      [20, 25],
    ];
    expect(cleanPassage(text, ranges)).toEqual({ text, ranges });
  });

  it('clamps ranges outside the text', () => {
    expect(
      cleanPassage('# abc', [
        [-5, 3],
        [4, 99],
      ]).ranges,
    ).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('is linear: a 20x larger passage costs about 20x, not 400x', () => {
    const unit = '## Heading\n\nSome **bold** text with [a link](http://x.y) and `code`.\n-----\n';
    const small = unit.repeat(200);
    const large = unit.repeat(4000);
    // The fastest of several runs, so a busy machine's pauses do not count.
    const time = (text: string) => {
      let best = Infinity;
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        cleanPassage(text, find(text, 'bold'));
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    time(small); // warm up
    const ratio = time(large) / Math.max(time(small), 0.2);
    expect(cleanPassage(large).text).not.toContain('**');
    expect(ratio).toBeLessThan(150); // quadratic would be ~400
  });
});

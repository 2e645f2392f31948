// Property tests of the analyzer: any string (lone surrogates included) is analysed without throwing, the same
// way every time, with offsets that point at the words the terms came from.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeWithOffsets, createAnalyzer } from './analyzer.ts';

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }), // any code point, including lone surrogates
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        'The',
        "otter's",
        'don’t',
        '3.5',
        '1,000',
        '你好世界',
        'ภาษาไทย',
        'naïve',
        '...',
        ' ',
        '\n',
        'Ünïcödé',
      ),
      { maxLength: 60 },
    )
    .map((a) => a.join(' ')),
);

describe('analyzer properties', () => {
  it('never throws, is deterministic, and agrees with its offset form', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const terms = analyze(text);
        expect(analyze(text)).toEqual(terms);
        const spans = analyzeWithOffsets(text);
        expect(spans.map((s) => s.term)).toEqual(terms);
        let last = 0;
        for (const s of spans) {
          expect(s.start).toBeGreaterThanOrEqual(last);
          expect(s.end).toBeGreaterThan(s.start);
          expect(s.end).toBeLessThanOrEqual(text.length);
          expect(s.term.length).toBeGreaterThan(0);
          last = s.start;
        }
      }),
      { numRuns: 400, seed: 3 },
    );
  });

  it('terms do not depend on case, and a fresh analyzer with the same options gives the same terms', () => {
    const fresh = createAnalyzer();
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abcdefghij KELP Otter.,\n'.split('')), maxLength: 120 }),
        (text) => {
          expect(analyze(text.toUpperCase())).toEqual(analyze(text.toLowerCase()));
          expect(fresh.analyze(text)).toEqual(analyze(text));
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });
});

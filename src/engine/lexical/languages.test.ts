import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCorpus, parseQrels, parseQueries } from '../eval/dataset.ts';
import { analyze, analyzeQuery, analyzerFor } from './analyzer.ts';
import { Bm25Index } from './bm25.ts';
import { seededRandom } from '../testing/ingest-test-utils.ts';

const read = (dir: string, file: string) =>
  readFileSync(new URL(`../../../fixtures/${dir}/${file}`, import.meta.url), 'utf8');

/** Queries (of the collection) whose relevant document BM25 ranks first, with documents and queries analysed as `language`. */
function foundFirst(dir: string, language: string | undefined): string[] {
  const corpus = parseCorpus(read(dir, 'corpus.jsonl'));
  const queries = parseQueries(read(dir, 'queries.jsonl'));
  const qrels = parseQrels(read(dir, 'qrels.tsv'));
  const analyzer = analyzerFor(language);
  const index = new Bm25Index();
  corpus.forEach((doc, i) => index.add(i, analyzer.analyze(`${doc.title} ${doc.text}`)));
  return queries
    .filter((q) => {
      const top = index.search(analyzer.analyze(q.text), 1)[0];
      return top !== undefined && (qrels.get(q.id)?.get(corpus[top.id]!.id) ?? 0) > 0;
    })
    .map((q) => q.id);
}

describe('per-language keyword analysis', () => {
  it('German collection: every query finds its passage first with German analysis, fewer with English', () => {
    const german = foundFirst('lang-de', 'de');
    expect(german).toHaveLength(12);
    const english = foundFirst('lang-de', undefined);
    expect(english.length).toBeLessThan(german.length); // Leuchtturms/Leuchttürme, Berghütte/Berghütten need German stemming
  });

  it('Chinese collection: every query finds its passage first (Intl.Segmenter words, Chinese stop words)', () => {
    expect(foundFirst('lang-zh', 'zh')).toHaveLength(10);
  });

  it('stems with Snowball and drops the language’s stop words', () => {
    expect(analyze('Die Leuchttürme des Leuchtturms', 'de')).toEqual(['leuchtturm', 'leuchtturm']);
    expect(analyze('les gardiens du phare', 'fr')).toEqual(['gardien', 'phar']);
    expect(analyze('los faros de la costa', { language: 'es' })).toEqual(['far', 'cost']);
  });

  it("drops French and Italian elided articles (l'orchestre, dell'acqua)", () => {
    expect(analyze("l'orchestre d’Anne", 'fr')).toEqual(['orchestr', 'anne']);
    expect(analyze("dell'acqua", 'it')).toEqual(['acqua']);
    expect(analyze("l'orchestre")).toEqual(["l'orchestr"]); // English analysis knows no elision
  });

  it('has stop words but no stemming for languages without a Snowball stemmer', () => {
    expect(analyze('我们的图书馆', 'zh')).not.toContain('的');
    expect(analyze('東京の図書館', 'ja')).toContain('図書館');
  });

  it('treats en, en-GB, und and unknown-to-us codes sensibly: English default, region ignored', () => {
    expect(analyzerFor('en')).toBe(analyzerFor());
    expect(analyzerFor('en-GB')).toBe(analyzerFor());
    expect(analyzerFor('und')).toBe(analyzerFor());
    expect(analyzerFor('de-AT')).toBe(analyzerFor('de'));
    expect(analyze('running dogs', 'xx')).toEqual(['running', 'dogs']); // no stemmer, no stop list: words as they are
  });

  it("leaves English output exactly as before (Lucene's EnglishAnalyzer behaviour, Anserini parity)", () => {
    const random = seededRandom(7);
    const words = [
      'The',
      "John's",
      'running',
      'Connections',
      '1,000',
      'café',
      'naïve',
      'über',
      'is',
      'IL-6',
      '日本語',
      'don’t',
      'parseHttpHeader',
      'l’orchestre',
      'Straße',
    ];
    const text = Array.from({ length: 2000 }, () => words[Math.floor(random() * words.length)]).join(' ');
    // Digest of the terms the analyzer gave for this text before languages were added (commit bac9a01).
    const before = { count: 1902, fnv1a: '76c55bec' };
    for (const terms of [analyze(text), analyze(text, 'en'), analyze(text, { language: 'en-US' })]) {
      let h = 0x811c9dc5;
      for (const ch of terms.join('\u0001')) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
      expect({ count: terms.length, fnv1a: h.toString(16) }).toEqual(before);
    }
  });

  it('analyses a query as every language of the library, English included, without repeats', () => {
    expect(analyzeQuery('Leuchttürme running', ['de'])).toEqual(['leuchttürm', 'run', 'leuchtturm', 'running']);
    expect(analyzeQuery('Leuchttürme running')).toEqual(analyze('Leuchttürme running'));
  });
});

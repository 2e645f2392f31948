import { describe, expect, it, vi } from 'vitest';
import { analyze, analyzeWithOffsets, createAnalyzer } from './analyzer.ts';
import { ENGLISH_STOP_WORDS } from './stopwords.ts';

describe('analyze', () => {
  it('lower-cases and Porter-stems', () => {
    expect(analyze('Running RUNNERS connected Connections')).toEqual(['run', 'runner', 'connect', 'connect']);
  });

  it("drops Lucene's 33 English stop words and keeps repeats of the rest", () => {
    expect(ENGLISH_STOP_WORDS).toHaveLength(33);
    expect(analyze('The cat is on the mat with a cat')).toEqual(['cat', 'mat', 'cat']);
  });

  it("removes the English possessive 's (straight and curly apostrophes) but keeps other contractions", () => {
    const terms = analyze("John's book, Mary’s pen, the students' room");
    expect(terms).toEqual(['john', 'book', 'mari', 'pen', 'student', 'room']);
    expect(analyze("don't")).toEqual(["don't"]);
  });

  it('keeps decimal and grouped numbers whole, and splits on hyphens and other punctuation', () => {
    const terms = analyze('1,000 genomes; p=0.05; IL-6/TNF-α');
    expect(terms).toEqual(['1,000', 'genom', 'p', '0.05', 'il', '6', 'tnf', 'α']);
  });

  it('returns terms for Chinese, Japanese and Thai (Orama returned none for them)', () => {
    const japanese = analyze('日本語のテキストです');
    expect(japanese).toContain('日本語');
    expect(japanese).toContain('テキスト');
    expect(analyze('我喜欢自然语言处理').length).toBeGreaterThan(1);
    expect(analyze('สวัสดีครับ').length).toBeGreaterThan(0);
  });

  it('falls back to one term per character where Intl.Segmenter is missing', async () => {
    vi.resetModules();
    vi.stubGlobal('Intl', Object.assign(Object.create(Intl) as typeof Intl, { Segmenter: undefined }));
    try {
      const fresh = await import('./analyzer.ts');
      expect(fresh.analyze('自然语言 Tests')).toEqual(['自', '然', '语', '言', 'test']);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('handles Latin words next to CJK in one run', () => {
    expect(analyze('iPhone用のケース running')).toEqual(expect.arrayContaining(['iphon', 'ケース', 'run']));
  });

  it('keeps accented words and non-Latin scripts that use spaces', () => {
    expect(analyze('Café Straße Привет мир')).toEqual(['café', 'straße', 'привет', 'мир']);
  });

  it('can switch off stemming and stop words', () => {
    const plain = createAnalyzer({ stem: false, stopWords: [] });
    expect(plain.analyze('The Running dogs')).toEqual(['the', 'running', 'dogs']);
    expect(createAnalyzer({ stopWords: ['dog'] }).analyze('the dog runs')).toEqual(['the', 'run']);
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(analyze('')).toEqual([]);
    expect(analyze(' ,.;!? — ')).toEqual([]);
  });
});

describe('analyzeWithOffsets', () => {
  it('points each term at its word in the original text', () => {
    const text = 'The Cats’ café, 3.5 RUNS';
    const spans = analyzeWithOffsets(text);
    expect(spans.map((s) => s.term)).toEqual(['cat', 'café', '3.5', 'run']);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(['Cats', 'café', '3.5', 'RUNS']);
  });

  it('keeps offsets right when lower-casing changes the length (İ → i̇)', () => {
    const text = 'İstanbul Cats';
    const spans = analyzeWithOffsets(text);
    expect(text.slice(spans[1].start, spans[1].end)).toBe('Cats');
  });

  it('gives offsets for segmented CJK words', () => {
    const text = 'see 日本語のテキスト here';
    for (const s of analyzeWithOffsets(text)) expect(s.end).toBeGreaterThan(s.start);
    const spans = analyzeWithOffsets(text);
    const katakana = spans.find((s) => s.term === 'テキスト');
    expect(katakana && text.slice(katakana.start, katakana.end)).toBe('テキスト');
    expect(spans.at(-1)?.term).toBe('here');
  });

  it('agrees with analyze', () => {
    const text = "Alterations of the architecture of cerebral white matter; the patient's 1,200 scans.";
    expect(analyzeWithOffsets(text).map((s) => s.term)).toEqual(analyze(text));
  });
});

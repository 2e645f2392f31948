// Text → index terms, close to Lucene's EnglishAnalyzer (what Anserini's BM25 baselines use):
// word tokens → lower-case → drop English possessive 's → stop words → Porter stem.
// Tokens follow Unicode word rules loosely (UAX #29): letters, marks, digits and '_' form words; an apostrophe
// inside a word and '.'/',' between digits do not split ("don't", "3.5", "1,000"); everything else does.
// Scripts written without spaces (Chinese, Japanese, Thai, …) are cut into words by Intl.Segmenter.
import { stemmer } from 'stemmer';
import { ENGLISH_STOP_WORDS } from './stopwords.ts';

export interface AnalyzerOptions {
  /** Porter stemming; default true. */
  stem?: boolean;
  /** Lower-case words to drop (matched before stemming); default Lucene's 33 English stop words. */
  stopWords?: Iterable<string>;
}

/** One term and where its word sits in the original text (UTF-16 offsets, end exclusive). */
export interface TermSpan {
  term: string;
  start: number;
  end: number;
}

export interface Analyzer {
  /** Terms in text order, repeats kept (they are the term frequencies). */
  analyze(text: string): string[];
  analyzeWithOffsets(text: string): TermSpan[];
}

// The fast path: pure ASCII text, lower-cased as a whole (length-preserving for ASCII, so offsets hold).
const ASCII_WORD = /[a-z0-9_]+(?:(?:'|(?<=[0-9])[.,](?=[0-9]))[a-z0-9_]+)*/g;
const WORD = /[\p{L}\p{M}\p{N}\p{Pc}]+(?:(?:['’]|(?<=\p{Nd})[.,](?=\p{Nd}))[\p{L}\p{M}\p{N}\p{Pc}]+)*/gu;
const NON_ASCII = /[^\x00-\x7f]/;
/** Scripts without spaces between words: such runs go to Intl.Segmenter. */
const NO_SPACES = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const NO_SPACES_CHAR = new RegExp(NO_SPACES.source, 'gu');
/** Longer "words" are data blobs (base64, hashes); Lucene also caps tokens at 255. */
const MAX_TOKEN_LENGTH = 255;

// Stemming is the costliest step; words repeat a lot (Zipf), so memoise. Cleared when large to bound memory.
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;

export function stem(word: string): string {
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

let segmenter: Intl.Segmenter | null | undefined;
function wordSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;
  }
  return segmenter;
}

export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const stopWords = new Set(options.stopWords ?? ENGLISH_STOP_WORDS);
  const stemming = options.stem ?? true;

  /** Lower-cased word → term, or null when it is dropped. */
  function normalize(lower: string): string | null {
    const n = lower.length;
    if (n >= 2 && lower.charCodeAt(n - 1) === 115 /* s */) {
      const q = lower.charCodeAt(n - 2);
      if (q === 39 || q === 0x2019 || q === 0xff07) lower = lower.slice(0, n - 2); // ' ’ ＇
    }
    if (lower.length === 0 || lower.length > MAX_TOKEN_LENGTH || stopWords.has(lower)) return null;
    return stemming ? stem(lower) : lower;
  }

  /** Cuts a no-spaces run with Intl.Segmenter (or into single characters where it is missing). */
  function segment(word: string, offset: number, terms: string[], offsets: number[] | null): void {
    const seg = wordSegmenter();
    if (seg) {
      for (const s of seg.segment(word)) {
        if (!s.isWordLike) continue;
        const term = normalize(s.segment.toLowerCase());
        if (term === null) continue;
        terms.push(term);
        offsets?.push(offset + s.index, offset + s.index + s.segment.length);
      }
      return;
    }
    // No segmenter: one term per character of a no-spaces script (as Lucene's StandardTokenizer does for Han),
    // the other characters between them stay words.
    let last = 0;
    const emit = (from: number, to: number) => {
      if (from >= to) return;
      const term = normalize(word.slice(from, to).toLowerCase());
      if (term === null) return;
      terms.push(term);
      offsets?.push(offset + from, offset + to);
    };
    for (const m of word.matchAll(NO_SPACES_CHAR)) {
      emit(last, m.index);
      emit(m.index, m.index + m[0].length);
      last = m.index + m[0].length;
    }
    emit(last, word.length);
  }

  /** Appends terms (and start/end pairs when offsets is given). */
  function run(text: string, terms: string[], offsets: number[] | null): void {
    if (!NON_ASCII.test(text)) {
      const lower = text.toLowerCase();
      ASCII_WORD.lastIndex = 0;
      for (let m = ASCII_WORD.exec(lower); m !== null; m = ASCII_WORD.exec(lower)) {
        const term = normalize(m[0]);
        if (term === null) continue;
        terms.push(term);
        offsets?.push(m.index, m.index + m[0].length);
      }
      return;
    }
    const mayNeedSegmenter = NO_SPACES.test(text);
    WORD.lastIndex = 0;
    for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
      const word = m[0];
      if (mayNeedSegmenter && NO_SPACES.test(word)) {
        segment(word, m.index, terms, offsets);
        continue;
      }
      const term = normalize(word.toLowerCase());
      if (term === null) continue;
      terms.push(term);
      offsets?.push(m.index, m.index + word.length);
    }
  }

  return {
    analyze(text: string): string[] {
      const terms: string[] = [];
      run(text, terms, null);
      return terms;
    },
    analyzeWithOffsets(text: string): TermSpan[] {
      const terms: string[] = [];
      const offsets: number[] = [];
      run(text, terms, offsets);
      return terms.map((term, i) => ({ term, start: offsets[2 * i], end: offsets[2 * i + 1] }));
    },
  };
}

const defaultAnalyzer = createAnalyzer();

/** Terms of `text` with the default options (stemming on, Lucene's English stop words). */
export function analyze(text: string, options?: AnalyzerOptions): string[] {
  return options ? createAnalyzer(options).analyze(text) : defaultAnalyzer.analyze(text);
}

export function analyzeWithOffsets(text: string, options?: AnalyzerOptions): TermSpan[] {
  return options ? createAnalyzer(options).analyzeWithOffsets(text) : defaultAnalyzer.analyzeWithOffsets(text);
}

// Text → index terms, close to Lucene's EnglishAnalyzer (what Anserini's BM25 baselines use):
// word tokens → lower-case → drop English possessive 's → stop words → Porter stem.
// Tokens follow Unicode word rules loosely (UAX #29): letters, marks, digits and '_' form words; an apostrophe
// inside a word and '.'/',' between digits do not split ("don't", "3.5", "1,000"); everything else does.
// Scripts written without spaces (Chinese, Japanese, Thai, …) are cut into words by Intl.Segmenter.
// Other languages (option `language`): stop words from stopwords-iso and a Snowball stemmer where one exists,
// elided articles dropped (French l'…); English, the default, is unchanged. Code (option `splitIdentifiers`):
// camelCase/snake_case identifiers also give their parts, after the whole identifier.
import { stemmer } from 'stemmer';
import { splitIdentifier } from './identifiers.ts';
import { baseLanguage, snowballStemmerFor, stopWordsFor, stripElision } from './languages.ts';
import { ENGLISH_STOP_WORDS } from './stopwords.ts';

export interface AnalyzerOptions {
  /** Stemming (Porter for English, Snowball for other languages that have one); default true. */
  stem?: boolean;
  /** Lower-case words to drop (matched before stemming); default the language's (Lucene's 33 for English). */
  stopWords?: Iterable<string>;
  /** ISO 639-1 code of the text's language (e.g. 'de', 'fr', 'zh'); default (and '', 'en', 'und'): English. */
  language?: string;
  /** Also emit the parts of identifiers (parseHttpHeader → parsehttpheader, pars, http, header); default false. */
  splitIdentifiers?: boolean;
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

const segmenters = new Map<string, Intl.Segmenter | null>();
/** A word segmenter for the language ('' = the runtime's default locale), or null where Intl.Segmenter is missing. */
function wordSegmenter(language: string): Intl.Segmenter | null {
  let segmenter = segmenters.get(language);
  if (segmenter === undefined) {
    segmenter =
      typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(language || undefined, { granularity: 'word' }) : null;
    segmenters.set(language, segmenter);
  }
  return segmenter;
}

/** '' for English (the default analysis), else the base ISO code. */
function analysisLanguage(language: string | undefined): string {
  const base = baseLanguage(language);
  return base === 'en' || base === 'und' ? '' : base;
}

export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const language = analysisLanguage(options.language);
  const english = language === '';
  const stopWords = new Set(options.stopWords ?? (english ? ENGLISH_STOP_WORDS : stopWordsFor(language)));
  const stemming = options.stem ?? true;
  // English: Porter (as Lucene's EnglishAnalyzer). Others: Snowball where it exists, else no stemming.
  const stemFn = !stemming ? undefined : english ? stem : snowballStemmerFor(language);
  const splitIds = options.splitIdentifiers ?? false;

  /** Lower-cased word → term, or null when it is dropped. */
  function normalize(lower: string): string | null {
    const n = lower.length;
    if (english && n >= 2 && lower.charCodeAt(n - 1) === 115 /* s */) {
      const q = lower.charCodeAt(n - 2);
      if (q === 39 || q === 0x2019 || q === 0xff07) lower = lower.slice(0, n - 2); // ' ’ ＇
    }
    if (!english) lower = stripElision(language, lower);
    if (lower.length === 0 || lower.length > MAX_TOKEN_LENGTH || stopWords.has(lower)) return null;
    return stemFn ? stemFn(lower) : lower;
  }

  /** Emits the term of one word, then (for code) the terms of its identifier parts that differ from it. */
  function emit(original: string, lower: string, start: number, terms: string[], offsets: number[] | null): void {
    const term = normalize(lower);
    if (term !== null) {
      terms.push(term);
      offsets?.push(start, start + original.length);
    }
    if (!splitIds) return;
    for (const part of splitIdentifier(original)) {
      const t = normalize(part.text.toLowerCase());
      if (t === null || t === term) continue;
      terms.push(t);
      offsets?.push(start + part.start, start + part.end);
    }
  }

  /** Cuts a no-spaces run with Intl.Segmenter (or into single characters where it is missing). */
  function segment(word: string, offset: number, terms: string[], offsets: number[] | null): void {
    const seg = wordSegmenter(language);
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
        if (splitIds) {
          emit(text.slice(m.index, m.index + m[0].length), m[0], m.index, terms, offsets); // case kept for splitting
          continue;
        }
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
      emit(word, word.toLowerCase(), m.index, terms, offsets);
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
const cachedAnalyzers = new Map<string, Analyzer>();

/**
 * The analyzer for a language (ISO 639-1; undefined/'en' = English) and kind of text, built once and kept:
 * documents and the queries matched against them must go through the same one.
 */
export function analyzerFor(language?: string, splitIdentifiers = false): Analyzer {
  const lang = analysisLanguage(language);
  if (lang === '' && !splitIdentifiers) return defaultAnalyzer;
  const key = `${lang}|${splitIdentifiers ? 1 : 0}`;
  let analyzer = cachedAnalyzers.get(key);
  if (!analyzer) {
    analyzer = createAnalyzer({ language: lang, splitIdentifiers });
    cachedAnalyzers.set(key, analyzer);
  }
  return analyzer;
}

/** Options as given, or a language code (analyze(text, 'de')). */
function resolve(options: AnalyzerOptions | string | undefined): Analyzer {
  if (options === undefined) return defaultAnalyzer;
  if (typeof options === 'string') return analyzerFor(options);
  const keys = Object.keys(options);
  if (keys.every((k) => k === 'language' || k === 'splitIdentifiers'))
    return analyzerFor(options.language, options.splitIdentifiers);
  return createAnalyzer(options);
}

/** Terms of `text`: English by default (stemming on, Lucene's stop words), or as `language` / options say. */
export function analyze(text: string, options?: AnalyzerOptions | string): string[] {
  return resolve(options).analyze(text);
}

export function analyzeWithOffsets(text: string, options?: AnalyzerOptions | string): TermSpan[] {
  return resolve(options).analyzeWithOffsets(text);
}

/**
 * Query terms for a library holding documents in several languages: the query analysed as each of them (English
 * always included), terms deduplicated in first-seen order. A term a language's analysis yields but no document
 * holds simply scores nothing, so each document is matched with the analysis it was indexed with.
 */
export function analyzeQuery(query: string, languages: readonly string[] = [], splitIdentifiers = false): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  const langs = new Set(['', ...languages.map(analysisLanguage)]);
  for (const lang of langs) {
    for (const term of analyzerFor(lang, splitIdentifiers).analyze(query)) {
      if (!seen.has(term)) {
        seen.add(term);
        terms.push(term);
      }
    }
  }
  return terms;
}

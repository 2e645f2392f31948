// Per-language keyword analysis: stop words (stopwords-iso) and Snowball stemmers (snowball-stemmers) by ISO 639-1
// code. English is not here on purpose: it keeps Lucene's 33 stop words and Porter (see analyzer.ts), for parity
// with Anserini's BM25 baselines.
import snowball from 'snowball-stemmers';
import stopwordsIso from 'stopwords-iso/stopwords-iso.json';

/** ISO 639-1 → Snowball algorithm name (the languages snowball-stemmers implements). */
const SNOWBALL: Readonly<Record<string, string>> = {
  ar: 'arabic',
  hy: 'armenian',
  eu: 'basque',
  ca: 'catalan',
  cs: 'czech',
  da: 'danish',
  nl: 'dutch',
  fi: 'finnish',
  fr: 'french',
  de: 'german',
  hu: 'hungarian',
  it: 'italian',
  ga: 'irish',
  no: 'norwegian',
  nb: 'norwegian',
  nn: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  es: 'spanish',
  sl: 'slovene',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
};

/** Languages that elide articles and pronouns with an apostrophe: l'orchestre → orchestre (as Lucene's ElisionFilter). */
const ELISION: Readonly<Record<string, RegExp>> = {
  fr: /^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’](?=\p{L}{2})/u,
  it: /^(?:[cdlmnstv]|all|dall|dell|nell|sull|coll|pell|gl|agl|dagl|degl|negl|sugl|un)['’](?=\p{L}{2})/u,
  ca: /^[dlmnst]['’](?=\p{L}{2})/u,
  ga: /^[bdmt]['’](?=\p{L}{2})/u,
};

const STOP_WORDS = stopwordsIso as Readonly<Record<string, readonly string[]>>;

/** "de-AT", "DE", "de_CH" → "de"; '' for nothing usable. */
export function baseLanguage(code: string | undefined): string {
  return (code ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

export function hasSnowballStemmer(language: string): boolean {
  return baseLanguage(language) in SNOWBALL;
}

/** Stop words of a language (stopwords-iso), lower-cased; [] for languages it does not list. */
export function stopWordsFor(language: string): readonly string[] {
  return STOP_WORDS[baseLanguage(language)] ?? [];
}

/** A memoised Snowball stemmer for the language, or undefined where none exists (Chinese, Japanese, Thai…). */
export function snowballStemmerFor(language: string): ((word: string) => string) | undefined {
  const name = SNOWBALL[baseLanguage(language)];
  if (!name) return undefined;
  const stemmer = snowball.newStemmer(name);
  const cache = new Map<string, string>();
  return (word) => {
    let s = cache.get(word);
    if (s === undefined) {
      s = stemmer.stem(word);
      if (cache.size >= 100_000) cache.clear(); // words repeat (Zipf): a bounded memo pays for itself
      cache.set(word, s);
    }
    return s;
  };
}

/** Strips an elided article/pronoun ("l'", "dell'") for the languages that use them; the word otherwise. */
export function stripElision(language: string, word: string): string {
  const re = ELISION[baseLanguage(language)];
  return re ? word.replace(re, '') : word;
}

// Which language a document is written in, with eld (n-gram detector, pure JS: works in the worker and in Node).
// Its ~1 MB "extrasmall" n-gram table is loaded on first use (a separate chunk), not with the engine.

export interface DetectedLanguage {
  /** ISO 639-1 code, e.g. 'de'. */
  language: string;
  /** eld's score of the winner, 0-1 (about 0.7-0.85 on clean prose). */
  confidence: number;
  /** eld's own verdict: enough text and a clear winner. */
  reliable: boolean;
}

interface Eld {
  detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean };
}

let loading: Promise<Eld> | undefined;
function loadEld(): Promise<Eld> {
  loading ??= import('eld/extrasmall')
    .then((m) => m.eld as unknown as Eld)
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

/** Characters looked at per window; three windows (start, middle, end) keep the cost flat on long documents. */
const WINDOW = 1500;
const MIN_LETTERS = 20;

/** A bounded sample of the text: its start, middle and end. */
export function languageSample(text: string): string {
  if (text.length <= WINDOW * 3) return text;
  const mid = Math.floor(text.length / 2 - WINDOW / 2);
  return [text.slice(0, WINDOW), text.slice(mid, mid + WINDOW), text.slice(-WINDOW)].join('\n');
}

/** The document's language, or undefined when the text is too short or too mixed to tell. */
export async function detectLanguage(text: string): Promise<DetectedLanguage | undefined> {
  const sample = languageSample(text);
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters < MIN_LETTERS) return undefined;
  const eld = await loadEld();
  const result = eld.detect(sample);
  if (!result.language) return undefined;
  const confidence = result.getScores()[result.language] ?? 0;
  return { language: result.language, confidence, reliable: result.isReliable() };
}

/**
 * Whether a library is mostly not English, weighting each document by its length: when true, the UI suggests
 * the multilingual embedding model. Documents of unknown language count as neither.
 */
export function mostlyNonEnglish(documents: Iterable<{ language?: string; chars: number }>): boolean {
  let english = 0;
  let other = 0;
  for (const d of documents) {
    if (!d.language) continue;
    if (d.language === 'en') english += d.chars;
    else other += d.chars;
  }
  return other > english;
}

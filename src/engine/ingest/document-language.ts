// A document's language for the library: the parser's own (an EPUB's declared language) or the detector's when it
// is sure, never for code. The stored language decides how its passages are analysed for keyword search, so a
// document the detector is unsure of is indexed as before (English analysis).
import { analyzerFor } from '../lexical/analyzer.ts';
import { baseLanguage } from '../lexical/languages.ts';
import type { DocumentFormat, ParsedDocument } from '../core/types.ts';
import { detectLanguage } from './language.ts';

export async function documentLanguage(
  parsed: Pick<ParsedDocument, 'format' | 'text' | 'language'>,
): Promise<string | undefined> {
  if (parsed.format === 'code') return undefined;
  if (parsed.language) return baseLanguage(parsed.language) || undefined;
  try {
    const detected = await detectLanguage(parsed.text);
    return detected?.reliable ? detected.language : undefined;
  } catch {
    return undefined; // the detector's table failed to load: index as before
  }
}

/** The keyword-index terms of a passage of a document in `language` (code: identifiers split too). */
export function termsOf(text: string, doc: { format: DocumentFormat; language?: string }): string[] {
  return analyzerFor(doc.language, doc.format === 'code').analyze(text);
}

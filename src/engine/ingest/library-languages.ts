// What the library holds, for query analysis and the model suggestion: its documents' languages, whether it has
// code, and whether it is mostly not English.
import type { DocumentRecord } from '../store/store.ts';
import { mostlyNonEnglish } from './language.ts';

export interface LibraryLanguages {
  /** Distinct stored languages (ISO 639-1), in first-seen order. */
  languages: string[];
  hasCode: boolean;
  mostlyNonEnglish: boolean;
}

export function libraryLanguages(
  docs: Iterable<Pick<DocumentRecord, 'language' | 'format' | 'size'>>,
): LibraryLanguages {
  const languages = new Set<string>();
  const weighted: Array<{ language?: string; chars: number }> = [];
  let hasCode = false;
  for (const doc of docs) {
    if (doc.format === 'code') hasCode = true;
    if (doc.language) languages.add(doc.language);
    // File size stands in for text length (the catalogue does not hold texts).
    weighted.push({ language: doc.language, chars: doc.size });
  }
  return { languages: [...languages], hasCode, mostlyNonEnglish: mostlyNonEnglish(weighted) };
}

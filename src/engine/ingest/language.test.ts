import { describe, expect, it } from 'vitest';
import { detectLanguage, languageSample, mostlyNonEnglish } from './language.ts';

describe('detectLanguage', () => {
  it('names the language of German, French, Chinese, Japanese and English prose with a confidence', async () => {
    const samples: [string, string][] = [
      ['de', 'Der Leuchtturmwärter zählte im Morgengrauen die Basstölpel und schrieb sie in sein Logbuch.'],
      ['fr', "Le gardien du phare comptait les fous de Bassan à l'aube et les notait dans son carnet."],
      ['zh', '灯塔看守人在黎明时数了塘鹅，并把它们记在日志里。'],
      ['ja', '灯台守は夜明けにカツオドリを数えて、航海日誌に書き込んだ。'],
      ['en', 'The lighthouse keeper counted the gannets at dawn and wrote them in his logbook.'],
    ];
    for (const [language, text] of samples) {
      const detected = await detectLanguage(text);
      expect(detected?.language, text).toBe(language);
      expect(detected!.confidence).toBeGreaterThan(0.5);
      expect(detected!.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('returns undefined for text too short or without letters', async () => {
    expect(await detectLanguage('ok')).toBeUndefined();
    expect(await detectLanguage('1234 5678 90 -- 3.14159 2.71828 1.41421')).toBeUndefined();
  });

  it('looks at a bounded sample of long documents (start, middle, end)', () => {
    const text = 'a'.repeat(10_000) + 'MIDDLE' + 'b'.repeat(10_000);
    const sample = languageSample(text);
    expect(sample.length).toBeLessThan(5000);
    expect(sample).toContain('MIDDLE');
    expect(languageSample('short')).toBe('short');
  });
});

describe('mostlyNonEnglish', () => {
  it('weighs documents by length and ignores unknown languages', () => {
    expect(
      mostlyNonEnglish([
        { language: 'de', chars: 900 },
        { language: 'en', chars: 100 },
      ]),
    ).toBe(true);
    expect(mostlyNonEnglish([{ language: 'de', chars: 100 }, { language: 'en', chars: 900 }, { chars: 5000 }])).toBe(
      false,
    );
    expect(mostlyNonEnglish([])).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { PiiMatch } from '../pii.ts';
import { spelledEmailDetector } from './spelled-email.ts';

const found = (text: string) => {
  const out: PiiMatch[] = [];
  spelledEmailDetector.find(text, out);
  return out.map((m) => text.slice(m.start, m.end));
};

describe('spelled-out e-mail addresses', () => {
  it('finds "at"/"dot" spellings with words, brackets and real dots', () => {
    expect(found('Write to jane.doe at example dot com today.')).toEqual(['jane.doe at example dot com']);
    expect(found('Contact: jane (at) mail [dot] example {dot} org')).toEqual([
      'jane (at) mail [dot] example {dot} org',
    ]);
    expect(found('josé[at]bücher.de')).toEqual(['josé[at]bücher.de']);
    expect(found('AT caps: Bob AT Example DOT Net')).toEqual(['Bob AT Example DOT Net']);
  });

  it('leaves prose without a domain-like tail alone', () => {
    expect(found('We met at noon and left at 5.')).toEqual([]);
    expect(found('look at this dot')).toEqual([]);
    expect(found('version 2 at build 3 dot 4')).toEqual([]);
  });

  it('runs in linear time on adversarial input', () => {
    const text = 'a at b'.concat(' dot b'.repeat(20_000), ' dot 1');
    const out: PiiMatch[] = [];
    spelledEmailDetector.find(text, out);
    expect(out.length).toBeLessThanOrEqual(1);
  });
});

describe('spelled-out addresses in redaction', () => {
  it('are redacted as [EMAIL] when the user opts in, and left alone by the default detectors', async () => {
    const { redactText } = await import('../redact.ts');
    const { DEFAULT_SETTINGS } = await import('../../settings/settings.ts');
    const text = 'Mail jane.doe at example dot com or jane@example.com.';
    expect(redactText(text, { types: DEFAULT_SETTINGS.redactTypes }).text).toBe(
      'Mail jane.doe at example dot com or [EMAIL].',
    );
    expect(redactText(text, { types: [...DEFAULT_SETTINGS.redactTypes, 'email-spelled'] }).text).toBe(
      'Mail [EMAIL] or [EMAIL].',
    );
  });
});

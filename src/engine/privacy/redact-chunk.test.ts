// Redaction runs between parsing and chunking: the chunker must take its output as it takes a parser's.
import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../ingest/chunker.ts';
import { parseFile } from '../ingest/parsers/index.ts';
import { blockProblems, chunkProblems, uncovered } from '../testing/ingest-test-utils.ts';
import { redactDocument } from './redact.ts';

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('redact, then chunk', () => {
  it('gives the chunker a valid document: headings kept, chunks exact, no planted value left', async () => {
    const markdown = [
      '# Contacts for alice@example.com',
      '',
      'Reach the desk on +44 20 7946 0958 or write to bob@example.org. The server sits at 10.20.30.40.',
      '',
      '## Payments',
      '',
      'Card 4111 1111 1111 1111 and IBAN DE89 3704 0044 0532 0130 00 were used on 2024-01-15.',
      '',
      '## Notes',
      '',
      'SSN 123-45-6789 is on file. Nothing else here, version 2.4.1.',
    ].join('\n');
    const parsed = await parseFile(new TextEncoder().encode(markdown), 'contacts.md', 'text/markdown');
    const { document, report } = redactDocument(parsed);
    expect(blockProblems(document)).toEqual([]);
    const options = { maxTokens: 12, overlapTokens: 2, countTokens: words };
    const chunks = chunkDocument(document, options);
    expect(chunkProblems(document, chunks, options)).toEqual([]);
    expect(uncovered(document, chunks)).toEqual([]);
    const all = chunks.map((c) => `${c.headingPath.join(' / ')} ${c.text}`).join('\n');
    for (const value of ['alice@', '7946', 'bob@', '10.20.30.40', '4111', 'DE89', '123-45-6789'])
      expect(all).not.toContain(value);
    expect(chunks.some((c) => c.headingPath.includes('Payments') && c.text.includes('[CARD]'))).toBe(true);
    expect(chunks.some((c) => c.text.includes('2024-01-15'))).toBe(true);
    expect(report.counts).toMatchObject({ email: 2, phone: 1, ip: 1, card: 1, iban: 1, ssn: 1 });
  });
});

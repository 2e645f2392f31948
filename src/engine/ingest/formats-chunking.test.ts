// Every new format through today's chunker (which knows only headings and paragraphs): the invariants hold —
// chunks slice the text exactly, stay in budget and lose nothing — and heading paths come through. (It still packs
// neighbouring 'record' blocks together and cuts 'code' by sentences.)
import { describe, expect, it } from 'vitest';
import { formatFixtures } from '../../../scripts/make-format-fixtures.mjs';
import type { ChunkerOptions, Parser } from '../core/types.ts';
import { chunkDocument } from './chunker.ts';
import { codeParser, csvParser, docxParser, epubParser, jsonParser } from './parsers/index.ts';
import { chunkProblems, uncovered } from '../testing/ingest-test-utils.ts';

const words = (s: string) => (s.match(/\S+/g) ?? []).length;
const opts: ChunkerOptions = { maxTokens: 40, overlapTokens: 0, countTokens: words };

const cases: [Parser, string][] = [
  [docxParser, 'report.docx'],
  [epubParser, 'voyage.epub'],
  [csvParser, 'catalogue.csv'],
  [csvParser, 'tides.tsv'],
  [jsonParser, 'letters.json'],
  [jsonParser, 'events.jsonl'],
  [codeParser, 'src/httpHeaders.ts'],
  [codeParser, 'src/tide_table.py'],
];

describe('new formats through the chunker', () => {
  for (const [parser, name] of cases) {
    it(`${name}: chunks slice the text exactly, stay in budget and cover every block`, async () => {
      const doc = await parser.parse(formatFixtures()[name]!, name);
      const chunks = chunkDocument(doc, opts);
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunkProblems(doc, chunks, opts)).toEqual([]);
      expect(uncovered(doc, chunks)).toEqual([]);
    });
  }

  it('cites the heading path of DOCX sections and EPUB chapters', async () => {
    const docx = await docxParser.parse(formatFixtures()['report.docx']!, 'report.docx');
    const kettles = chunkDocument(docx, opts).find((c) => c.text.includes('copper kettles'));
    expect(kettles?.headingPath).toEqual(['Harbour Report', 'Equipment']);
    const epub = await epubParser.parse(formatFixtures()['voyage.epub']!, 'voyage.epub');
    const albatross = chunkDocument(epub, opts).find((c) => c.text.includes('albatross'));
    expect(albatross?.headingPath).toEqual(['The Crossing']);
  });
});

import { describe, expect, it } from 'vitest';
import { formatFixtures } from '../../../scripts/make-format-fixtures.mjs';
import type { ChunkerOptions, ParsedDocument, TextBlock } from '../core/types.ts';
import { chunkDocument } from './chunker.ts';
import { codeParser } from './parsers/code.ts';
import { csvParser } from './parsers/csv.ts';
import { chunkStructured } from './structured-chunks.ts';
import { chunkProblems, seededRandom, uncovered } from '../testing/ingest-test-utils.ts';

const words = (s: string) => (s.match(/\S+/g) ?? []).length;
const opts = (maxTokens: number, overlapTokens = 0): ChunkerOptions => ({
  maxTokens,
  overlapTokens,
  countTokens: words,
});

function check(doc: ParsedDocument, options: ChunkerOptions) {
  const chunks = chunkStructured(doc, options);
  expect(chunkProblems(doc, chunks, options)).toEqual([]);
  expect(uncovered(doc, chunks)).toEqual([]);
  return chunks;
}

describe('chunkStructured', () => {
  it('gives each table row its own chunk with its row and fields, never packed with neighbours or overlapped', async () => {
    const doc = await csvParser.parse(formatFixtures()['catalogue.csv']!, 'catalogue.csv');
    const chunks = check(doc, opts(200, 20));
    expect(chunks.map((c) => c.row)).toEqual([1, 2, 3]);
    expect(chunks[1]!.text).toBe('A hand-bound herbarium of alpine mosses, pressed and labelled');
    expect(chunks[1]!.fields).toEqual({ id: '2', title: 'Herbarium', year: '1934' });
  });

  it('cuts an oversized row between its lines, every piece keeping the row', () => {
    const text = Array.from({ length: 30 }, (_, i) => `line ${i} of the long row`).join('\n');
    const doc: ParsedDocument = {
      format: 'json',
      text,
      blocks: [{ start: 0, end: text.length, kind: 'record', row: 7, fields: { k: 1 } }],
    };
    const chunks = check(doc, opts(20));
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.row === 7 && c.fields?.k === 1)).toBe(true);
  });

  it('cuts code between lines, preferring the parser’s cuts at top-level definitions', async () => {
    const source = [
      'import { a } from "./a";',
      '',
      'export function parseHttpHeader(line: string) {',
      '  const [name, value] = line.split(":");',
      '  return { name, value };',
      '}',
      '',
      'export function formatHeader(name: string, value: string) {',
      '  return `${name}: ${value}`;',
      '}',
    ].join('\n');
    const doc = await codeParser.parse(new TextEncoder().encode(source), 'http.ts');
    const chunks = check(doc, opts(16));
    for (const c of chunks) expect(c.text.split('\n').every((line) => source.includes(line))).toBe(true);
    expect(chunks.some((c) => c.text.startsWith('export function formatHeader'))).toBe(true);
    // No chunk ends mid-line.
    for (const c of chunks) expect(['\n', undefined]).toContain(source[c.end]);
  });

  it('cuts a minified one-line file within the budget', () => {
    const rand = seededRandom(3);
    const text = Array.from({ length: 3000 }, () => `v${Math.floor(rand() * 1000)}=f(${Math.floor(rand() * 9)});`).join(
      ' ',
    );
    const doc: ParsedDocument = { format: 'code', text, blocks: [{ start: 0, end: text.length, kind: 'code' }] };
    check(doc, opts(50));
  });

  it('chunks prose exactly as the sentence chunker does, and keeps headings above code in the path', () => {
    const prose = 'Intro\n\nFirst paragraph. Second sentence here.\n\nDetails\n\nMore text follows.';
    const plain: ParsedDocument = { format: 'markdown', text: prose, blocks: [] };
    expect(chunkStructured(plain, opts(8))).toEqual(chunkDocument(plain, opts(8)));
    const text = 'Guide\n\nSome words.\n\nrun(x)\nstop(y)';
    const blocks: TextBlock[] = [
      { start: 0, end: 5, kind: 'heading', level: 1 },
      { start: 7, end: 18, kind: 'paragraph' },
      { start: 20, end: text.length, kind: 'code' },
    ];
    const chunks = check({ format: 'markdown', text, blocks }, opts(50));
    expect(chunks.at(-1)).toMatchObject({ text: 'run(x)\nstop(y)', headingPath: ['Guide'] });
  });

  it('is linear: 20,000 rows chunk quickly', () => {
    let text = '';
    const blocks: TextBlock[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (i) text += '\n';
      const row = `row ${i} says something about item ${i}`;
      blocks.push({ start: text.length, end: text.length + row.length, kind: 'record', row: i + 1 });
      text += row;
    }
    const chunks = chunkStructured({ format: 'csv', text, blocks }, opts(100));
    expect(chunks).toHaveLength(20_000);
    expect(chunks[19_999]!.row).toBe(20_000);
  });
});

import { describe, expect, it } from 'vitest';
import { formatFixtures } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { CsvParser, csvParser, previewTable } from './csv.ts';
import { suggestTextFields } from './records.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const texts = (doc: { text: string; blocks: { start: number; end: number }[] }) =>
  doc.blocks.map((b) => doc.text.slice(b.start, b.end));

async function rejection(p: Promise<unknown>): Promise<TroveError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

describe('csv parser', () => {
  it('makes each row a record block: long text fields as text, the rest as metadata, rows numbered', async () => {
    const doc = await csvParser.parse(formatFixtures()['catalogue.csv']!, 'catalogue.csv');
    expect(doc.format).toBe('csv');
    expect(texts(doc)).toEqual([
      'Pencil sketches of coastal birds, with notes on their calls',
      'A hand-bound herbarium of alpine mosses, pressed and labelled',
      'Daily weather entries from the lighthouse, written in blue ink',
    ]);
    expect(doc.blocks.map((b) => [b.kind, b.row])).toEqual([
      ['record', 1],
      ['record', 2],
      ['record', 3],
    ]);
    expect(doc.blocks[1]!.fields).toEqual({ id: '2', title: 'Herbarium', year: '1934' });
    expect(blockProblems(doc)).toEqual([]);
  });

  it('reads TSV by its extension, and quoted fields with commas, quotes and line breaks', async () => {
    const tsv = await csvParser.parse(formatFixtures()['tides.tsv']!, 'tides.tsv');
    expect(texts(tsv)[2]).toBe('The spring tide flooded the salt marsh past the fence posts');
    expect(tsv.blocks[2]!.fields).toEqual({ date: '2026-03-03', place: 'Salt marsh' });
    const csv = await csvParser.parse(
      enc('k,v\r\n1,"He said ""hello, there"" and\r\nleft the room quietly"\r\n'),
      'q.csv',
    );
    expect(texts(csv)).toEqual(['He said "hello, there" and\nleft the room quietly']);
  });

  it('uses the text fields the user chose, numbers included', async () => {
    const parser = new CsvParser({ textFields: ['title', 'year'] });
    const doc = await parser.parse(formatFixtures()['catalogue.csv']!, 'catalogue.csv');
    expect(texts(doc)[0]).toBe('Field notebook\n1921');
    expect(doc.blocks[0]!.fields).toEqual({
      id: '1',
      description: 'Pencil sketches of coastal birds, with notes on their calls',
    });
  });

  it('falls back to every non-numeric string field when no field has long text', async () => {
    const doc = await csvParser.parse(enc('sku;name;price\n1;Red kettle;12.50\n2;Blue mug;4\n'), 'shop.csv'); // ';' guessed
    expect(texts(doc)).toEqual(['Red kettle', 'Blue mug']);
    expect(doc.blocks[0]!.fields).toEqual({ sku: '1', price: '12.50' });
    expect(suggestTextFields([{ a: '1', b: 'x y z w' }], ['a', 'b'])).toEqual(['b']);
  });

  it('previews fields, default text fields and the first rows', () => {
    const preview = previewTable(formatFixtures()['catalogue.csv']!, 'catalogue.csv', 2);
    expect(preview).toEqual({
      fields: ['id', 'title', 'description', 'year'],
      suggestedTextFields: ['description'],
      rows: [
        {
          id: '1',
          title: 'Field notebook',
          description: 'Pencil sketches of coastal birds, with notes on their calls',
          year: '1921',
        },
        {
          id: '2',
          title: 'Herbarium',
          description: 'A hand-bound herbarium of alpine mosses, pressed and labelled',
          year: '1934',
        },
      ],
      sampled: 3,
    });
  });

  it('streams a large table (100k rows) into one record per row, linear in size', async () => {
    const lines = ['id,note'];
    for (let i = 1; i <= 100_000; i++) lines.push(`${i},Row ${i} holds a short note about item ${i}`);
    const doc = await csvParser.parse(enc(lines.join('\n')), 'big.csv');
    expect(doc.blocks).toHaveLength(100_000);
    const last = doc.blocks[99_999]!;
    expect([last.row, doc.text.slice(last.start, last.end), last.fields]).toEqual([
      100_000,
      'Row 100000 holds a short note about item 100000',
      { id: '100000' },
    ]);
  });

  it('fails on an unterminated quote naming the file and the line', async () => {
    const error = await rejection(
      csvParser.parse(enc('id,text\n1,fine row of text\n2,"broken row, never closed\n3,more\n'), 'broken.csv'),
    );
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toBe('“broken.csv”: a quoted field is never closed (line 3). Check the quotes in that row.');
  });

  it('warns about rows with too many or too few fields and keeps their values', async () => {
    const doc = await csvParser.parse(enc('a,b\nthe first row of words,x,extra value\nshort\n'), 'ragged.csv');
    expect(doc.warnings).toEqual(['2 rows have more or fewer fields than the header.']);
    expect(doc.blocks[0]!.fields).toEqual({ b: 'x', extra: 'extra value' });
  });

  it('rejects a table without text, and a header-only file, as EMPTY_DOCUMENT', async () => {
    expect((await rejection(csvParser.parse(enc('a,b\n1,2\n3,4\n'), 'numbers.csv'))).message).toBe(
      '“numbers.csv” has no rows with text to index (fields: a, b).',
    );
    expect((await rejection(csvParser.parse(enc('a,b\n'), 'header.csv'))).code).toBe('EMPTY_DOCUMENT');
  });

  it('is cancelled by an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(csvParser.parse(enc('a\nx'), 'x.csv', controller.signal))).code).toBe('CANCELLED');
  });
});

import { describe, expect, it } from 'vitest';
import { formatFixtures } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { JsonParser, jsonErrorOffset, jsonParser, previewJson } from './json.ts';
import { flattenObject } from './records.ts';

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

describe('json parser', () => {
  it('makes each object of an array a record, numbered by position, other fields as metadata', async () => {
    const doc = await jsonParser.parse(formatFixtures()['letters.json']!, 'letters.json');
    expect(doc.format).toBe('json');
    expect(texts(doc)[1]).toBe('Please tell your father that the orchard ladder needs a new rung.');
    expect(doc.blocks[1]).toMatchObject({ kind: 'record', row: 2, fields: { id: 2, from: 'Ben', date: '2026-04-09' } });
    expect(blockProblems(doc)).toEqual([]);
  });

  it('numbers JSON Lines records by their line, skipping blank lines', async () => {
    const doc = await jsonParser.parse(
      enc('{"t":"first record with some words"}\n\n{"t":"third line record with words"}\n'),
      'x.jsonl',
    );
    expect(doc.blocks.map((b) => b.row)).toEqual([1, 3]);
    const fixture = await jsonParser.parse(formatFixtures()['events.jsonl']!, 'events.jsonl');
    expect(fixture.blocks[2]).toMatchObject({ row: 3, fields: { day: 3, kind: 'volunteering' } });
  });

  it('finds the array inside a wrapper object, flattens nested fields and joins scalar arrays', async () => {
    const doc = await jsonParser.parse(
      enc(
        JSON.stringify({
          version: 2,
          items: [{ body: 'a note about the garden shed roof', meta: { author: { name: 'Ada' } }, tags: ['x', 'y'] }],
        }),
      ),
      'wrapped.json',
    );
    expect(texts(doc)).toEqual(['a note about the garden shed roof']);
    expect(doc.blocks[0]!.fields).toEqual({ 'meta.author.name': 'Ada', tags: 'x, y' });
    expect(flattenObject('just a string')).toEqual({ value: 'just a string' });
  });

  it('uses chosen text fields', async () => {
    const doc = await new JsonParser({ textFields: ['from'] }).parse(formatFixtures()['letters.json']!, 'letters.json');
    expect(texts(doc)).toEqual(['Ada', 'Ben', 'Cleo']);
  });

  it('previews fields and default text fields', () => {
    const preview = previewJson(formatFixtures()['letters.json']!, 'letters.json', 1);
    expect(preview.fields).toEqual(['id', 'from', 'date', 'body']);
    expect(preview.suggestedTextFields).toEqual(['body']);
    expect(preview.rows).toHaveLength(1);
  });

  it('reports invalid JSON with the file and the line of the mistake', async () => {
    let error = await rejection(jsonParser.parse(enc('[\n  {"a": 1},\n  {"a": }\n]'), 'bad.json'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/^“bad\.json” is not valid JSON at line 3: /);
    error = await rejection(
      jsonParser.parse(enc('{"t":"ok line of text here"}\n{"t":"ok too, more words"}\n{"t": oops}\n'), 'bad.jsonl'),
    );
    expect(error.message).toMatch(/^“bad\.jsonl” is not valid JSON at line 3: /);
    error = await rejection(jsonParser.parse(enc('[1,\n2,\n'), 'cut.json'));
    expect(error.message).toMatch(/at line 3/);
  });

  it('locates syntax errors the way a reader would', () => {
    expect(jsonErrorOffset('{"a": }')).toBe(6);
    expect(jsonErrorOffset('[1, 2] x')).toBe(7);
    expect(jsonErrorOffset('{"a": "b\\"c"}')).toBe(-1);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
  });

  it('reads 50k JSONL records linearly', async () => {
    const lines: string[] = [];
    for (let i = 1; i <= 50_000; i++) lines.push(JSON.stringify({ n: i, text: `record ${i} says something short` }));
    const doc = await jsonParser.parse(enc(lines.join('\n')), 'big.jsonl');
    expect(doc.blocks).toHaveLength(50_000);
    expect(doc.blocks[49_999]).toMatchObject({ row: 50_000, fields: { n: 50_000 } });
  });

  it('rejects objects without text as EMPTY_DOCUMENT', async () => {
    const error = await rejection(jsonParser.parse(enc('[{"a":1},{"a":2}]'), 'nums.json'));
    expect(error).toMatchObject({
      code: 'EMPTY_DOCUMENT',
      message: '“nums.json” has no objects with text to index (fields: a).',
    });
  });
});

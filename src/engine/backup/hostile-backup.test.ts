// Hostile .trove files: crafted section by section (past the writer's checks), each must be refused at import with
// IMPORT_INVALID and nothing written, and what the exporters write must never carry the attacker's text as code.
import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { VectorSet, type IndexPolicy } from '../library/vector-set.ts';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import type { BackupEntry, BackupManifest } from './backup-types.ts';
import { encodeSection, fileHeader, jsonBytes, type SectionKind } from './container.ts';
import { encodeEntry } from './entry-codec.ts';
import { openPassages, type ExportPassage } from './passages.ts';
import { pgvectorSql } from './pgvector-export.ts';
import { qdrantJsonLines, qdrantPoint } from './qdrant-export.ts';
import { importBackup, verifyBackup } from './read-backup.ts';
import { storeBackupSink, storeBackupSource } from './store-backup.ts';
import { backupToBytes } from './write-backup.ts';

const DIMS = 4;
const MODEL = { id: 'crafted', fingerprint: 'crafted@1|fp32|4|mean', dims: DIMS };
const INJECTION = `NULL,'{}','{}',0,0,'x','[1,0,0,0]'); DROP TABLE victims; CREATE TABLE pwned(x int); --`;

type RawSection = [SectionKind, unknown];
/** A plain object standing for one section: an entry, or a kind and a JSON value written as is. */
type CraftedSection = BackupEntry | RawSection;

/** A small honest library, as plain objects a test can change before crafting the file. */
function honestLibrary() {
  const text = 'alpha beta gamma delta';
  const document = { id: 1, name: 'a.md', format: 'markdown', size: 22, addedAt: 1, status: 'ready', chunkCount: 2 };
  const chunks = [
    {
      id: 1,
      docId: 1,
      text: 'alpha beta',
      start: 0,
      end: 10,
      page: 1,
      headingPath: [],
      tokenCount: 2,
      terms: ['alpha', 'beta'],
    },
    {
      id: 2,
      docId: 1,
      text: 'gamma delta',
      start: 11,
      end: 22,
      headingPath: ['H'],
      tokenCount: 2,
      terms: ['gamma', 'delta'],
    },
  ];
  const vectors = Float32Array.from([1, 0, 0, 0, 0, 0.6, 0.8, 0]);
  return { text, document, chunks, vectors };
}

function honestSections(lib = honestLibrary()): CraftedSection[] {
  return [
    [
      'DOCU',
      {
        document: lib.document,
        text: {
          docId: lib.document.id,
          text: lib.text,
          blocks: [{ start: 0, end: lib.text.length, kind: 'paragraph' }],
        },
      },
    ],
    ['CHNK', { docId: lib.document.id, chunks: lib.chunks }],
    {
      kind: 'vectors',
      batch: {
        docId: 1,
        fingerprint: MODEL.fingerprint,
        dims: DIMS,
        chunkIds: Uint32Array.from([1, 2]),
        vectors: lib.vectors,
      },
    },
  ];
}

/** The bytes of a file holding these sections, with a manifest and end section that agree with them. */
async function craftBackup(sections: CraftedSection[], manifest: Partial<BackupManifest> = {}): Promise<Uint8Array> {
  const counts = { documents: 0, chunks: 0, vectors: 0, indexPages: 0 };
  const encoded: Array<[SectionKind, Uint8Array]> = sections.map((section) => {
    if (Array.isArray(section)) {
      const [kind, value] = section;
      const v = value as { chunks?: unknown[] };
      if (kind === 'DOCU') counts.documents++;
      if (kind === 'CHNK' && Array.isArray(v.chunks)) counts.chunks += v.chunks.length;
      return [kind, value instanceof Uint8Array ? value : jsonBytes(value)];
    }
    if (section.kind === 'document') counts.documents++;
    if (section.kind === 'chunks') counts.chunks += section.chunks.length;
    if (section.kind === 'vectors') counts.vectors += section.batch.chunkIds.length;
    if (section.kind === 'indexPage') counts.indexPages++;
    return encodeEntry(section);
  });
  const full: BackupManifest = {
    format: 'trove-library',
    formatVersion: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    appVersion: 'test',
    collection: '*',
    model: MODEL,
    counts,
    ...manifest,
  };
  const parts = [fileHeader(1), await encodeSection('MANI', jsonBytes(full))];
  for (const [kind, payload] of encoded) parts.push(await encodeSection(kind, payload));
  parts.push(await encodeSection('END.', jsonBytes(counts)));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

let counter = 0;
const freshStore = () => IndexedDbStore.open(`hostile-backup-${++counter}`);

/** Imports into a store holding one document: refused with IMPORT_INVALID matching `pattern`, nothing written. */
async function expectRefused(bytes: Uint8Array, pattern: RegExp): Promise<void> {
  const target = await freshStore();
  const keep = await target.createDocument(
    { name: 'mine.txt', format: 'text', size: 4, addedAt: 1 },
    { text: 'mine', blocks: [] },
  );
  const error = await importBackup(() => bytes, storeBackupSink(target), { fileName: 'evil.trove' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  expect((error as TroveError).code).toBe('IMPORT_INVALID');
  expect((error as TroveError).message).toMatch(/“evil\.trove” is not a valid Trove library/);
  expect((error as TroveError).message).toMatch(pattern);
  expect((await target.listDocuments()).map((d) => d.id)).toEqual([keep]);
  expect(await target.allTerms()).toEqual([]);
  target.close();
}

/** Imports into an empty store and returns it. */
async function imported(bytes: Uint8Array) {
  const target = await freshStore();
  const sink = storeBackupSink(target);
  await importBackup(() => bytes, sink);
  return { target, sink };
}

function withChunk(change: (chunk: Record<string, unknown>) => void): CraftedSection[] {
  const lib = honestLibrary();
  change(lib.chunks[0] as unknown as Record<string, unknown>);
  return honestSections(lib);
}

describe('SQL injection through the pgvector export', () => {
  it('the honest crafted library imports (the helpers make valid files)', async () => {
    const { target } = await imported(await craftBackup(honestSections()));
    expect((await target.listDocuments()).map((d) => d.name)).toEqual(['a.md']);
    target.close();
  });

  it('refuses at import a chunk whose page is SQL text', async () => {
    await expectRefused(
      await craftBackup(withChunk((c) => (c.page = INJECTION))),
      /chunk 1 of document 1 has an invalid “page”/,
    );
  });

  it('refuses at import non-whole, negative, zero or unsafe page and row numbers', async () => {
    for (const bad of [0, -1, 1.5, 2 ** 53, Number.POSITIVE_INFINITY, '3', null]) {
      await expectRefused(await craftBackup(withChunk((c) => (c.page = bad))), /invalid “page”/);
      await expectRefused(await craftBackup(withChunk((c) => (c.row = bad))), /invalid “row”/);
    }
  });

  it('refuses at import offsets that are negative, fractional or reversed, and a bad token count', async () => {
    await expectRefused(await craftBackup(withChunk((c) => (c.start = -1))), /invalid “start”/);
    await expectRefused(await craftBackup(withChunk((c) => (c.end = 0.5))), /invalid “end”/);
    await expectRefused(await craftBackup(withChunk((c) => ((c.start = 9), (c.end = 3)))), /invalid “end”.*from 9/);
    await expectRefused(await craftBackup(withChunk((c) => (c.tokenCount = '2'))), /invalid “tokenCount”/);
  });

  it('refuses at import fields that are not plain values', async () => {
    await expectRefused(
      await craftBackup(withChunk((c) => (c.fields = { a: { sql: INJECTION } }))),
      /invalid “fields\.a”/,
    );
    await expectRefused(await craftBackup(withChunk((c) => (c.fields = 'x'))), /invalid “fields”/);
  });

  const passage = (change: Partial<Record<keyof ExportPassage, unknown>>): ExportPassage =>
    ({
      id: 1,
      documentId: 1,
      documentName: 'a.md',
      text: 'alpha',
      start: 0,
      end: 5,
      headingPath: [],
      tags: [],
      vector: Float32Array.from([1, 0, 0, 0]),
      ...change,
    }) as ExportPassage;
  async function sql(passages: ExportPassage[], data: 'insert' | 'copy'): Promise<string> {
    async function* source() {
      yield* passages;
    }
    let out = '';
    for await (const piece of pgvectorSql(source(), { dims: DIMS, data })) out += piece;
    return out;
  }

  it.each(['insert', 'copy'] as const)('the exporter refuses a passage whose page is SQL text (%s)', async (data) => {
    const payloads = [INJECTION, `1\n\\.\nDROP TABLE victims;\n`, '1', 1.5, Number.NaN, -3, 2 ** 31];
    for (const page of payloads) {
      await expect(sql([passage({ page })], data), String(page)).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/cannot be exported: its page/),
      });
    }
    for (const change of [{ id: '1); DROP TABLE x; --' }, { documentId: 1.5 }, { start: '0' }, { end: -1 }]) {
      await expect(sql([passage(change)], data)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(await sql([passage({ page: 3 })], data)).toMatch(/CREATE TABLE/);
  });
});

function withVectors(vectors: number[], manifest: Partial<BackupManifest> = {}) {
  const lib = honestLibrary();
  lib.vectors = Float32Array.from(vectors);
  return craftBackup(honestSections(lib), manifest);
}

describe('vectors are validated', () => {
  it('refuses NaN and infinite components', async () => {
    await expectRefused(await withVectors([1, 0, 0, 0, Number.NaN, 0.6, 0.8, 0]), /chunk 2 of document 1 holds NaN/);
    await expectRefused(await withVectors([Infinity, 0, 0, 0, 0, 0.6, 0.8, 0]), /chunk 1 of document 1 holds Infinity/);
  });

  it('refuses a vector whose length is not 1 when the model normalises (the default)', async () => {
    await expectRefused(await withVectors([1e6, 0, 0, 0, 0, 0.6, 0.8, 0]), /chunk 1 .*has length 1\.00000e\+6, not 1/);
    await expectRefused(await withVectors([1, 0, 0, 0, 0, 0, 0.5, 0]), /chunk 2 .*has length 0\.500000, not 1/);
    await expectRefused(await withVectors([1.002, 0, 0, 0, 0, 0.6, 0.8, 0]), /has length 1\.00200/);
    // Within float32 rounding of 1: accepted.
    const { target } = await imported(await withVectors([1.0004, 0, 0, 0, 0, 0.6, 0.8, 0]));
    target.close();
  });

  it('accepts an all-zero vector: a static model gives it to a passage of words it does not know', async () => {
    const { target } = await imported(await withVectors([1, 0, 0, 0, 0, 0, 0, 0]));
    expect(Array.from((await target.vectorBatches(MODEL.fingerprint))[0].vectors.slice(4))).toEqual([0, 0, 0, 0]);
    target.close();
  });

  it("accepts any finite length when the manifest says the model's vectors are not normalised", async () => {
    const { target } = await imported(
      await withVectors([3, 0, 0, 0, 0, 0.6, 0.8, 0], { model: { ...MODEL, normalized: false } }),
    );
    expect((await target.vectorBatches(MODEL.fingerprint))[0].vectors[0]).toBe(3);
    target.close();
    await expectRefused(
      await withVectors([Number.NaN, 0, 0, 0, 0, 0.6, 0.8, 0], { model: { ...MODEL, normalized: false } }),
      /holds NaN/,
    );
    await expectRefused(await withVectors([1, 0, 0, 0], {}), /4 floats for 2 × 4|bytes, not 2 × 4/);
  });

  it('the Qdrant export never writes NaN or Infinity', async () => {
    const passage = {
      id: 1,
      documentId: 1,
      documentName: 'a',
      text: 't',
      start: 0,
      end: 1,
      headingPath: [],
      tags: [],
      vector: Float32Array.from([Number.NaN, 0, 0, 0]),
    };
    expect(() => qdrantPoint(passage)).toThrow(/its vector holds a NaN or infinite component/);
    async function* one() {
      yield { ...passage, vector: Float32Array.from([Infinity, 0, 0, 0]) };
    }
    await expect(qdrantJsonLines(one()).next()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

function withDocument(change: (document: Record<string, unknown>, text: Record<string, unknown>) => void) {
  const [docu, ...rest] = honestSections();
  const value = structuredClone((docu as RawSection)[1]) as {
    document: Record<string, unknown>;
    text: Record<string, unknown>;
  };
  change(value.document, value.text);
  return craftBackup([['DOCU', value], ...rest]);
}

describe('unchecked document fields', () => {
  it.each([
    [
      'an object title',
      (d: Record<string, unknown>) => (d.title = { evil: true }),
      /document 1 has an invalid “title” \(expected text, got an object\)/,
    ],
    ['tags as a string', (d: Record<string, unknown>) => (d.tags = 'a,b'), /invalid “tags” \(expected a list of texts/],
    ['tags holding a number', (d: Record<string, unknown>) => (d.tags = ['a', 1]), /invalid “tags”/],
    [
      'addedAt as a date string',
      (d: Record<string, unknown>) => (d.addedAt = '2024-01-01'),
      /invalid “addedAt” \(expected a date/,
    ],
    ['modifiedAt as null', (d: Record<string, unknown>) => (d.modifiedAt = null), /invalid “modifiedAt”/],
    ['warnings not a list', (d: Record<string, unknown>) => (d.warnings = 'careful'), /invalid “warnings”/],
    [
      'an unknown format',
      (d: Record<string, unknown>) => (d.format = 'exe'),
      /invalid “format” \(expected one of pdf, markdown/,
    ],
    ['an unknown status', (d: Record<string, unknown>) => (d.status = 'done'), /invalid “status”/],
    ['a negative size', (d: Record<string, unknown>) => (d.size = -1), /invalid “size”/],
    ['a fractional chunk count', (d: Record<string, unknown>) => (d.chunkCount = 1.5), /invalid “chunkCount”/],
    ['a name that is a number', (d: Record<string, unknown>) => (d.name = 7), /invalid “name”/],
    [
      'an error with an unknown code',
      (d: Record<string, unknown>) => (d.error = { code: 'PWNED', message: 'x' }),
      /error of document 1 has an unknown code/,
    ],
    ['a "__proto__" collection', (d: Record<string, unknown>) => (d.collection = '__proto__'), /invalid collection id/],
    [
      'redactions without counts',
      (d: Record<string, unknown>) => (d.redactions = { total: 1, positions: [], inName: 0 }),
      /redaction summary .* “counts”/,
    ],
    [
      'redaction positions reversed',
      (d: Record<string, unknown>) =>
        (d.redactions = { total: 1, counts: { email: 1 }, positions: [[5, 2]], inName: 0 }),
      /invalid position/,
    ],
  ])('refuses %s, naming the field', async (_name, change, pattern) => {
    await expectRefused(await withDocument((d) => void change(d)), pattern);
  });

  it.each([
    [
      'a block kind that is unknown',
      (t: Record<string, unknown>) => ((t.blocks as object[])[0] = { start: 0, end: 1, kind: 'script' }),
      /block 0 of document 1 has an invalid “kind”/,
    ],
    [
      'a block past the end of the text',
      (t: Record<string, unknown>) => ((t.blocks as object[])[0] = { start: 0, end: 999, kind: 'paragraph' }),
      /block 0 .*invalid “end” .*to 22/,
    ],
    [
      'a heading level of 9',
      (t: Record<string, unknown>) => ((t.blocks as object[])[0] = { start: 0, end: 1, kind: 'heading', level: 9 }),
      /invalid “level”/,
    ],
    ['blocks that are not a list', (t: Record<string, unknown>) => (t.blocks = {}), /no list of blocks/],
    [
      'text that is not text',
      (t: Record<string, unknown>) => (t.text = ['a']),
      /text of document 1 has an invalid “text”/,
    ],
  ])('refuses %s in the document text', async (_name, change, pattern) => {
    await expectRefused(await withDocument((_d, t) => void change(t)), pattern);
  });

  it('drops unknown keys and keeps every known one', async () => {
    const bytes = await withDocument((d, t) => {
      Object.assign(d, {
        tags: ['x'],
        title: 'T',
        warnings: ['w'],
        folder: 'f',
        evil: { deep: [1] },
        collection: 'travel',
      });
      (t.blocks as object[])[0] = {
        start: 0,
        end: 5,
        kind: 'record',
        row: 2,
        fields: { a: 1, b: null },
        extra: 'gone',
      };
    });
    const { target } = await imported(bytes);
    const [doc] = await target.listDocuments();
    expect(doc).toMatchObject({
      name: 'a.md',
      tags: ['x'],
      title: 'T',
      warnings: ['w'],
      folder: 'f',
      collection: 'travel',
    });
    expect(doc).not.toHaveProperty('evil');
    expect((await target.getText(doc.id))?.blocks).toEqual([
      { start: 0, end: 5, kind: 'record', row: 2, fields: { a: 1, b: null } },
    ]);
    target.close();
  });
});

describe('index pages trusted on import', () => {
  const policy: IndexPolicy = {
    kind: 'flat',
    hnswThreshold: 1000,
    quantization: 'none',
    M: 16,
    efConstruction: 64,
    ef: 32,
  };

  it('a backup whose index page swaps two ids still scores each passage with its own vector after import', async () => {
    const lib = honestLibrary();
    // The pages of an index built over the same chunk ids with the two vectors exchanged.
    const swapped = honestLibrary();
    swapped.vectors = Float32Array.from([...lib.vectors.subarray(4), ...lib.vectors.subarray(0, 4)]);
    const { target: other } = await imported(await craftBackup(honestSections(swapped)));
    await VectorSet.open(other, MODEL.fingerprint, DIMS, policy, () => true);
    const stored = await other.readIndex(MODEL.fingerprint);
    expect(stored?.pages.length).toBeGreaterThan(0);
    other.close();

    const pages: CraftedSection[] = stored!.pages.map((page) => ({
      kind: 'indexPage',
      page: { set: MODEL.fingerprint, name: page.name, bytes: page.bytes },
    }));
    const { target } = await imported(await craftBackup([...honestSections(lib), ...pages]));
    const { set } = await VectorSet.open(target, MODEL.fingerprint, DIMS, policy, () => true);
    for (const [row, id] of [
      [0, 1],
      [1, 2],
    ]) {
      const [top] = set.search(lib.vectors.slice(row * DIMS, (row + 1) * DIMS), 1);
      expect(top.id).toBe(id);
      expect(top.score).toBeCloseTo(1, 5);
    }
    target.close();
  });
});

describe('.trove sections', () => {
  const setLength = (bytes: Uint8Array, sectionStart: number, length: number) => {
    const copy = bytes.slice();
    new DataView(copy.buffer).setUint32(sectionStart + 4, length, true);
    return copy;
  };

  it('refuses a section that claims more bytes than the file has, before reading it', async () => {
    const file = await craftBackup(honestSections());
    await expectRefused(
      setLength(file, 16, 400 * 2 ** 20),
      /section 1 \(manifest\) claims 419430400 bytes but only \d+ follow/,
    );
  });

  it('refuses a section larger than the section cap (512 MiB)', async () => {
    const file = await craftBackup(honestSections());
    await expectRefused(setLength(file, 16, 0xffffffff), /claims 4294967295 bytes, more than the 512 MiB/);
    await expectRefused(setLength(file, 16, 512 * 2 ** 20 + 1), /more than the 512 MiB/);
  });

  it('refuses 100,000 levels of JSON nesting with IMPORT_INVALID', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const lib = honestLibrary();
    const json = JSON.stringify({
      document: lib.document,
      text: { docId: 1, text: lib.text, blocks: [] },
    }).replace('"name":', `"deep":${deep},"name":`);
    const [, ...rest] = honestSections(lib);
    await expectRefused(
      await craftBackup([['DOCU', new TextEncoder().encode(json)], ...rest]),
      /its document is nested more than 64 levels deep/,
    );
    // Brackets inside strings are text, not nesting.
    const { target } = await imported(
      await craftBackup(honestSections({ ...lib, document: { ...lib.document, name: '['.repeat(1000) } })),
    );
    expect((await target.listDocuments())[0].name).toHaveLength(1000);
    target.close();
  });

  it("checks the manifest's collections", async () => {
    const sections = honestSections();
    const ok = { id: 'travel', name: 'Travel', createdAt: 1 };
    await expectRefused(
      await craftBackup(sections, { collections: [{ ...ok, id: '__proto__' }] }),
      /collection 0 of its manifest names an invalid collection id/,
    );
    await expectRefused(
      await craftBackup(sections, { collections: [{ ...ok, name: 7 as unknown as string }] }),
      /collection 0 of its manifest has no text “name”/,
    );
    await expectRefused(
      await craftBackup(sections, { collections: [{ ...ok, createdAt: 'x' as unknown as number }] }),
      /“createdAt”/,
    );
    await expectRefused(
      await craftBackup(sections, { collections: 'all' as unknown as [] }),
      /“collections” is not a list/,
    );
    await expectRefused(
      await craftBackup(sections, { collection: '__proto__' }),
      /its manifest names an invalid collection id/,
    );
    const manifest = await verifyBackup(
      await craftBackup(sections, { collections: [{ ...ok, extra: 1 } as typeof ok] }),
    );
    expect(manifest.collections).toEqual([ok]);
  });
});

// A property fuzz of the reader: structure-aware mutations of the small valid file above (a field set to another
// type or an edge number, a list emptied or grown, a vector component changed).
const EDGE_VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1,
  1.5,
  2 ** 31,
  2 ** 53,
  -0,
  1e308,
  '',
  '7',
  INJECTION,
  [],
  ['a'],
  [1],
  {},
  { a: 1 },
  [[[[]]]],
];
const DOCUMENT_KEYS = [
  'id',
  'name',
  'format',
  'size',
  'addedAt',
  'status',
  'chunkCount',
  'title',
  'tags',
  'warnings',
  'collection',
  'folder',
  'pageCount',
  'modifiedAt',
  'redactions',
  'error',
  'replaces',
];
const CHUNK_KEYS = [
  'id',
  'docId',
  'text',
  'start',
  'end',
  'page',
  'row',
  'headingPath',
  'tokenCount',
  'fields',
  'terms',
];
const BLOCK_KEYS = ['start', 'end', 'kind', 'level', 'page', 'row', 'fields'];

type Mutation =
  | { target: 'document'; key: string; value: unknown }
  | { target: 'chunk'; index: number; key: string; value: unknown }
  | { target: 'block'; key: string; value: unknown }
  | { target: 'vector'; at: number; value: number }
  | { target: 'chunks'; count: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    target: fc.constant('document' as const),
    key: fc.constantFrom(...DOCUMENT_KEYS),
    value: fc.constantFrom(...EDGE_VALUES),
  }),
  fc.record({
    target: fc.constant('chunk' as const),
    index: fc.integer({ min: 0, max: 1 }),
    key: fc.constantFrom(...CHUNK_KEYS),
    value: fc.constantFrom(...EDGE_VALUES),
  }),
  fc.record({
    target: fc.constant('block' as const),
    key: fc.constantFrom(...BLOCK_KEYS),
    value: fc.constantFrom(...EDGE_VALUES),
  }),
  fc.record({
    target: fc.constant('vector' as const),
    at: fc.integer({ min: 0, max: 2 * DIMS - 1 }),
    value: fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, 1, -1, 1e6, 3.4e38), fc.float()),
  }),
  fc.record({ target: fc.constant('chunks' as const), count: fc.integer({ min: 0, max: 3 }) }),
);

async function mutant(mutations: Mutation[]): Promise<Uint8Array> {
  const lib = honestLibrary();
  const document = lib.document as Record<string, unknown>;
  const chunks = lib.chunks as unknown as Array<Record<string, unknown>>;
  const block: Record<string, unknown> = { start: 0, end: lib.text.length, kind: 'paragraph' };
  for (const m of mutations) {
    if (m.target === 'document') document[m.key] = m.value;
    else if (m.target === 'chunk') chunks[m.index][m.key] = m.value;
    else if (m.target === 'block') block[m.key] = m.value;
    else if (m.target === 'vector') lib.vectors[m.at] = m.value;
    else lib.chunks = Array.from({ length: m.count }, (_, i) => ({ ...lib.chunks[i % 2], id: i + 1 }));
  }
  const [, chnk, vect] = honestSections(lib);
  return craftBackup([
    ['DOCU', { document, text: { docId: document.id, text: lib.text, blocks: [block] } }],
    chnk,
    vect,
  ]);
}

describe('.trove reader fuzz', () => {
  it('every mutant is refused with IMPORT_INVALID and nothing written, or imported and fully usable', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const bytes = await mutant(mutations);
        const target = await freshStore();
        try {
          const error = await importBackup(() => bytes, storeBackupSink(target)).then(
            () => undefined,
            (e: unknown) => e,
          );
          if (error !== undefined) {
            refused++;
            expect(error).toBeInstanceOf(TroveError);
            expect((error as TroveError).code).toBe('IMPORT_INVALID');
            expect(await target.listDocuments()).toEqual([]);
            expect(await target.allTerms()).toEqual([]);
            return;
          }
          accepted++;
          for (const doc of await target.listDocuments()) {
            expect(typeof doc.name).toBe('string');
            await target.getText(doc.id);
            await target.chunksOf(doc.id);
          }
          const { set } = await VectorSet.open(
            target,
            MODEL.fingerprint,
            DIMS,
            { kind: 'flat', hnswThreshold: 1000, quantization: 'none', M: 16, efConstruction: 64, ef: 32 },
            () => true,
          );
          for (const hit of set.search(Float32Array.from([1, 0, 0, 0]), 5))
            expect(Number.isFinite(hit.score)).toBe(true);
          const again = await backupToBytes(storeBackupSource(target, { model: MODEL }));
          if ((await openPassages(again)).manifest.counts.vectors > 0) {
            const { dims, passages } = await openPassages(again);
            for await (const piece of pgvectorSql(passages, { dims, data: 'copy' }))
              expect(piece).not.toMatch(/DROP TABLE/);
            for await (const line of qdrantJsonLines((await openPassages(again)).passages)) JSON.parse(line);
          }
        } finally {
          target.close();
        }
      }),
      { numRuns: 120, seed: 19 },
    );
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  });
});

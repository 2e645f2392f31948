// The pgvector export, loaded for real into Postgres + pgvector (PGlite): every value arrives intact, vectors bit
// for bit, and pgvector's exact nearest neighbours equal Trove's flat search.
import 'fake-indexeddb/auto';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hit } from '../core/types.ts';
import { FlatIndex } from '../index/flat.ts';
import { seededRandom } from '../testing/hnsw-test-data.ts';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import { float32String, vectorText } from './float-text.ts';
import { openPassages, type ExportPassage } from './passages.ts';
import { pgvectorSql, type PgvectorOptions } from './pgvector-export.ts';
import { storeBackupSource } from './store-backup.ts';
import { writeSyntheticLibrary } from '../testing/synthetic-library.ts';
import { backupToBytes } from './write-backup.ts';

const DIMS = 32;
const TRICKY = `It's a "test" \\ with a back\\slash,\ttab, new\nline, CR\r, emoji 🦜, accents éà, 中文, and a NUL\0 here; '); DROP TABLE x; --`;

let library: Uint8Array;
let flat: FlatIndex;
let byId: Map<number, ExportPassage>;

beforeAll(async () => {
  const store = await IndexedDbStore.open('pgvector-export');
  const { model } = await writeSyntheticLibrary(store, { documents: 12, chunksPerDocument: 50, dims: DIMS, seed: 21 });
  // A document with awkward text and payload, and exact duplicate vectors (ties for the nearest-neighbour check).
  const docId = await store.createDocument(
    { name: `we'ird "name"\\.md`, format: 'markdown', size: 1, addedAt: 9, title: TRICKY },
    { text: TRICKY, blocks: [] },
  );
  const [first] = await store.vectorBatches(model.fingerprint);
  const duplicate = first.vectors.slice(0, DIMS);
  await store.addChunks(
    docId,
    [0, 1, 2].map((i) => ({
      text: `${TRICKY} ${i}`,
      start: 0,
      end: 5,
      page: 3,
      headingPath: [TRICKY, `h{${i}}`, 'a,b'],
      tokenCount: 4,
      terms: ['test'],
    })),
    {
      fingerprint: model.fingerprint,
      dims: DIMS,
      vectors: Float32Array.from([...duplicate, ...duplicate, ...duplicate]),
    },
  );
  library = await backupToBytes(storeBackupSource(store, { model }));
  flat = new FlatIndex(DIMS);
  byId = new Map();
  for await (const passage of (await openPassages(library)).passages) {
    flat.add([passage.id], passage.vector);
    byId.set(passage.id, passage);
  }
});

async function sqlOf(options: Partial<PgvectorOptions>): Promise<string> {
  const { dims, passages } = await openPassages(library);
  let sql = '';
  for await (const piece of pgvectorSql(passages, { dims, ...options })) sql += piece;
  return sql;
}

async function loadInto(db: PGlite, sql: string): Promise<void> {
  const copy = /^COPY .* FROM stdin;\n/m.exec(sql);
  if (!copy) {
    await db.exec(sql);
    return;
  }
  // psql would stream the lines after COPY ... FROM stdin up to "\."; PGlite takes them as a blob.
  const dataStart = copy.index + copy[0].length;
  const dataEnd = sql.indexOf('\n\\.\n', dataStart);
  await db.exec(sql.slice(0, copy.index));
  await db.query(copy[0].replace('FROM stdin;\n', "FROM '/dev/blob';"), [], {
    blob: new Blob([sql.slice(dataStart, dataEnd + 1)]),
  });
  await db.exec(sql.slice(dataEnd + 4));
}

/** Trove's top k and pgvector's top k agree, up to the order and membership of passages with equal scores. */
function expectSameNeighbours(trove: Hit[], pg: Array<{ id: number; d: number }>, k: number): boolean {
  expect(pg).toHaveLength(trove.length);
  const pgScores = pg.map((row) => 1 - row.d);
  trove.forEach((hit, i) => expect(Math.abs(hit.score - pgScores[i])).toBeLessThan(1e-5));
  const kth = trove[k - 1].score;
  const tie = 1e-5;
  // Everything clearly above the k-th score is in both lists; only the tied tail may differ.
  const sure = (ids: number[], scores: number[]) => new Set(ids.filter((_, i) => scores[i] > kth + tie));
  expect(
    sure(
      pg.map((r) => r.id),
      pgScores,
    ),
  ).toEqual(
    sure(
      trove.map((h) => h.id),
      trove.map((h) => h.score),
    ),
  );
  const sameOrder = trove.every((hit, i) => hit.id === pg[i].id);
  const hasTies = trove.some((hit, i) => i > 0 && Math.abs(hit.score - trove[i - 1].score) <= tie);
  if (!hasTies) expect(pg.map((r) => r.id)).toEqual(trove.map((h) => h.id));
  return sameOrder;
}

describe.each(['insert', 'copy'] as const)('pgvector export (%s)', (data) => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    await loadInto(db, await sqlOf({ data, rowsPerInsert: 97 }));
  });
  afterAll(() => db.close());

  it('loads every passage with its payload intact and its vector bit for bit', async () => {
    const rows = (
      await db.query<{
        id: number;
        document: string;
        title: string | null;
        page: number | null;
        heading_path: string[];
        tags: string[];
        content: string;
        embedding: string;
      }>(
        'SELECT id, document, title, page, heading_path, tags, content, embedding::text AS embedding FROM trove_passages ORDER BY id',
      )
    ).rows;
    expect(rows).toHaveLength(byId.size);
    for (const row of rows) {
      const passage = byId.get(Number(row.id))!;
      expect(row.content).toBe(passage.text.replace(/\0/g, '\uFFFD'));
      expect(row.document).toBe(passage.documentName);
      expect(row.title).toBe(passage.title?.replace(/\0/g, '\uFFFD') ?? null);
      expect(row.page).toBe(passage.page ?? null);
      expect(row.heading_path).toEqual(passage.headingPath.map((h) => h.replace(/\0/g, '\uFFFD')));
      expect(row.tags).toEqual(passage.tags);
      const stored = Float32Array.from(JSON.parse(row.embedding) as number[]);
      expect(new Uint8Array(stored.buffer)).toEqual(new Uint8Array(passage.vector.slice().buffer));
    }
    const tricky = rows.filter((row) => row.content.startsWith("It's a"));
    expect(tricky).toHaveLength(3);
    expect(tricky[0].heading_path).toEqual([TRICKY.replace('\0', '\uFFFD'), 'h{0}', 'a,b']);
  });

  it("pgvector's exact nearest neighbours equal Trove's flat search (ties allowed to reorder)", async () => {
    const random = seededRandom(99);
    const ids = [...byId.keys()];
    const queries: Float32Array[] = [];
    // Unit queries, as the engine's embedder makes them (Trove scores by dot product).
    for (let q = 0; q < 25; q++) queries.push(normalize(Float32Array.from({ length: DIMS }, () => random() * 2 - 1)));
    // Queries equal to stored vectors, among them the triplicated one: exact ties at the top.
    for (let q = 0; q < 5; q++) queries.push(byId.get(ids[Math.floor(random() * ids.length)])!.vector);
    queries.push(byId.get(ids.at(-1)!)!.vector);
    await db.exec('SET enable_indexscan = off; SET enable_bitmapscan = off;');
    let exactOrder = 0;
    for (const query of queries) {
      for (const k of [1, 10]) {
        const pg = await db.query<{ id: number; d: number }>(
          'SELECT id, embedding <=> $1::vector AS d FROM trove_passages ORDER BY d, id LIMIT $2',
          [vectorText(query), k],
        );
        if (
          expectSameNeighbours(
            flat.search(query, k),
            pg.rows.map((r) => ({ id: Number(r.id), d: r.d })),
            k,
          )
        )
          exactOrder++;
      }
    }
    expect(exactOrder).toBeGreaterThanOrEqual(queries.length * 2 - 2); // only the triplicate ties may reorder
  });

  it('builds the HNSW index with vector_cosine_ops, and the planner uses it', async () => {
    const index = await db.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'trove_passages' AND indexdef LIKE '%hnsw%'",
    );
    expect(index.rows[0]?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    await db.exec('SET enable_indexscan = on; SET enable_seqscan = off;');
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM trove_passages ORDER BY embedding <=> '${vectorText(new Float32Array(DIMS).fill(0.1))}' LIMIT 5`,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/trove_passages_embedding_hnsw/);
    await db.exec('SET enable_seqscan = on;');
  });
});

function normalize(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('vector text', () => {
  it('9 significant digits give back every float32 exactly', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(Math.fround(Number(float32String(Math.fround(value))))).toBe(Math.fround(value));
        expect(Math.fround(JSON.parse(float32String(Math.fround(value))) as number)).toBe(Math.fround(value));
      }),
      { numRuns: 20_000, seed: 5 },
    );
  });

  it('refuses a table name that is not a plain identifier', async () => {
    const { dims, passages } = await openPassages(library);
    await expect(pgvectorSql(passages, { dims, table: 'x; DROP TABLE y' }).next()).rejects.toThrow(
      /not a plain lower-case SQL identifier/,
    );
  });
});

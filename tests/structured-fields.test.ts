// A table or JSON document's text fields after it was added: read back (which fields were used), changed from the
// kept original (the document is replaced by one indexed with the new fields, searchable by them), and refused
// with a reason when the original was not kept.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineSettings, FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

const CSV = [
  'id,title,description',
  '1,Harbour ledger,"A long account of the ships that came into the harbour during the storm season, with their cargo."',
  '2,Willow hamper,"How the village weavers made baskets from willow cut along the river in the early spring months."',
  '3,Glacier survey,"Notes from a survey of the glacier: its retreat measured each summer by the mountain guides."',
].join('\n');

function csv(extra: Partial<FileInput> = {}): FileInput {
  return {
    jobId: `job-${Math.random().toString(36).slice(2)}`,
    name: 'catalogue.csv',
    type: 'text/csv',
    data: new TextEncoder().encode(CSV).buffer as ArrayBuffer,
    ...extra,
  };
}

async function open(db: string, settings: Partial<EngineSettings> = fixtureSettings) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
  });
  await engine.init(settings);
  return engine;
}

const names = async (engine: TroveEngine, query: string) =>
  (await engine.search(query, { mode: 'keyword', k: 5 })).results.map((r) => r.text);

describe('structured fields of a stored document', () => {
  it('reads back the suggested fields a batch used, and re-indexes the document with the fields chosen later', async () => {
    const engine = await open('fields-change');
    const [added] = await engine.ingest([csv()], () => undefined);
    expect(added.stage).toBe('done');
    const fields = await engine.getStructuredFields(added.documentId!);
    expect(fields).toMatchObject({ canChange: true, textFields: ['description'] });
    expect(fields.fields).toEqual(['id', 'title', 'description']);
    expect(await names(engine, 'weavers')).toHaveLength(1);
    expect(await names(engine, 'survey')).toHaveLength(1); // in description too
    expect(await names(engine, 'hamper')).toHaveLength(0); // title is metadata

    const result = await engine.setStructuredFields(added.documentId!, ['title']);
    expect(result.stage).toBe('done');
    const docs = await engine.listDocuments();
    expect(docs).toHaveLength(1); // replaced, not added beside
    expect((await engine.getStructuredFields(docs[0].id)).textFields).toEqual(['title']);
    expect(await names(engine, 'hamper')).toHaveLength(1);
    expect(await names(engine, 'weavers')).toHaveLength(0);
  });

  it('refuses to change the fields when the original was not kept, and says why', async () => {
    const engine = await open('fields-no-original', { ...fixtureSettings, keepOriginals: false });
    const [added] = await engine.ingest([csv()], () => undefined);
    const fields = await engine.getStructuredFields(added.documentId!);
    expect(fields.canChange).toBe(false);
    expect(fields.reason).toMatch(/original file .* was not kept/);
    await expect(engine.setStructuredFields(added.documentId!, ['title'])).rejects.toThrow(/was not kept/);
    expect(await engine.listDocuments()).toHaveLength(1); // nothing lost
  });

  it('refuses fields the document does not have, and a document that is not a table', async () => {
    const engine = await open('fields-invalid');
    const [added] = await engine.ingest([csv()], () => undefined);
    await expect(engine.setStructuredFields(added.documentId!, ['nope'])).rejects.toThrow(/no field “nope”/);
    await expect(engine.setStructuredFields(added.documentId!, [])).rejects.toThrow(/at least one text field/);
    const [text] = await engine.ingest(
      [
        {
          jobId: 'plain',
          name: 'a.txt',
          type: 'text/plain',
          data: new TextEncoder().encode('plain words').buffer as ArrayBuffer,
        },
      ],
      () => undefined,
    );
    await expect(engine.getStructuredFields(text.documentId!)).rejects.toThrow(/not a table or JSON file/);
  });
});

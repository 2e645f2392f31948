// Every format through the engine (Node, fake-indexeddb, the GloVe fixture model): parse with the user's choices,
// chunk per row/definition, detect the language, index per language, and cite row, fields, heading and page.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_PHRASES, formatFixtures } from '../scripts/make-format-fixtures.mjs';
import type { FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { nodeTesseractAssets } from '../src/engine/ingest/ocr/node-assets.ts';
import { TesseractRecognizer } from '../src/engine/ingest/ocr/tesseract.ts';
import type { OcrRecognizer } from '../src/engine/ingest/ocr/recognizer.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };
const fixtures = formatFixtures();
let dbCount = 0;

function input(path: string, extra: Partial<FileInput> = {}): FileInput {
  const bytes = typeof fixtures[path] === 'string' ? new TextEncoder().encode(fixtures[path]) : fixtures[path]!;
  const slash = path.lastIndexOf('/');
  return {
    jobId: `job-${path}`,
    name: path.slice(slash + 1),
    folder: slash >= 0 ? `formats/${path.slice(0, slash)}` : 'formats',
    type: '',
    data: bytes.slice().buffer as ArrayBuffer,
    ...extra,
  };
}

function text(name: string, body: string): FileInput {
  return { jobId: `job-${name}`, name, type: 'text/plain', data: new TextEncoder().encode(body).buffer as ArrayBuffer };
}

async function open(recognizer?: () => OcrRecognizer) {
  const name = `formats-${++dbCount}`;
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(name, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: name,
    parsing: recognizer ? { recognizer } : undefined,
  });
  await engine.init(fixtureSettings);
  await engine.loadModel();
  return engine;
}

describe('formats through the engine', () => {
  it('finds a phrase of every text format, citing its row and fields, heading path or identifier parts', async () => {
    const engine = await open();
    const paths = Object.keys(FORMAT_PHRASES).filter((p) => !p.startsWith('scans/'));
    const done = await engine.ingest(
      paths.map((p) => input(p)),
      () => undefined,
    );
    expect(done.map((d) => [d.fileName, d.stage, d.error?.message])).toEqual(
      paths.map((p) => [p.split('/').pop(), 'done', undefined]),
    );
    for (const path of paths) {
      const want = FORMAT_PHRASES[path as keyof typeof FORMAT_PHRASES] as {
        phrase: string;
        row?: number;
        heading?: string[];
      };
      const top = (await engine.search(want.phrase, { mode: 'keyword', k: 3 })).results[0];
      expect(top?.documentName, path).toBe(path.split('/').pop());
      if (want.row !== undefined) expect(top?.row, path).toBe(want.row);
      if (want.heading) expect(top?.headingPath, path).toEqual(want.heading);
    }
    const row = (await engine.search('herbarium alpine mosses', { mode: 'keyword' })).results[0]!;
    expect(row.fields).toEqual({ id: '2', title: 'Herbarium', year: '1934' });
    // Identifiers are split for keyword search (and kept whole): "http header" finds parseHttpHeader.
    const code = (await engine.search('http header', { mode: 'keyword' })).results[0]!;
    expect(code.documentName).toBe('httpHeaders.ts');
    expect(code.text.slice(code.highlights[0]![0], code.highlights[0]![1])).toMatch(/Http|header/i);
    const docs = await engine.listDocuments();
    expect(docs.find((d) => d.name === 'httpHeaders.ts')).toMatchObject({
      format: 'code',
      language: undefined,
      folder: 'formats/src',
    });
    expect(docs.find((d) => d.name === 'report.docx')?.language).toBe('en');
  });

  it('indexes the text fields the user chose; the others stay metadata', async () => {
    const engine = await open();
    const preview = await engine.previewRecords(
      fixtures['catalogue.csv']!.slice().buffer as ArrayBuffer,
      'catalogue.csv',
    );
    expect(preview.suggestedTextFields).toEqual(['description']);
    expect(preview.fields).toEqual(['id', 'title', 'description', 'year']);
    await engine.ingest([input('catalogue.csv', { textFields: ['title'] })], () => undefined);
    const hit = (await engine.search('herbarium', { mode: 'keyword' })).results[0]!;
    expect(hit.text).toBe('Herbarium');
    expect(hit.fields).toMatchObject({ description: 'A hand-bound herbarium of alpine mosses, pressed and labelled' });
    expect((await engine.search('alpine mosses', { mode: 'keyword' })).results).toEqual([]);
  });

  it('stores a German document’s language, stems it the German way, and says the library is mostly not English', async () => {
    const engine = await open();
    const german =
      'Die Leuchttürme an der Nordseeküste wurden im neunzehnten Jahrhundert gebaut. Ihre Wärter lebten oft jahrelang ' +
      'allein auf den Inseln und schrieben jeden Abend das Wetter in ihre Bücher.';
    await engine.ingest(
      [text('leuchttuerme.txt', german), text('short.txt', 'The lighthouse keepers wrote the weather down.')],
      () => undefined,
    );
    const docs = await engine.listDocuments();
    expect(docs.find((d) => d.name === 'leuchttuerme.txt')?.language).toBe('de');
    // German Snowball: "Leuchtturms" and "Leuchttürme" share the stem; the English analysis would not match them.
    const hit = (await engine.search('Geschichte des Leuchtturms', { mode: 'keyword' })).results[0];
    expect(hit?.documentName).toBe('leuchttuerme.txt');
    expect(hit!.highlights.length).toBeGreaterThan(0);
    expect((await engine.stats()).mostlyNonEnglish).toBe(true);
  });

  it('OCRs an image with the recognizer it was given, reporting progress per page and citing page 1', async () => {
    let made = 0;
    const engine = await open(() => {
      made++;
      return new TesseractRecognizer(nodeTesseractAssets());
    });
    const notes: string[] = [];
    const started = performance.now();
    const [done] = await engine.ingest([input('scans/signal-lamp.png')], (p) => p.note && notes.push(p.note));
    const ms = performance.now() - started;
    expect(done?.stage, done?.error?.message).toBe('done');
    expect(notes).toContain('Reading text (OCR): page 1 of 1');
    const hit = (await engine.search('signal lamp', { mode: 'keyword' })).results[0];
    expect(hit).toMatchObject({ documentName: 'signal-lamp.png', page: 1 });
    expect(made).toBe(1);
    console.log(`OCR of one short image page through the engine: ${ms.toFixed(0)} ms`);
    await engine.updateSettings({ ocrMode: 'never' });
    const [refused] = await engine.ingest([input('scans/photo-of-notice.png')], () => undefined);
    expect(refused?.error?.message).toMatch(/Images need OCR, which is turned off/);
  }, 60_000);
});

// Privacy wiring in the engine: PII redaction at ingest, the library lock (encryption at rest), forget everything,
// and URL parameters that may never widen (or be saved over) what the user allowed.
import 'fake-indexeddb/auto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineSettings, FileInput } from '../src/engine/api/index.ts';
import { loadTransformersEmbedder } from '../src/engine/embed/transformers-embedder.ts';
import { TroveEngine } from '../src/engine/engine.ts';
import { IndexedDbStore } from '../src/engine/store/indexeddb-store.ts';

const localModelPath = resolve('public/models') + '/';
const fixtureSettings = { modelId: 'glove-50d-static', allowRemoteModels: false, localModelPath };

function file(name: string, text: string, extra: Partial<FileInput> = {}): FileInput {
  return {
    jobId: `job-${name}-${Math.random().toString(36).slice(2)}`,
    name,
    type: 'text/plain',
    data: new TextEncoder().encode(text).buffer as ArrayBuffer,
    ...extra,
  };
}

async function open(
  db: string,
  build: Partial<EngineSettings> = fixtureSettings,
  requested: Partial<EngineSettings> = {},
  wipe?: () => Promise<string[]>,
) {
  const engine = new TroveEngine({
    openStore: ({ onStale }) => IndexedDbStore.open(db, { onStale }),
    loadEmbedder: (options) => loadTransformersEmbedder({ ...options, device: 'auto' }),
    libraryName: db,
    wipeStorage: wipe,
  });
  const init = await engine.init(build, requested);
  return { engine, init };
}

/** Every string and number the store holds for the library, as one text (a stand-in for a byte dump). */
async function everythingStored(db: string): Promise<string> {
  const store = await IndexedDbStore.open(db);
  const docs = await store.listDocuments();
  const parts: unknown[] = [docs];
  for (const doc of docs) {
    parts.push(await store.getText(doc.id), await store.chunksOf(doc.id), await store.termsOf(doc.id));
  }
  parts.push(await store.allTerms(), await store.readIndex('trove/lexical'));
  store.close();
  return JSON.stringify(parts);
}

const PII = 'Write to jane.doe@example.com or pay with 4111 1111 1111 1111 about the sourdough starter.';

describe('PII redaction at ingest', () => {
  it('stores, indexes and names only the redacted text when redactPii is on, with a report of counts and positions', async () => {
    const { engine } = await open('privacy-redact');
    await engine.updateSettings({ redactPii: true });
    const [done] = await engine.ingest([file('jane.doe@example.com notes.txt', PII)], () => undefined);
    expect(done.stage).toBe('done');
    const [doc] = await engine.listDocuments();
    expect(doc.name).toBe('[EMAIL] notes.txt');
    expect(doc.redactions).toMatchObject({ total: 3, counts: { email: 2, card: 1 }, inName: 1 });
    const content = await engine.getDocument(doc.id);
    expect(content.text).toBe('Write to [EMAIL] or pay with [CARD] about the sourdough starter.');
    for (const [start, end] of doc.redactions!.positions)
      expect(content.text.slice(start, end)).toMatch(/^\[(EMAIL|CARD)\]$/);
    expect((await engine.search('jane.doe', { mode: 'keyword' })).results).toEqual([]);
    expect((await engine.search('sourdough', { mode: 'keyword' })).results).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 50));
    const stored = await everythingStored('privacy-redact');
    expect(stored).toContain('sourdough');
    for (const value of ['jane.doe', 'example.com', '4111 1111', '4111']) expect(stored).not.toContain(value);
  });

  it('keeps the text when redaction is off, and the per-file choice overrides the setting both ways', async () => {
    const { engine } = await open('privacy-redact-override');
    await engine.ingest([file('a.txt', PII), file('b.txt', PII + ' second', { redact: true })], () => undefined);
    const docs = await engine.listDocuments();
    const byName = new Map(docs.map((d) => [d.name, d]));
    expect((await engine.getDocument(byName.get('a.txt')!.id)).text).toContain('jane.doe@example.com');
    expect(byName.get('a.txt')!.redactions).toBeUndefined();
    expect((await engine.getDocument(byName.get('b.txt')!.id)).text).not.toContain('jane.doe@example.com');
    await engine.updateSettings({ redactPii: true });
    await engine.ingest([file('c.txt', PII + ' third', { redact: false })], () => undefined);
    const c = (await engine.listDocuments()).find((d) => d.name === 'c.txt')!;
    expect((await engine.getDocument(c.id)).text).toContain('jane.doe@example.com');
  });

  it('refuses a bad custom pattern when it is set, with the message naming it, and applies a good one', async () => {
    const { engine } = await open('privacy-redact-custom');
    await expect(
      engine.updateSettings({ redactCustom: [{ label: 'nested', pattern: '(a+)+$' }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('nested'),
    });
    await expect(engine.updateSettings({ redactTypes: ['email', 'bogus' as 'email'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect((await engine.getSettings()).redactCustom).toEqual([]);
    await engine.updateSettings({
      redactPii: true,
      redactTypes: [],
      redactCustom: [{ label: 'employee id', pattern: 'EMP-\\d{6}' }],
    });
    await engine.ingest([file('staff.txt', 'Badge EMP-123456 belongs to jane.doe@example.com.')], () => undefined);
    const [doc] = await engine.listDocuments();
    expect((await engine.getDocument(doc.id)).text).toBe('Badge [CUSTOM] belongs to jane.doe@example.com.');
    expect(doc.redactions?.counts.custom).toBe(1);
  });
});

describe('the library lock', () => {
  it('encrypts an empty library; after a restart it stays locked until the right passphrase, then searches; lock() drops everything', async () => {
    const { engine, init } = await open('privacy-lock');
    expect(init.lock).toBe('plain');
    await expect(engine.enableEncryption('short')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.enableEncryption('correct horse battery');
    expect(await engine.lockState()).toBe('unlocked');
    await engine.loadModel();
    await engine.ingest(
      [file('guide.txt', 'Lactic acid bacteria make sourdough rise slowly overnight.')],
      () => undefined,
    );
    expect((await engine.search('sourdough', { mode: 'keyword' })).results).toHaveLength(1);
    const stored = await everythingStored('privacy-lock');
    expect(stored).not.toContain('sourdough');
    expect(stored).not.toContain('guide.txt');

    const second = await open('privacy-lock');
    expect(second.init.lock).toBe('locked');
    expect(second.init.stats.documents).toBe(0);
    await expect(second.engine.listDocuments()).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(second.engine.search('sourdough')).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(second.engine.ingest([file('x.txt', 'x')], () => undefined)).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(second.engine.unlock('wrong passphrase')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await second.engine.lockState()).toBe('locked');
    const opened = await second.engine.unlock('correct horse battery');
    expect(opened.stats.documents).toBe(1);
    await second.engine.loadModel();
    expect((await second.engine.search('sourdough', { mode: 'hybrid' })).results[0].documentName).toBe('guide.txt');

    await second.engine.lock();
    expect(await second.engine.lockState()).toBe('locked');
    expect((await second.engine.stats()).chunks).toBe(0);
    await expect(second.engine.search('sourdough')).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(second.engine.getDocument(1)).rejects.toMatchObject({ code: 'LOCKED' });
    await second.engine.unlock('correct horse battery');
    expect((await second.engine.search('sourdough', { mode: 'keyword' })).results).toHaveLength(1);
  });

  it('locking in one tab locks the others too (the lock used to be per tab: another tab kept showing the library)', async () => {
    const first = await open('privacy-lock-tabs');
    await first.engine.enableEncryption('correct horse battery');
    await first.engine.ingest(
      [file('guide.txt', 'Lactic acid bacteria make sourdough rise slowly overnight.')],
      () => undefined,
    );
    const second = await open('privacy-lock-tabs');
    await second.engine.unlock('correct horse battery');
    expect((await second.engine.search('sourdough', { mode: 'keyword' })).results).toHaveLength(1);
    const events: string[] = [];
    await second.engine.onLibraryEvent((event) => events.push(event.type));

    await first.engine.lock();
    await expect.poll(() => events.includes('locked'), { timeout: 5_000 }).toBe(true);
    expect(await second.engine.lockState()).toBe('locked');
    await expect(second.engine.search('sourdough')).rejects.toMatchObject({ code: 'LOCKED' });
    expect((await second.engine.stats()).chunks).toBe(0);
    // Unlocking one tab does not unlock the other: each asks for the passphrase.
    await second.engine.unlock('correct horse battery');
    expect(await first.engine.lockState()).toBe('locked');
  });

  it('refuses to encrypt a library that has documents, and changes the passphrase without losing the library', async () => {
    const { engine } = await open('privacy-lock-nonempty');
    await engine.ingest([file('a.txt', 'Some plain words here.')], () => undefined);
    await expect(engine.enableEncryption('long enough passphrase')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('empty library'),
    });
    expect(await engine.lockState()).toBe('plain');

    const { engine: locked } = await open('privacy-lock-change');
    await locked.enableEncryption('first passphrase');
    await locked.ingest([file('b.txt', 'Chain lubrication keeps a bicycle quiet.')], () => undefined);
    await expect(locked.changePassphrase('not the old one', 'second passphrase')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await locked.changePassphrase('first passphrase', 'second passphrase');
    const again = await open('privacy-lock-change');
    await expect(again.engine.unlock('first passphrase')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await again.engine.unlock('second passphrase');
    expect((await again.engine.search('lubrication', { mode: 'keyword' })).results).toHaveLength(1);
  });
});

describe('forget everything', () => {
  it('closes the library before the worker deletes the databases, reports what went, and answers nothing after', async () => {
    let openAtWipe = true;
    const { engine } = await open('privacy-forget', fixtureSettings, {}, async () => {
      // The deletion must not be blocked by this engine's own connection.
      const deleted = await new Promise<boolean>((resolve) => {
        const request = indexedDB.deleteDatabase('privacy-forget');
        request.onsuccess = () => resolve(true);
        request.onblocked = () => resolve(false);
      });
      openAtWipe = !deleted;
      return ['IndexedDB database “privacy-forget”'];
    });
    await engine.ingest([file('a.txt', 'A passage about sourdough.')], () => undefined);
    expect(await engine.forgetEverything()).toEqual(['IndexedDB database “privacy-forget”']);
    expect(openAtWipe).toBe(false);
    await expect(engine.search('sourdough')).rejects.toMatchObject({ code: 'LIBRARY_STALE' });
    const fresh = await open('privacy-forget');
    expect(fresh.init.stats.documents).toBe(0);
  });
});

describe('URL parameters never widen consent', () => {
  it('refuses ?remote=1 when downloads are off, and saves only stored settings plus the change, never session overrides', async () => {
    const { engine } = await open('privacy-consent');
    await engine.updateSettings({ allowRemoteModels: false });
    const store = await IndexedDbStore.open('privacy-consent');
    expect(await store.getSetting('engine-settings')).toEqual({ allowRemoteModels: false });

    const link = await open(
      'privacy-consent',
      { localModelPath, chunkTokens: 64, chunkOverlapTokens: 8 },
      { allowRemoteModels: true, modelId: 'glove-50d-static' },
    );
    expect(link.init.settings.allowRemoteModels).toBe(false);
    expect(link.init.settings.modelId).toBe('glove-50d-static'); // narrowing (or neutral) parameters apply
    expect(link.init.refused).toEqual([
      { key: 'allowRemoteModels', reason: expect.stringContaining('downloads are off') },
    ]);
    await link.engine.updateSettings({ rrfK: 50 });
    // Neither the build's choice (chunkTokens) nor the URL's model was saved: only the stored setting and the change.
    expect(await store.getSetting('engine-settings')).toEqual({ allowRemoteModels: false, rrfK: 50 });
    expect((await link.engine.getSettings()).chunkTokens).toBe(64);

    // Once the user allows downloads (an explicit setting), the same link is no longer refused.
    await link.engine.updateSettings({ allowRemoteModels: true });
    const allowed = await open('privacy-consent', { localModelPath }, { allowRemoteModels: true });
    expect(allowed.init.refused).toEqual([]);
    expect(allowed.init.settings.allowRemoteModels).toBe(true);
    store.close();
  });
});

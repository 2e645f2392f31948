// Switching the embedding model in Settings: the library is re-embedded in the background (progress and ETA shown)
// while searches keep answering from the old vectors; then the new vectors answer and the old set is deleted; a
// page reloaded in the middle resumes the re-embed and completes it.
//
// No timing luck: the test holds a read-write transaction on the `vectors` object store from the page. IndexedDB
// starts transactions with overlapping scopes in the order they were created, across connections, so while the
// hold is open the worker's next vector write waits; `step` opens a new hold and closes the old one, which lets
// exactly the writes already waiting through. The re-embed is paused at a known point instead of raced.
//
// The switch itself is confirmed under the engine's writer lock, not under that hold: browsers need not run
// read-write transactions on different stores side by side, and Chromium (SQLite-backed IndexedDB) and Firefox run
// one at a time, so the hold would stall the settings save too. A settings save does not take the writer lock; the
// switch's queued work (old model detached, new vectors opened, re-embed) does, and the lock is let go only once the
// hold has started, so the re-embed meets the hold before it reads or writes a single vector.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { dumpIndexedDb, storesContainingText } from './idb-dump.ts';
import { fixture, openApp, search } from './helpers.ts';

const OLD = 'glove-50d-static';
const NEW = 'glove-50d-permuted';

/** Distinct numbered paragraphs on five topics: a few hundred passages, several embedding batches. */
function library(paragraphs: number): string {
  const topics = [
    'the bank raised interest rates and investors bought bonds with their money',
    'the team won the football game and the players celebrated with the fans',
    'the chef cooked dinner with fresh food in the kitchen for the family',
    'the river water was cold and the fish swam under the old bridge',
    'snow fell on the mountain and the weather turned cold for the climbers',
  ];
  return Array.from({ length: paragraphs }, (_, i) => `Record ${i}: ${topics[i % topics.length]} in entry ${i}.`).join(
    '\n\n',
  );
}

async function ingestLibrary(page: Page): Promise<void> {
  await page
    .getByTestId('file-input')
    .setInputFiles([{ name: 'ledger.txt', mimeType: 'text/plain', buffer: Buffer.from(library(3000)) }]);
  const row = page.locator('[data-testid="library-row"][data-name="ledger.txt"]');
  await expect(row).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await expect(page.getByTestId('pending-vectors')).toHaveCount(0, { timeout: 60_000 });
}

/**
 * In the page: opens a hold on the `vectors` store (see the header) and ends the previous one. The new hold's
 * transaction is created before the old one ends, so writes created before it run in between and later ones wait.
 * Resolves once the new hold has started. Self-contained: it also runs as an init script before the app starts.
 */
function holdInPage(): Promise<void> {
  type Hold = { stop: () => void; db: Promise<IDBDatabase>; read: () => Promise<unknown[]> };
  const w = window as unknown as { __vectorsHold?: Hold };
  const db =
    w.__vectorsHold?.db ??
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('trove');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const previous = w.__vectorsHold;
  let stopped = false;
  // Reads while the hold is open go through its transaction (any other would wait too), issued while it is active.
  const reads: Array<(rows: unknown[]) => void> = [];
  const hold: Hold = { stop: () => (stopped = true), db, read: () => new Promise((resolve) => reads.push(resolve)) };
  w.__vectorsHold = hold;
  return db.then(
    (connection) =>
      new Promise<void>((resolve) => {
        const store = connection.transaction('vectors', 'readwrite').objectStore('vectors');
        previous?.stop();
        // A transaction stays open while it has a request in flight: keep one in flight until stopped.
        const spin = () => {
          const request = store.count();
          request.onsuccess = () => {
            resolve();
            for (const done of reads.splice(0)) {
              const all = store.getAll();
              all.onsuccess = () => done(all.result as unknown[]);
            }
            if (!stopped) spin();
          };
        };
        spin();
      }),
  );
}

async function holdVectors(page: Page): Promise<void> {
  await page.evaluate(holdInPage);
}

/** The engine's writer lock (writer-lock.ts, library `trove`): its work queue runs every write task under it. */
const WRITER_LOCK = 'trove:writer';

/** Takes the writer lock from the page (see the header); resolves once it is held. */
async function holdWriter(page: Page): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((held) => {
        void navigator.locks.request(
          name,
          { mode: 'exclusive' },
          () =>
            new Promise<void>((release) => {
              (window as unknown as { __releaseWriter?: () => void }).__releaseWriter = release;
              held();
            }),
        );
      }),
    WRITER_LOCK,
  );
}

async function releaseWriter(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __releaseWriter?: () => void };
    w.__releaseWriter?.();
    w.__releaseWriter = undefined;
  });
}

/**
 * Whether the keyword index snapshot reflects the library's current version: the engine writes it (a queued write
 * task) a moment after its last write, and it is the only write it defers (engine.ts, scheduleSnapshot).
 */
async function snapshotWritten(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('trove');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(['indexPages', 'settings']);
    const get = (store: string, key: IDBValidKey) =>
      new Promise<unknown>((resolve, reject) => {
        const request = tx.objectStore(store).get(key);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const [row, version] = await Promise.all([
      get('indexPages', ['trove/lexical', '#version']),
      get('settings', '#library-version'),
    ]);
    db.close();
    const bytes = (row as { bytes?: Uint8Array } | undefined)?.bytes;
    return !!bytes && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === version;
  });
}

/** Confirms the switch with the re-embed paused at the vectors hold, before it reads or writes any vector. */
async function switchModelHeld(page: Page, modelId: string): Promise<void> {
  // A write queued ahead of the switch would meet the hold first (one read-write transaction at a time, see the
  // header) and keep the switch's work behind it: the deferred snapshot is written before the queue is stopped.
  await expect
    .poll(() => snapshotWritten(page), { timeout: 30_000, message: 'the keyword snapshot is written' })
    .toBe(true);
  await holdWriter(page);
  await switchModel(page, modelId);
  await holdVectors(page);
  await releaseWriter(page);
}

/** Ends the hold for good: the re-embed runs to the end. */
async function releaseVectors(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __vectorsHold?: { stop: () => void } };
    w.__vectorsHold?.stop();
    w.__vectorsHold = undefined;
  });
}

/** Lets waiting vector writes through, one hold at a time, until the re-embed shows at least `min` passages done. */
async function stepUntilDone(page: Page, min: number): Promise<{ done: number; total: number }> {
  const progress = page.getByTestId('reembed-progress');
  for (let i = 0; i < 200; i++) {
    // Until the switch has loaded what it resumes from, there is no progress to read yet: step on.
    if ((await progress.count()) > 0) {
      const done = Number(await progress.getAttribute('data-done'));
      const total = Number(await progress.getAttribute('data-total'));
      if (done >= min) return { done, total };
    }
    await holdVectors(page);
    // Give the worker time to create its next transaction (it then waits behind the new hold) and report.
    await page.waitForTimeout(200);
  }
  throw new Error(`The re-embed did not reach ${min} passages through 200 steps.`);
}

/** Per fingerprint stored in the `vectors` store: passage vectors and distinct passages. */
async function storedVectors(page: Page): Promise<Record<string, { vectors: number; passages: number }>> {
  return page.evaluate(async () => {
    type Row = { fingerprint: string; chunkIds: Uint32Array };
    // While the test holds the vectors store, read through the hold's own transaction.
    const held = (window as unknown as { __vectorsHold?: { read: () => Promise<unknown[]> } }).__vectorsHold;
    let rows: Row[];
    if (held) rows = (await held.read()) as Row[];
    else {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('trove');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      rows = await new Promise<Row[]>((resolve, reject) => {
        const request = db.transaction('vectors').objectStore('vectors').getAll();
        request.onsuccess = () => resolve(request.result as Row[]);
        request.onerror = () => reject(request.error);
      });
      db.close();
    }
    const out: Record<string, { vectors: number; ids: Set<number> }> = {};
    for (const row of rows) {
      const entry = (out[row.fingerprint] ??= { vectors: 0, ids: new Set() });
      entry.vectors += row.chunkIds.length;
      for (const id of row.chunkIds) entry.ids.add(id);
    }
    return Object.fromEntries(
      Object.entries(out).map(([k, v]) => [k.split('@')[0], { vectors: v.vectors, passages: v.ids.size }]),
    );
  });
}

/** Serious or critical axe violations in the light and the dark theme, and whether `testId` fits a 360 px screen. */
async function auditView(page: Page, view: string, testId: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForTimeout(300); // let transitions settle so colours are final
    const { violations } = await new AxeBuilder({ page }).analyze();
    found.push(
      ...violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${view} (${colorScheme}): ${v.id} at ${n.target.join(' ')}`)),
    );
  }
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const wide = await page.evaluate((id) => {
    const root = document.querySelector(`[data-testid="${id}"]`);
    return root
      ? [root, ...root.querySelectorAll('*')]
          .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
          .map((e) => e.tagName)
      : ['missing'];
  }, testId);
  if (wide.length > 0) found.push(`${view}: ${wide.join(', ')} wider than a 360 px screen`);
  if (size) await page.setViewportSize(size);
  return found;
}

/** Settings → model → Save → the confirmation (no evaluation set loaded here: it says how to measure) → Switch. */
async function switchModel(page: Page, modelId: string): Promise<void> {
  await page.getByTestId('settings-button').click();
  await page.getByTestId('setting-model').selectOption(modelId);
  await page.getByTestId('settings-save').click();
  const confirm = page.getByTestId('swap-confirm');
  await expect(confirm).toContainText(`From ${OLD} to ${modelId}`);
  await expect(confirm).toContainText(/\d+ passages will be embedded again in the background/);
  await expect(page.getByTestId('swap-no-set')).toContainText('open Evaluate');
  await page.getByTestId('swap-confirm-button').click();
  await expect(page.getByTestId('settings-dialog')).not.toBeVisible();
}

async function expectSwitched(page: Page, total: number): Promise<void> {
  await expect
    .poll(() => storedVectors(page), {
      timeout: 120_000,
      message: 'only the new model’s vectors remain, one per passage',
    })
    .toEqual({ [`trove/${NEW}`]: { vectors: total, passages: total } });
  await expect(page.getByTestId('reembed-progress')).toHaveCount(0);
  const status = page.getByTestId('model-status');
  await expect(status).toHaveAttribute('data-state', 'ready');
  await expect(status).toContainText(NEW);
  await expect(status).not.toContainText(OLD);
  // Nothing of the old set is left anywhere in the vectors store (every row names its model).
  const dump = await dumpIndexedDb(page);
  expect(storesContainingText(dump, `trove/${OLD}`)).not.toContain('trove/vectors');
  expect(storesContainingText(dump, `trove/${NEW}`)).toContain('trove/vectors');
}

test.describe.configure({ timeout: 300_000 });

test('a model switch re-embeds in the background while the old vectors answer, then swaps and deletes them', async ({
  page,
}) => {
  await openApp(page);
  await ingestLibrary(page);
  await search(page, 'semantic', 'investors money interest');
  await expect(page.getByTestId('result').first()).toContainText('bank raised interest', { timeout: 30_000 });
  await expect(page.getByTestId('notice')).toHaveCount(0);
  const before = await storedVectors(page);
  const total = before[`trove/${OLD}`].passages;
  expect(before).toEqual({ [`trove/${OLD}`]: { vectors: total, passages: total } });
  expect(total).toBeGreaterThan(150); // several batches of 32

  await switchModelHeld(page, NEW);
  const progress = page.getByTestId('reembed-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText(NEW);
  await expect(progress).toContainText(`uses ${OLD}`);
  await expect(progress).toHaveAttribute('data-total', String(total));

  // Part of the library re-embedded, and paused there: progress and an estimate of the time left.
  const { done } = await stepUntilDone(page, 1);
  expect(done).toBeLessThan(total);
  await expect(progress).toContainText(`${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} passages`);
  await expect(page.getByTestId('reembed-eta')).toHaveText(/(about \d+ (min|h).*|less than a minute) left/);
  await expect(page.getByRole('progressbar', { name: `Re-embedding for ${NEW}` })).toHaveAttribute(
    'aria-valuenow',
    String(Math.round((done / total) * 100)),
  );

  expect(await auditView(page, 're-embed progress', 'model-status')).toEqual([]);

  // Searches answer meanwhile, from the old model's vectors, and say so.
  await search(page, 'semantic', 'investors bonds money');
  await expect(page.getByTestId('notice')).toContainText(`Re-embedding the library for ${NEW}`, { timeout: 30_000 });
  await expect(page.getByTestId('notice')).toContainText(`Semantic results come from ${OLD}`);
  await expect(page.getByTestId('result').first()).toContainText('bank raised interest');
  // Still paused: nothing more was embedded while we searched, and what was is stored.
  expect((await storedVectors(page))[`trove/${NEW}`]).toEqual({ vectors: done, passages: done });
  await expect(progress).toHaveAttribute('data-done', String(done));

  await releaseVectors(page);
  await expectSwitched(page, total);
  // The new vectors answer: no notice, same topic first (the permuted model has the same geometry).
  await search(page, 'semantic', 'investors bonds interest');
  await expect(page.getByTestId('result').first()).toContainText('bank raised interest', { timeout: 30_000 });
  await expect(page.getByTestId('notice')).toHaveCount(0);
});

test('a page reloaded in the middle of a re-embed resumes it where it stopped and completes it', async ({ page }) => {
  await openApp(page);
  await ingestLibrary(page);
  const total = (await storedVectors(page))[`trove/${OLD}`].passages;

  await switchModelHeld(page, NEW);
  // More than one batch, so a restart from zero could not look like a resume.
  const { done } = await stepUntilDone(page, 64);
  expect(done).toBeLessThan(total);
  const stored = await storedVectors(page);
  expect(stored[`trove/${NEW}`]).toEqual({ vectors: done, passages: done });
  expect(stored[`trove/${OLD}`].passages).toBe(total);

  // The reload ends the hold with the page; the new page holds the vectors store again before the app starts, so
  // what it resumes from can be seen before anything more is embedded.
  await page.evaluate(() => sessionStorage.setItem('e2e-hold-vectors', '1'));
  await page.addInitScript(
    `if (sessionStorage.getItem('e2e-hold-vectors')) { sessionStorage.removeItem('e2e-hold-vectors'); (${holdInPage.toString()})(); }`,
  );
  // The fixture build (VITE_TROVE_MODEL=local) pins its model for each session over the stored choice; the URL asks for
  // the new one, as the stored setting does in a normal build.
  await page.goto(`/?model=${NEW}`);
  const resumed = await stepUntilDone(page, 1);
  expect(resumed).toEqual({ done, total }); // the switch picked up where it stopped: nothing was thrown away
  const progress = page.getByTestId('reembed-progress');
  await expect(progress).toContainText(`uses ${OLD}`);
  // Meanwhile the old vectors answer again (the old model was reloaded for them).
  await search(page, 'semantic', 'investors bonds money');
  await expect(page.getByTestId('notice')).toContainText(`Semantic results come from ${OLD}`, { timeout: 30_000 });
  await expect(page.getByTestId('result').first()).toContainText('bank raised interest');

  await releaseVectors(page);
  await expectSwitched(page, total); // exactly one vector per passage: nothing embedded twice, nothing skipped
  await expect(page.locator('[data-testid="library-row"][data-name="ledger.txt"]')).toHaveAttribute(
    'data-status',
    'ready',
  );
  await search(page, 'semantic', 'investors bonds interest');
  await expect(page.getByTestId('result').first()).toContainText('bank raised interest', { timeout: 30_000 });
  await expect(page.getByTestId('notice')).toHaveCount(0);
  // A further reload serves the new vectors at once, with no switch pending.
  await page.goto(`/?model=${NEW}`);
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('reembed-progress')).toHaveCount(0);
  await expect(page.getByTestId('model-status')).toContainText(NEW);
});

test('with an evaluation set loaded, the confirmation shows both models measured on it before anything changes', async ({
  page,
}) => {
  test.setTimeout(300_000); // an evaluation, then two models over the set, on a loaded machine
  await openApp(page);
  await page.getByTestId('evaluate-view').locator('summary').click();
  await page
    .getByTestId('evaluate-files')
    .setInputFiles(['corpus.jsonl', 'queries.jsonl', 'qrels.tsv'].map((f) => fixture(`beir-mini/${f}`)));
  await page.getByTestId('evaluate-run').click();
  const semantic = page.locator('[data-testid="evaluate-row"][data-name="semantic"]');
  await expect(semantic).toBeVisible({ timeout: 90_000 });
  const semanticNdcg = (await semantic.locator('[data-metric="ndcg@10"]').textContent())?.trim();

  await page.getByTestId('settings-button').click();
  await page.getByTestId('setting-model').selectOption(NEW);
  await page.getByTestId('settings-save').click();
  // Both models are loaded and run over the set: slow on a loaded 2-core machine. A failed measurement says why.
  const confirm = page.getByTestId('swap-confirm');
  await expect(confirm).toHaveAttribute('data-measure', /^(done|failed|cancelled|unusable|no-set)$/, {
    timeout: 150_000,
  });
  await expect(page.getByTestId('swap-measure-error')).toHaveCount(0);
  await expect(confirm).toHaveAttribute('data-measure', 'done');
  const metrics = page.getByTestId('swap-metric');
  await expect(metrics).toHaveCount(3);
  await expect(page.getByTestId('swap-metrics')).toContainText(': 3 queries over 10 documents, semantic search only');
  // The permuted fixture has the same geometry: the same scores, shown as no change; and the current model's nDCG@10
  // is the Evaluate view's semantic row (the same set, ranked the same way).
  for (const metric of ['ndcg@10', 'recall@10', 'mrr@10']) {
    const row = page.locator(`[data-testid="swap-metric"][data-metric="${metric}"]`);
    const current = await row.getByTestId('swap-current').textContent();
    expect(Number(current)).toBeGreaterThan(0);
    await expect(row.getByTestId('swap-candidate')).toHaveText(current!);
    await expect(row.getByTestId('swap-delta')).toHaveText('same');
  }
  await expect(
    page.locator('[data-testid="swap-metric"][data-metric="ndcg@10"]').getByTestId('swap-current'),
  ).toHaveText(semanticNdcg!);
  expect(await auditView(page, 'measured swap confirmation', 'swap-confirm')).toEqual([]);
  // Back: nothing changed.
  await page.getByTestId('swap-back').click();
  await expect(page.getByTestId('setting-model')).toHaveValue(NEW); // the draft is kept
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-dialog')).not.toBeVisible();
  await expect(page.getByTestId('model-status')).toContainText(OLD);
  await expect(page.getByTestId('reembed-progress')).toHaveCount(0);
});

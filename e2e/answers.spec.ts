// Answers with citations on the offline fixtures (GloVe embeddings, the scripted-chat answer model): the answer
// streams in, [1] opens its passage, out-of-context citations are dropped and counted and uncited sentences marked,
// unrelated questions take the no-answer path with the closest passages, a follow-up shows the query it searched,
// Cancel stops a long answer, a saved thread comes back after a reload (sealed in a locked library) and travels in
// a .trove export, the answer model downloads/cancels/deletes in Models, and nothing leaves the origin.
// One page for the whole file: the library and the answer model load once.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { recordEgress, type EgressRecorder } from './egress.ts';
import { addFiles, expectJobs, fixture } from './helpers.ts';
import { dumpIndexedDb, storesContainingText } from './idb-dump.ts';

test.describe.configure({ mode: 'serial' });

const REPO = 'trove/scripted-chat';
let context: BrowserContext;
let page: Page;
let egress: EgressRecorder;

test.beforeAll(async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  // bypassCSP: an attempt to leave the origin from a worker shows as a real request the recorder sees.
  context = await browser.newContext({ baseURL, bypassCSP: true });
  egress = recordEgress(context, { origin: new URL(baseURL!).origin });
  page = await context.newPage();
  await page.goto('/');
  // A loaded machine can take a while to start the embedding model.
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });
});

test.afterAll(async () => {
  egress?.stop();
  await context?.close();
});

const panel = () => page.getByTestId('answers-panel');
const lastTurn = () => page.getByTestId('answer-turn').last();

async function ask(question: string): Promise<void> {
  await page.getByTestId('answers-question').fill(question);
  await page.getByTestId('answers-ask').click();
}

test('answers are off until turned on and remembered; a model that fails to load says so and Retry loads it', async () => {
  await expect(page.getByTestId('answers-toggle')).not.toBeChecked();
  await expect(page.getByTestId('answers-question')).toHaveCount(0);
  // A model that fails to load says so, and Retry loads it once it can.
  await context.route(`**/${REPO}/config.json`, (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.getByTestId('answers-toggle').check();
  await expect(page.getByTestId('generator-error')).toContainText('could not be loaded', { timeout: 60_000 });
  await expect(page.getByTestId('answers-ask')).toBeDisabled();
  await context.unroute(`**/${REPO}/config.json`);
  await page.getByTestId('generator-retry').click();
  await expect(page.getByTestId('generator-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
  await expect(page.getByTestId('answers-toggle')).toBeChecked();
  await expect(page.getByTestId('generator-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  // The system prompt is stated.
  await panel().getByTestId('answers-system-prompt').locator('summary').click();
  await expect(panel().getByTestId('answers-system-prompt')).toContainText(/passages/i);
});

test('the answer streams in token by token and its citation [1] opens the passage in the viewer', async () => {
  // Every length the answer text takes while it streams.
  await page.evaluate(() => {
    const lengths: number[] = [];
    (window as unknown as { answerLengths: number[] }).answerLengths = lengths;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="answer-turn"]:last-of-type [data-testid="answer-text"]');
      const length = text?.textContent?.length ?? 0;
      if (length > 0 && lengths.at(-1) !== length) lengths.push(length);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  // A long answer (300 tokens): a short one can arrive between two frames on a fast machine.
  await ask('Tell me about the starter filibuster');
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  const lengths = await page.evaluate(() => (window as unknown as { answerLengths: number[] }).answerLengths);
  expect(lengths.length).toBeGreaterThanOrEqual(3);
  expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
  // The fixture's triggers act anywhere in the prompt, the thread included: start a new thread.
  await page.getByTestId('answers-clear').click();

  await ask('How often should I feed the starter?');
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(lastTurn().getByTestId('answer-text')).toContainText('According to your documents');
  await expect(lastTurn().getByTestId('answer-uncited')).toHaveCount(0);
  const violations = (await new AxeBuilder({ page }).include('[data-testid="answers-panel"]').analyze()).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help}`);
  expect(violations).toEqual([]);

  const cited = await lastTurn().getByTestId('answer-sources').getByTestId('answer-passage').first().textContent();
  await lastTurn().getByTestId('answer-citation').first().click();
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toBeVisible();
  const passage = viewer.locator('[data-passage]').first();
  await expect(passage).toBeInViewport();
  // The viewer marks the passage the answer was given as [1].
  const marked = (await passage.textContent())?.trim().slice(0, 20) ?? '';
  expect(marked.length).toBeGreaterThan(0);
  expect(cited).toContain(marked);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
});

test('a citation to a passage not in the context is dropped and counted, and an uncited sentence is marked', async () => {
  await ask('Can a starter overreach its jar?');
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  const check = lastTurn().getByTestId('answer-check');
  await expect(check).toHaveAttribute('data-dropped', '1');
  await expect(check).toContainText('1 citation to passages not in the context dropped');
  await expect(lastTurn().getByTestId('answer-text')).not.toContainText('[7]');
  await expect(lastTurn().locator('[data-testid="answer-sentence"][data-cited="false"]')).toHaveCount(2);
  await expect(lastTurn().getByTestId('answer-uncited').first()).toBeVisible();
  await expect(lastTurn().locator('[data-testid="answer-sentence"][data-cited="true"]')).toHaveCount(1);
});

test('a follow-up question shows the standalone query it searched, folded from the thread', async () => {
  await page.getByTestId('answers-clear').click();
  await expect(page.getByTestId('answer-turn')).toHaveCount(0);
  await ask('How should I shape the loaf?');
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(lastTurn().getByTestId('answer-query')).toContainText('How should I shape the loaf?');
  await ask('and overnight?');
  await expect(page.getByTestId('answer-turn')).toHaveCount(2);
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(lastTurn().getByTestId('answer-question')).toHaveText('and overnight?');
  await expect(lastTurn().getByTestId('answer-query')).toContainText('How should I shape the loaf? — and overnight?');
});

test("nothing relevant retrieved: the panel says the documents don't seem to answer and shows the closest passages", async () => {
  await ask('Why do purple elephants dance?');
  await expect(lastTurn()).toHaveAttribute('data-state', 'no-answer', { timeout: 30_000 });
  await expect(lastTurn().getByTestId('answer-none')).toContainText("Your documents don't seem to answer this");
  await expect(lastTurn().getByTestId('answer-closest').getByTestId('answer-passage').first()).toBeVisible();
  await expect(lastTurn().getByTestId('answer-text')).toHaveCount(0);
  // The model itself saying so takes the same path.
  await ask('Is the starter unanswerable?');
  await expect(lastTurn()).toHaveAttribute('data-state', 'no-answer', { timeout: 30_000 });
  await expect(lastTurn().getByTestId('answer-none')).toContainText("Your documents don't seem to answer this");
});

/**
 * Clicks `testId` inside the page as soon as the running (last) answer shows its first "It keeps going": a round trip
 * from the test would race the answer, which a fast machine streams to its end (300 tokens) in about a second.
 */
async function clickWhileStreaming(testId: string): Promise<void> {
  await page.evaluate((id) => {
    const observer = new MutationObserver(() => {
      const last = [...document.querySelectorAll('[data-testid="answer-turn"]')].at(-1);
      if (!last?.querySelector('[data-testid="answer-text"]')?.textContent?.includes('It keeps going')) return;
      observer.disconnect();
      document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)?.click();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }, testId);
}

test('Cancel stops a long answer where it is, and a new question cancels the one running', async () => {
  await clickWhileStreaming('answers-cancel');
  await ask('Explain the starter filibuster in detail');
  const text = lastTurn().getByTestId('answer-text');
  await expect(lastTurn()).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  const stopped = (await text.textContent()) ?? '';
  expect(stopped).toContain('It keeps going');
  // 300 tokens would say "It keeps going." 73 times.
  expect(stopped.split('It keeps going').length - 1).toBeLessThan(73);
  await expect(page.getByTestId('answers-cancel')).toHaveCount(0);
  await expect.poll(async () => (await text.textContent()) ?? '').toBe(stopped);

  // The next question is typed while the long answer streams, and sent with one click.
  await ask('Explain the starter filibuster once more');
  await page.getByTestId('answers-question').fill('How often should I feed the starter?');
  await clickWhileStreaming('answers-ask');
  await expect(page.getByTestId('answer-turn').nth(-2)).toHaveAttribute('data-state', 'cancelled', { timeout: 30_000 });
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(lastTurn().getByTestId('answer-question')).toHaveText('How often should I feed the starter?');
});

test("with reranking on, answers are grounded on the cross-encoder's scores", async () => {
  await page.getByTestId('rerank-toggle').check();
  await ask('How often should I feed the starter?');
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await ask('Why do purple elephants dance?');
  await expect(lastTurn()).toHaveAttribute('data-state', 'no-answer', { timeout: 60_000 });
  await expect(lastTurn().getByTestId('answer-none-reason')).toContainText('reranker');
  await expect(lastTurn().getByTestId('answer-closest').getByTestId('answer-passage').first()).toBeVisible();
  await page.getByTestId('rerank-toggle').uncheck();
});

const FEED_QUESTION = 'How often should I feed the starter?';
const savedThread = (title: string) => page.getByTestId('saved-thread').filter({ hasText: title });

/** Opens the list of saved threads (a closed disclosure) and the thread titled `title` from it. */
async function openSavedThread(title: string): Promise<void> {
  const list = page.getByTestId('saved-threads');
  if ((await list.getAttribute('open')) === null) await list.locator('summary').click();
  await savedThread(title).getByTestId('saved-thread-open').click();
}

test('a saved thread comes back after a reload: read-only, its citation opens the passage, and it goes on', async () => {
  if ((await page.getByTestId('answers-clear').count()) > 0) await page.getByTestId('answers-clear').click();
  await expect(page.getByTestId('answers-save')).toHaveCount(0); // nothing answered yet: nothing to save
  await ask(FEED_QUESTION);
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await page.getByTestId('answers-save').click();
  await expect(page.getByTestId('saved-threads-message')).toContainText(`Saved as “${FEED_QUESTION}”`);
  await expect(page.getByTestId('answers-save')).toHaveText('Saved');

  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
  await expect(page.getByTestId('generator-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('answer-turn')).toHaveCount(0); // the thread on show was in memory only
  await openSavedThread(FEED_QUESTION);
  await expect(page.getByTestId('answer-turn')).toHaveCount(1);
  await expect(lastTurn()).toHaveAttribute('data-state', 'done');
  await expect(lastTurn().getByTestId('answer-question')).toHaveText(FEED_QUESTION);
  await expect(lastTurn().getByTestId('answer-text')).toContainText('According to your documents');
  await expect(lastTurn().getByTestId('answers-cancel')).toHaveCount(0);

  const cited = await lastTurn().getByTestId('answer-sources').getByTestId('answer-passage').first().textContent();
  await lastTurn().getByTestId('answer-citation').first().click();
  const viewer = page.getByTestId('viewer');
  await expect(viewer).toBeVisible();
  const passage = viewer.locator('[data-passage]').first();
  await expect(passage).toBeInViewport();
  const marked = (await passage.textContent())?.trim().slice(0, 20) ?? '';
  expect(marked.length).toBeGreaterThan(0);
  expect(cited).toContain(marked);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();

  // A follow-up continues the opened thread, and saving keeps it one saved thread.
  await ask('and overnight?');
  await expect(page.getByTestId('answer-turn')).toHaveCount(2);
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(lastTurn().getByTestId('answer-query')).toContainText(`${FEED_QUESTION} — and overnight?`);
  await expect(page.getByTestId('answers-save')).toHaveText('Save changes');
  await page.getByTestId('answers-save').click();
  await expect(savedThread(FEED_QUESTION)).toContainText('2 questions');
  await expect(page.getByTestId('saved-thread')).toHaveCount(1);

  await savedThread(FEED_QUESTION).getByTestId('saved-thread-rename').click();
  await page.getByTestId('saved-thread-title-input').fill('Feeding notes');
  await page.getByTestId('saved-thread-rename-save').click();
  await expect(savedThread('Feeding notes')).toBeVisible();
  await savedThread('Feeding notes').getByTestId('saved-thread-delete').click();
  await savedThread('Feeding notes').getByTestId('saved-thread-delete-confirm').click();
  await expect(page.getByTestId('saved-thread')).toHaveCount(0);
  await page.getByTestId('answers-clear').click();
});

test('a saved thread travels in a .trove export: imported into a fresh profile it is listed and its citation opens the passage', async ({
  browser,
  baseURL,
}, info) => {
  test.setTimeout(300_000);
  if ((await page.getByTestId('answers-clear').count()) > 0) await page.getByTestId('answers-clear').click();
  await ask(FEED_QUESTION);
  await expect(lastTurn()).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await page.getByTestId('answers-save').click();
  await expect(page.getByTestId('saved-threads-message')).toContainText(`Saved as “${FEED_QUESTION}”`);
  const cited = await lastTurn().getByTestId('answer-sources').getByTestId('answer-passage').first().textContent();

  await expect(page.getByTestId('export-scope')).toHaveValue('*');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('export').click();
  const file = info.outputPath('threads.trove');
  await (await downloading).saveAs(file);
  await expect(page.getByTestId('backup-done')).toContainText('1 saved answer thread');

  const freshContext = await browser.newContext({ baseURL });
  const fresh = await freshContext.newPage();
  try {
    await fresh.goto('/');
    await expect(fresh.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
    await fresh.getByTestId('import-input').setInputFiles(file);
    await expect(fresh.getByTestId('backup-done')).toContainText('Added 1 saved answer thread', { timeout: 60_000 });
    await fresh.getByTestId('answers-toggle').check();
    await expect(fresh.getByTestId('generator-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await fresh.getByTestId('saved-threads').locator('summary').click();
    const listed = fresh.getByTestId('saved-thread').filter({ hasText: FEED_QUESTION });
    await expect(listed).toHaveCount(1);
    await listed.getByTestId('saved-thread-open').click();
    const turn = fresh.getByTestId('answer-turn').last();
    await expect(turn.getByTestId('answer-question')).toHaveText(FEED_QUESTION);
    await expect(fresh.getByTestId('saved-threads-message')).not.toContainText('no longer in your library');
    await turn.getByTestId('answer-citation').first().click();
    const viewer = fresh.getByTestId('viewer');
    await expect(viewer).toBeVisible();
    const passage = viewer.locator('[data-passage]').first();
    await expect(passage).toBeInViewport();
    const marked = (await passage.textContent())?.trim().slice(0, 20) ?? '';
    expect(marked.length).toBeGreaterThan(0);
    expect(cited).toContain(marked);
    await fresh.keyboard.press('Escape');

    // Imported again with the panel open: a second thread under a fresh id, and the list follows the import.
    await fresh.getByTestId('import-input').setInputFiles(file);
    await expect(fresh.getByTestId('backup-done')).toContainText('Added 1 saved answer thread', { timeout: 60_000 });
    await expect(listed).toHaveCount(2);
  } finally {
    await freshContext.close();
  }
  const list = page.getByTestId('saved-threads');
  if ((await list.getAttribute('open')) === null) await list.locator('summary').click();
  await savedThread(FEED_QUESTION).getByTestId('saved-thread-delete').click();
  await savedThread(FEED_QUESTION).getByTestId('saved-thread-delete-confirm').click();
  await expect(page.getByTestId('saved-thread')).toHaveCount(0);
  await page.getByTestId('answers-clear').click();
});

test('in a locked library a saved thread is sealed (its question nowhere in IndexedDB in clear); a citation of a deleted document says it is gone', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(300_000);
  const passphrase = 'correct horse battery staple';
  // A library of its own: the lock is turned on for an empty library only.
  const lockedContext = await browser.newContext({ baseURL });
  const locked = await lockedContext.newPage();
  try {
    await locked.goto('/');
    await expect(locked.getByTestId('model-status')).toHaveAttribute('data-state', 'ready', { timeout: 150_000 });
    await locked.getByTestId('settings-button').click();
    await locked.getByTestId('lock-passphrase').fill(passphrase);
    await locked.getByTestId('lock-passphrase-again').fill(passphrase);
    await locked.getByTestId('lock-understood').check();
    await locked.getByTestId('lock-enable').click();
    await expect(locked.getByTestId('lock-message')).toContainText('lock is on');
    await locked.keyboard.press('Escape');
    await expect(locked.getByTestId('settings-dialog')).toBeHidden();
    await addFiles(locked, [fixture('field-guide.md')]);
    await locked
      .getByTestId('file-input')
      .setInputFiles([{ name: 'kites.txt', mimeType: 'text/plain', buffer: Buffer.from('Kites fly in steady wind.') }]);
    await expectJobs(locked, { 'field-guide.md': 'done', 'kites.txt': 'done' });
    await locked.getByTestId('answers-toggle').check();
    await expect(locked.getByTestId('generator-status')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
    await locked.getByTestId('answers-question').fill(FEED_QUESTION);
    await locked.getByTestId('answers-ask').click();
    const turn = locked.getByTestId('answer-turn').last();
    await expect(turn).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await locked.getByTestId('answers-save').click();
    await expect(locked.getByTestId('saved-threads-message')).toContainText('Saved as');

    const dump = await dumpIndexedDb(locked);
    expect(dump.filter((s) => s.store === 'threads').map((s) => s.rows)).toEqual([1]);
    expect(storesContainingText(dump, FEED_QUESTION)).toEqual([]);
    expect(storesContainingText(dump, 'According to your documents')).toEqual([]);

    // Locked, nothing of it shows; unlocked, it opens again.
    await locked.getByTestId('lock-button').click();
    await expect(locked.getByTestId('lock-screen')).toBeVisible();
    await expect(locked.getByTestId('answers-panel')).toHaveCount(0);
    await locked.getByTestId('unlock-passphrase').fill(passphrase);
    await locked.getByTestId('unlock-submit').click();
    await expect(locked.getByTestId('lock-screen')).toBeHidden();
    await locked.getByTestId('saved-threads').locator('summary').click();
    await locked.getByTestId('saved-thread-open').first().click();
    await expect(locked.getByTestId('answer-question').last()).toHaveText(FEED_QUESTION);

    // The cited document deleted, the saved answer still reads as it was; its citation says the passage is gone.
    const row = locked.locator('[data-testid="library-row"][data-name="field-guide.md"]');
    await row.getByTestId('delete-doc').click();
    await row.getByTestId('confirm-delete').click();
    await expect(locked.getByTestId('library-row')).toHaveCount(1);
    await locked.getByTestId('saved-thread-open').first().click();
    await expect(locked.getByTestId('saved-threads-message')).toContainText('no longer in your library');
    const reopened = locked.getByTestId('answer-turn').last();
    await expect(reopened.getByTestId('answer-text')).toContainText('According to your documents');
    await reopened.getByTestId('answer-citation').first().click();
    await expect(locked.getByTestId('saved-passage-gone')).toContainText('Passage [1] of “field-guide.md”');
    await expect(locked.getByTestId('viewer')).toBeHidden();
  } finally {
    await lockedContext.close();
  }
});

const card = () => page.getByTestId('model-card').and(page.locator(`[data-model-id="${REPO}"]`));
const cachedKeys = () =>
  page.evaluate(
    async (repo) =>
      (await (await caches.open('transformers-cache')).keys()).map((k) => k.url).filter((u) => u.includes(`/${repo}/`)),
    REPO,
  );

test('the answer model in Models: size shown first, download with cancel (nothing kept), download, delete', async () => {
  await page.getByTestId('models-button').click();
  await expect(page.getByTestId('models-dialog')).toBeVisible();
  await expect(card()).toBeVisible({ timeout: 30_000 });
  await expect(card()).toContainText('1 MB (fp32)');
  // Loading the model for answers cached its files: delete them first.
  if ((await card().getByTestId('model-delete').count()) > 0) await card().getByTestId('model-delete').click();
  await expect(card().getByTestId('model-cached')).toHaveText('not cached');
  expect(await cachedKeys()).toEqual([]);

  // Hold the weights' request until Cancel: the download is then in flight.
  const held: Array<() => Promise<void>> = [];
  await context.route(`**/${REPO}/onnx/**`, async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    held.push(() => route.abort().catch(() => undefined));
  });
  await card().getByTestId('model-download').click();
  await expect(card().getByTestId('model-download-progress')).toBeVisible();
  await expect.poll(() => held.length).toBeGreaterThan(0);
  await card().getByTestId('model-cancel').click();
  await expect(card().getByTestId('model-message')).toContainText('cancelled', { timeout: 30_000 });
  for (const release of held) await release();
  await context.unroute(`**/${REPO}/onnx/**`);
  expect(await cachedKeys()).toEqual([]);

  await card().getByTestId('model-download').click();
  await expect(card().getByTestId('model-cached')).toContainText('cached,', { timeout: 30_000 });
  expect((await cachedKeys()).length).toBeGreaterThanOrEqual(5);
  await card().getByTestId('model-delete').click();
  await expect(card().getByTestId('model-cached')).toHaveText('not cached');
  expect(await cachedKeys()).toEqual([]);
  await page.getByTestId('models-close').click();
});

test('with downloads off, no request left the origin for anything answers did', async () => {
  egress.expectNoForeignRequests();
  // The answer model's files came from this site's models folder.
  expect(egress.requests.some((r) => r.url.includes(`/models/${REPO}/`))).toBe(true);
});

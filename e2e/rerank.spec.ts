// Reranking after the results show, fusion chosen per query, and Copy as context, on the offline fixtures
// (GloVe embeddings and the GloVe cross-encoder). One library for the three tests keeps the run short.
import { expect, test, type Page } from '@playwright/test';
import { addFiles, expectJobs, fixture, openApp, search } from './helpers.ts';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

async function resultTexts(page: Page): Promise<string[]> {
  return page.getByTestId('result').locator('.result__text').allTextContents();
}

test('rerank reorders the shown results with an indicator; fusion switches per query; copy as context', async ({
  page,
}) => {
  await openApp(page);
  await addFiles(page, [fixture('field-guide.md')]);
  await expectJobs(page, { 'field-guide.md': 'done' });

  // Fusion: weighted with alpha 0 ranks exactly as keyword search.
  await search(page, 'keyword', 'starter flour water');
  await expect(page.getByTestId('results-summary')).toContainText('Keyword');
  const keyword = await resultTexts(page);
  expect(keyword.length).toBeGreaterThan(1);
  await page.getByTestId('fusion-advanced').locator('summary').click();
  await page.getByTestId('fusion-method').selectOption('weighted');
  await page.getByTestId('fusion-alpha').fill('0');
  await page.getByTestId('mode-hybrid').click();
  await expect(page.getByTestId('results-summary')).toContainText('Hybrid');
  await expect.poll(async () => (await resultTexts(page)).slice(0, keyword.length)).toEqual(keyword);
  await expect(page.getByTestId('result').first().getByTestId('result-score')).toContainText('Fused');
  await page.getByTestId('fusion-method').selectOption('rrf');
  await page.getByTestId('fusion-advanced').locator('summary').click();

  // Rerank: the fused order shows first, "Reranking…" while the cross-encoder runs, then the reranked order.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { rerankStates: string[] }).rerankStates = seen;
    new MutationObserver(() => {
      const state = document.querySelector('[data-testid="rerank-status"]')?.getAttribute('data-state');
      if (state && seen.at(-1) !== state) seen.push(state);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByTestId('rerank-toggle').check();
  await search(page, 'hybrid', 'bread yeast');
  await expect(page.getByTestId('rerank-status')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { rerankStates: string[] }).rerankStates)).toEqual([
    'running',
    'done',
  ]);
  const scores = page.getByTestId('result').getByTestId('result-score');
  await expect(scores.first()).toContainText('Rerank');
  const rerankScores = (await scores.allTextContents()).map((t) => Number(/Rerank(-?[\d.]+)/.exec(t)?.[1]));
  expect(rerankScores.every((s) => Number.isFinite(s))).toBe(true);
  expect(rerankScores).toEqual([...rerankScores].sort((a, b) => b - a));

  // Switched off: the next query shows the fused order without a rerank.
  await page.getByTestId('rerank-toggle').uncheck();
  await search(page, 'hybrid', 'chain oil');
  await expect(page.getByTestId('result').first()).toContainText(/chain/i);
  await expect(page.getByTestId('rerank-status')).toHaveCount(0);
  await expect(page.getByTestId('result').first().getByTestId('result-score')).not.toContainText('Rerank');

  // Copy as context: the block with numbered citations and the question, within the budget.
  await page.getByTestId('context-budget').fill('200');
  await page.getByTestId('copy-context').click();
  await expect(page.getByTestId('context-status')).toContainText(/Copied: \d+ passages?, \d+ tokens/);
  const tokens = Number(/(\d+) tokens/.exec((await page.getByTestId('context-status').textContent()) ?? '')?.[1]);
  expect(tokens).toBeLessThanOrEqual(200);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('[1] field-guide.md');
  expect(copied).toContain('Question: chain oil');
  expect(copied).toMatch(/only the numbered context/);
});

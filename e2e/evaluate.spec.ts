// The Evaluate view on a tiny BEIR-layout set (10 documents, 3 queries): ingested into its own collection,
// every configuration in the table and chart, the per-query drill-down, and a saved run to compare with.
import { expect, test } from '@playwright/test';
import { fixture, openApp } from './helpers.ts';

test('evaluate a BEIR-layout set: table, chart, drill-down, save and compare', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('evaluate-view').locator('summary').click();
  await page
    .getByTestId('evaluate-files')
    .setInputFiles(['corpus.jsonl', 'queries.jsonl', 'qrels.tsv'].map((f) => fixture(`beir-mini/${f}`)));
  await page.getByTestId('evaluate-run').click();
  const rows = page.getByTestId('evaluate-row');
  await expect(rows).toHaveCount(12, { timeout: 90_000 });
  await expect(rows.first()).toHaveAttribute('data-name', 'keyword');
  // Each query's words occur in a relevant document: keyword search ranks one first (MRR@10 = 1).
  await expect(rows.first().locator('[data-metric="mrr@10"]')).toHaveText('1.0000');
  await expect(
    page.locator('[data-testid="evaluate-row"][data-name="hybrid rrf +rerank"] [data-metric="recall@100"]'),
  ).toHaveText('1.0000');
  await expect(page.getByTestId('evaluate-chart').locator('rect')).toHaveCount(12);
  await expect(page.getByTestId('evaluate-query')).toHaveCount(3);
  await expect(page.getByTestId('evaluate-query').first()).toContainText('fish in the river');
  // The corpus went into its own collection; the library lists its documents.
  await expect(page.getByTestId('library-row')).toHaveCount(10);

  await page.getByTestId('evaluate-save').click();
  await page.getByTestId('evaluate-compare').selectOption({ index: 1 });
  // Compared with itself: no differences shown.
  await expect(page.locator('.evaluate__delta')).toHaveCount(0);
});

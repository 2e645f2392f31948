// Accessibility: axe-core finds no serious or critical violation on any view, in the light and the dark theme.
// (@axe-core/playwright evaluates axe through the DevTools protocol, which the app's CSP does not block.)
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { addFiles, expectJobs, fixture, generated, openApp, search } from './helpers.ts';

async function seriousViolations(page: Page, view: string): Promise<string[]> {
  // Let transitions (the stale-results fade, dialog opening) settle so colours are final.
  await page.waitForTimeout(300);
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => `${view}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    );
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every view passes axe with no serious or critical violation (${scheme} theme)`, async ({ page }) => {
    test.setTimeout(240_000); // six views, six audits: minutes on a busy two-core machine
    await page.emulateMedia({ colorScheme: scheme });
    await openApp(page);
    const found: string[] = [];

    await expect(page.getByTestId('empty-library')).toBeVisible();
    found.push(...(await seriousViolations(page, 'empty library')));

    await addFiles(page, [generated('two-pages.pdf'), fixture('field-guide.md')]);
    await expectJobs(page, { 'two-pages.pdf': 'done', 'field-guide.md': 'done' });
    await expect(page.getByTestId('library-row')).toHaveCount(2);
    await expect(page.getByTestId('ingest-summary')).toBeVisible(); // the ingest dashboard's summary
    found.push(...(await seriousViolations(page, 'library')));

    // The library view: a document expanded to its passages, and one selected (bulk delete and tags).
    await page.locator('[data-testid="library-row"][data-name="field-guide.md"]').getByTestId('expand-doc').click();
    await expect(page.getByTestId('passage').first()).toBeVisible();
    await page.locator('[data-testid="library-row"][data-name="two-pages.pdf"]').getByTestId('select-doc').check();
    await page.getByTestId('bulk-delete').click();
    await expect(page.getByTestId('bulk-question')).toBeVisible();
    found.push(...(await seriousViolations(page, 'library view')));
    await page.getByTestId('bulk-cancel').click();

    await search(page, 'hybrid', 'chain oil');
    await expect(page.getByTestId('result').first().locator('mark').first()).toBeVisible();
    found.push(...(await seriousViolations(page, 'results')));

    await page.getByTestId('settings-button').click();
    await expect(page.getByTestId('settings-dialog')).toBeVisible();
    found.push(...(await seriousViolations(page, 'settings dialog')));
    await page.keyboard.press('Escape');

    // The viewer and the map, on their demo pages until the engine serves their data.
    await page.goto('/?demo=viewer');
    await expect(page.getByTestId('viewer-body')).toContainText('Chain Lubrication');
    found.push(...(await seriousViolations(page, 'document viewer')));
    await page.goto('/?demo=map&points=2000');
    await page.getByTestId('map-canvas').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('map-tooltip')).toBeVisible();
    found.push(...(await seriousViolations(page, 'map')));

    expect(found).toEqual([]);
  });
}

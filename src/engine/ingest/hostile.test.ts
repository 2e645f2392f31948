// Every file of the hostile corpus (scripts/make-hostile-fixtures.mjs) through parseFile and the chunker:
// each gives a document whose passages are sound, or a TroveError that names the file and the reason.
import { describe, expect, it } from 'vitest';
import { HUGE_TEXT_BYTES, hostileFiles } from '../../../scripts/make-hostile-fixtures.mjs';
import { estimateTokens } from '../models/token-estimate.ts';
import { TroveError } from '../core/errors.ts';
import type { ChunkerOptions } from '../core/types.ts';
import { chunkDocumentAsync } from './chunker.ts';
import { MAX_FILE_BYTES, parseFile } from './parsers/index.ts';
import { chunkProblems } from '../testing/ingest-test-utils.ts';

const options: ChunkerOptions = { maxTokens: 256, overlapTokens: 32, countTokens: estimateTokens };
/** Seconds per MB no file of the corpus may exceed: a quadratic step on these sizes takes minutes. */
const MAX_SECONDS_PER_MB = 10;

describe('hostile corpus', () => {
  for (const file of hostileFiles({ small: true })) {
    it(`${file.name}: ${file.expect === 'ingest' ? 'ingests' : `rejects with ${file.code}`}`, async () => {
      const bytes = file.bytes!();
      const t0 = performance.now();
      const outcome = await parseFile(bytes, file.name, '').then(
        (doc) => ({ doc }),
        (error: unknown) => ({ error }),
      );
      if (file.expect === 'reject') {
        expect('error' in outcome && outcome.error).toBeInstanceOf(TroveError);
        const error = (outcome as { error: TroveError }).error;
        expect(error.code).toBe(file.code);
        expect(error.message).toContain(`“${file.name}”`);
        expect(error.message).toMatch(file.message!);
      } else {
        if ('error' in outcome) throw outcome.error;
        const { doc } = outcome;
        if (file.warning) expect(doc.warnings?.join(' ')).toMatch(file.warning);
        const chunks = await chunkDocumentAsync(doc, options);
        expect(chunks.length).toBeGreaterThan(0);
        expect(chunkProblems(doc, chunks, options).slice(0, 3)).toEqual([]);
        expect(Math.max(...chunks.map((c) => c.text.length))).toBeLessThanOrEqual(256 * 8);
        if (file.probe) expect(chunks.some((c) => c.text.toLowerCase().includes(file.probe!))).toBe(true);
      }
      const seconds = (performance.now() - t0) / 1000;
      expect(seconds / Math.max(1, bytes.length / (1024 * 1024))).toBeLessThan(MAX_SECONDS_PER_MB);
    }, 120_000);
  }

  it('refuses a file over parseFile’s absolute cap before looking at a byte of it', async () => {
    // The 200 MB default (setting maxFileMB) is checked before reading by the UI and the ingest pipeline (e2e:
    // hostile.spec.ts); parseFile itself guards the largest limit a setting allows.
    const huge = hostileFiles().find((f) => f.size === HUGE_TEXT_BYTES)!;
    expect(HUGE_TEXT_BYTES).toBeGreaterThan(200 * 1024 * 1024);
    const tooBig = { byteLength: MAX_FILE_BYTES + 1 } as Uint8Array; // never read, so never allocated
    const error = await parseFile(tooBig, huge.name, 'text/plain').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: huge.code });
    expect((error as Error).message).toContain(`“${huge.name}”`);
    expect((error as Error).message).toMatch(/the limit is/);
  });

  it('keeps the text of every file that decodes with a repair, and warns about it', async () => {
    const files = hostileFiles({ small: true });
    const lying = await parseFile(
      files.find((f) => f.name === 'lying-charset.html')!.bytes!(),
      'lying-charset.html',
      '',
    );
    expect(lying.text).toContain('Bouillabaisse à la carte, crème brûlée.'); // not "Ã "
    const utf16be = await parseFile(files.find((f) => f.name === 'utf16be-bom.txt')!.bytes!(), 'utf16be-bom.txt', '');
    expect(utf16be.text).toContain('tundrance, 你好.');
    const rule = await parseFile(
      files.find((f) => f.name === 'rule-not-front-matter.md')!.bytes!(),
      'rule-not-front-matter.md',
      '',
    );
    expect(rule.text).toContain('The preamblist opens this file after a rule.');
  });
});

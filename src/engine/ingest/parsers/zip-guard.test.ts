// ZIP bombs in DOCX and EPUB: refused from the central directory, or while inflating when the directory lies.
import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync } from 'fflate';
import { formatFixtures } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import { docxParser } from './docx.ts';
import { epubParser } from './epub.ts';
import { readCentralDirectory, unzipBounded, ZIP_BUDGET, ZipDamagedError } from './zip-guard.ts';

const MB = 1024 * 1024;

async function rejection(p: Promise<unknown>): Promise<TroveError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

/** An honest archive with `extra` entries added (deflated at the highest level). */
function withEntries(archive: Uint8Array, extra: Record<string, Uint8Array>): Uint8Array {
  const files: Record<string, Uint8Array> = { ...unzipSync(archive), ...extra };
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 9 }]])));
}

/** Rewrites the uncompressed size that the central directory and the local header declare for `name`. */
function lieAboutSize(archive: Uint8Array, name: string, size: number): Uint8Array {
  const out = archive.slice();
  const view = new DataView(out.buffer);
  const entry = readCentralDirectory(out, ZIP_BUDGET.maxEntries).find((e) => e.name === name)!;
  for (let at = 0; at + 46 <= out.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    if (new TextDecoder().decode(out.subarray(at + 46, at + 46 + nameLength)) !== name) continue;
    view.setUint32(at + 24, size, true);
    const local = view.getUint32(at + 42, true);
    view.setUint32(local + 22, size, true);
  }
  expect(readCentralDirectory(out, ZIP_BUDGET.maxEntries).find((e) => e.name === name)).toEqual({
    ...entry,
    declaredSize: size,
  });
  return out;
}

const docx = () => formatFixtures()['report.docx']!;
const epub = () => formatFixtures()['voyage.epub']!;

describe('ZIP inflate budget (DOCX and EPUB zip bombs)', () => {
  it('refuses a DOCX whose entry of 8 MB of zeros is compressed over 100:1, naming the file and the reason', async () => {
    const bomb = withEntries(docx(), { 'word/media/image9.png': new Uint8Array(8 * MB) });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const error = await rejection(docxParser.parse(bomb, 'bomb.docx'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(
      /^“bomb\.docx” was not read: word\/media\/image9\.png has a compression ratio over 100/,
    );
  });

  it('refuses an EPUB chapter that is a compression bomb, and ignores one in a picture it never inflates', async () => {
    const bomb = withEntries(epub(), { 'OEBPS/bomb.xhtml': new Uint8Array(8 * MB) });
    const error = await rejection(epubParser.parse(bomb, 'bomb.epub'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/^“bomb\.epub” was not read: OEBPS\/bomb\.xhtml has a compression ratio over 100/);
    const picture = withEntries(epub(), { 'OEBPS/cover.png': new Uint8Array(8 * MB) });
    expect((await epubParser.parse(picture, 'cover.epub')).text).toMatch(/albatross/);
  });

  it('stops inflating at the size a lying header declares (DOCX and EPUB)', async () => {
    const docxBomb = lieAboutSize(
      withEntries(docx(), { 'word/document2.xml': new Uint8Array(8 * MB) }),
      'word/document2.xml',
      1000,
    );
    let error = await rejection(docxParser.parse(docxBomb, 'liar.docx'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(
      /^“liar\.docx” was not read: word\/document2\.xml inflates past the 1000 bytes its header declares/,
    );
    const epubBomb = lieAboutSize(
      withEntries(epub(), { 'OEBPS/bomb.xhtml': new Uint8Array(8 * MB) }),
      'OEBPS/bomb.xhtml',
      4096,
    );
    error = await rejection(epubParser.parse(epubBomb, 'liar.epub'));
    expect(error.message).toMatch(/OEBPS\/bomb\.xhtml inflates past the 4096 bytes its header declares/);
  });

  it('refuses an archive of more entries than the budget, from the directory alone', async () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i <= ZIP_BUDGET.maxEntries; i++) many[`word/f${i}.xml`] = new Uint8Array(0);
    const error = await rejection(docxParser.parse(withEntries(docx(), many), 'many.docx'));
    expect(error.message).toMatch(/^“many\.docx” was not read: it holds 10\d{3} files, more than 10000/);
  });

  it('bounds each entry and the total, as declared and as inflated', () => {
    const text = new TextEncoder().encode('The harbour master counted kettles. '.repeat(60_000)); // 2.2 MB
    const archive = zipSync({ 'a.xml': text, 'b.xml': text }, { level: 1 }); // fflate is slow on repeats at higher levels
    const budget = { ...ZIP_BUDGET, maxRatio: 10_000 };
    expect(() => unzipBounded(archive, 'x.docx', { budget: { ...budget, maxEntryBytes: 1 * MB } })).toThrow(
      /a\.xml expands past 1 MB/,
    );
    expect(() => unzipBounded(archive, 'x.docx', { budget: { ...budget, maxTotalBytes: 3 * MB } })).toThrow(
      /its contents expand past 3 MB/,
    );
    const liar = lieAboutSize(lieAboutSize(archive, 'a.xml', 1 * MB), 'b.xml', 1 * MB);
    expect(() => unzipBounded(liar, 'x.docx', { budget })).toThrow(/a\.xml inflates past the 1048576 bytes/);
    const files = unzipBounded(archive, 'x.docx', { budget });
    expect(Buffer.compare(files['a.xml']!, text)).toBe(0); // not toEqual: it compares 2 MB element by element
    expect(unzipBounded(archive, 'x.docx', { budget, keep: false })).toEqual({});
  });

  it('refuses archives that JSZip and this guard could read differently', () => {
    const archive = zipSync({ 'a.xml': new TextEncoder().encode('<a/>') });
    const prepended = new Uint8Array([...new Uint8Array(16), ...archive]);
    expect(() => readCentralDirectory(prepended, 10)).toThrow(ZipDamagedError);
    expect(() => readCentralDirectory(archive.subarray(0, archive.length - 4), 10)).toThrow(ZipDamagedError);
  });

  it('still reads the honest DOCX and EPUB fixtures', async () => {
    expect((await docxParser.parse(docx(), 'report.docx')).text).toMatch(/copper kettles/);
    expect((await epubParser.parse(epub(), 'voyage.epub')).text).toMatch(/albatross followed the schooner/);
  });
});

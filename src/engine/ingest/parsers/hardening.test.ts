// Decoding and structure edge cases of the text, HTML, Markdown and PDF parsers (the hostile corpus, in small).
import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { twoPagePdf } from '../../../../scripts/make-doc-fixtures.mjs';
import { bombPdf } from '../../../../scripts/make-hostile-fixtures.mjs';
import { htmlParser, htmlToText, limitNesting, MAX_NESTING } from './html.ts';
import { frontMatter, markdownParser } from './markdown.ts';
import { measureInflatedStreams } from './pdf-guard.ts';
import { pdfParser } from './pdf.ts';
import { describeBinary } from './sniff.ts';
import { decodeText, textParser } from './text.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));

describe('decodeText', () => {
  it('repairs invalid bytes after a UTF-8 BOM with U+FFFD and says how many', () => {
    const decoded = decodeText(bytes([0xef, 0xbb, 0xbf], 'über ', [0xc3, 0x28], ' alles'));
    expect(decoded.text).toBe('über �( alles');
    expect(decoded.encoding).toBe('utf-8');
    expect(decoded.warnings).toEqual(['The file is not valid UTF-8: 1 invalid byte sequence was replaced with �.']);
  });

  it('keeps a mostly-UTF-8 file as UTF-8 with replacements, but reads a legacy file as windows-1252', () => {
    const mostly = decodeText(bytes('naïve café crème brûlée ', [0xff], ' end'));
    expect(mostly.text).toBe('naïve café crème brûlée � end');
    expect(mostly.warnings[0]).toMatch(/1 invalid byte sequence was replaced/);
    const legacy = decodeText(bytes('caf', [0xe9], ' cr', [0xe8], 'me'));
    expect(legacy).toMatchObject({ text: 'café crème', encoding: 'windows-1252' });
    expect(legacy.warnings[0]).toMatch(/Windows-1252/);
  });

  it('reads UTF-16 without a BOM from its NUL pattern instead of calling it binary', () => {
    const le = new Uint8Array([...'Hello kelp'].flatMap((c) => [c.charCodeAt(0), 0]));
    const be = new Uint8Array([...'Hello kelp'].flatMap((c) => [0, c.charCodeAt(0)]));
    expect(decodeText(le)).toMatchObject({ text: 'Hello kelp', encoding: 'utf-16le' });
    expect(decodeText(be)).toMatchObject({ text: 'Hello kelp', encoding: 'utf-16be' });
  });

  it('ignores a declared single-byte charset that valid UTF-8 contradicts, and a UTF-16 label on ASCII bytes', () => {
    const lying = decodeText(utf8('Café crème'), 'windows-1252');
    expect(lying.text).toBe('Café crème');
    expect(lying.warnings[0]).toMatch(/declares the charset windows-1252 but is UTF-8/);
    expect(decodeText(bytes('caf', [0xe9]), 'windows-1252')).toMatchObject({ text: 'café', warnings: [] }); // the truth
    expect(decodeText(utf8('plain ascii'), 'utf-16')).toMatchObject({ text: 'plain ascii', encoding: 'utf-8' });
  });

  it('names the file and the format of binary data', async () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48);
    await expect(textParser.parse(png, 'photo.txt')).rejects.toMatchObject({
      code: 'BINARY_FILE',
      message: '“photo.txt” is a PNG image, not text.',
    });
    await expect(textParser.parse(Uint8Array.of(1, 2, 0, 4, 5), 'blob.txt')).rejects.toMatchObject({
      message: '“blob.txt” looks like binary data, not text.',
    });
    expect(describeBinary(zipSync({ 'a.txt': utf8('a') }))).toMatch(/ZIP archive/);
    expect(describeBinary(utf8('plain text'))).toBeUndefined();
  });

  it('decodes a single 10 MB line', async () => {
    const line = 'otters '.repeat(1_500_000);
    const doc = await textParser.parse(utf8(line), 'line.txt');
    expect(doc.text.length).toBe(line.trimEnd().length + 1);
    expect(doc.blocks).toHaveLength(1);
  });
});

describe('Markdown front matter', () => {
  it('still reads real YAML and TOML front matter as metadata', async () => {
    const doc = await markdownParser.parse(utf8('---\ntitle: "Kelp"\ntags:\n  - ocean\n---\n# Body\n\nText.'), 'a.md');
    expect(doc.title).toBe('Kelp');
    expect(doc.text.startsWith('# Body')).toBe(true);
    expect(frontMatter('+++\ntitle = "T"\n+++\nBody')).toEqual({ body: 'title = "T"', length: 20 });
  });

  it('keeps prose between a leading --- rule and a later rule (it is not front matter)', async () => {
    const text = '---\n\nThe preamble is prose. It matters.\n\n---\n\n# Body\n\nMore.';
    expect(frontMatter(text)).toBeUndefined();
    const doc = await markdownParser.parse(utf8(text), 'rule.md');
    expect(doc.text).toContain('The preamble is prose. It matters.');
    expect(doc.blocks.some((b) => doc.text.slice(b.start, b.end) === 'The preamble is prose. It matters.')).toBe(true);
  });
});

describe('HTML nesting', () => {
  it('parses 100,000 nested elements in linear time and keeps their text', async () => {
    const html =
      '<body>' +
      '<div>'.repeat(100_000) +
      '<h2>Deep</h2><p>Abyssal text.</p>' +
      '</div>'.repeat(100_000) +
      '<p>After.</p></body>';
    const t0 = performance.now();
    const doc = await htmlParser.parse(utf8(html), 'deep.html');
    expect(performance.now() - t0).toBeLessThan(10_000); // htmlparser2 alone: ~45 s (Array#unshift per element)
    expect(doc.text).toBe('Deep\n\nAbyssal text.\n\nAfter.');
    expect(doc.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph']);
  });

  it('caps depth at MAX_NESTING, leaves shallow pages untouched, and survives stray end tags', () => {
    const shallow = '<div><p>' + 'text '.repeat(1000) + '</p></div>';
    expect(limitNesting(shallow)).toBe(shallow);
    const deep = '<span>'.repeat(MAX_NESTING + 10) + 'x' + '</span>'.repeat(MAX_NESTING + 10);
    const limited = limitNesting(deep);
    expect(limited.split('<span>').length - 1).toBe(MAX_NESTING);
    expect(limited.split('</span>').length - 1).toBe(MAX_NESTING);
    const stray = '<body>' + ('<div>'.repeat(400) + '</i>'.repeat(400)).repeat(100) + 'tail';
    expect(htmlToText(stray).text).toBe('tail');
    // Hidden content stays hidden below the cap.
    const script = '<div>'.repeat(MAX_NESTING + 5) + '<script>var secret = 1;</script>shown';
    expect(htmlToText(script).text).toBe('shown');
  });
});

describe('PDF guards', () => {
  it('names a ZIP archive renamed .pdf', async () => {
    const zip = zipSync({ 'notes.txt': utf8('hello') });
    await expect(pdfParser.parse(zip, 'report.pdf')).rejects.toMatchObject({
      code: 'PARSE_FAILED',
      message: expect.stringMatching(/“report\.pdf” is not a PDF: it is a ZIP archive/),
    });
  });

  it('counts inflated stream bytes and stops at the budget', async () => {
    const bomb = bombPdf(8 * 1024 * 1024);
    expect(await measureInflatedStreams(bomb, 64 * 1024 * 1024)).toMatchObject({ overBudget: false });
    expect((await measureInflatedStreams(bomb, 64 * 1024 * 1024)).inflated).toBeGreaterThan(8 * 1024 * 1024);
    const over = await measureInflatedStreams(bomb, 1024 * 1024);
    expect(over.overBudget).toBe(true);
    expect(over.inflated).toBeLessThan(4 * 1024 * 1024); // stopped soon after the budget, not at the end
    expect(await measureInflatedStreams(twoPagePdf())).toEqual({ inflated: 0, overBudget: false }); // no Flate streams
  });

  it('counts a stream followed by junk bytes (Chromium’s inflater stops at junk: the bomb once got through)', async () => {
    const bomb = bombPdf(4 * 1024 * 1024);
    const at = new TextDecoder('latin1').decode(bomb).lastIndexOf('\nendstream');
    const junky = new Uint8Array(bomb.length + 7);
    junky.set(bomb.subarray(0, at));
    junky.set([0x20, 0x0d, 0x0a, 0x41, 0x42, 0x0d, 0x0a], at); // junk, then the EOL before endstream
    junky.set(bomb.subarray(at), at + 7);
    expect((await measureInflatedStreams(junky, 64 * 1024 * 1024)).inflated).toBeGreaterThan(4 * 1024 * 1024);
  });

  it('still reads a PDF whose streams inflate within the budget', async () => {
    const doc = await pdfParser.parse(bombPdf(1024 * 1024), 'drawing.pdf');
    expect(doc.text).toContain('bombastically compressed page');
  });
});

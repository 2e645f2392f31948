import { describe, expect, it } from 'vitest';
import { formatFixtures, makeEpub, zip } from '../../../../scripts/make-format-fixtures.mjs';
import { TroveError } from '../../core/errors.ts';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { epubParser, resolvePath } from './epub.ts';

const outline = (doc: { text: string; blocks: { start: number; end: number; kind: string; level?: number }[] }) =>
  doc.blocks.map((b) => (b.kind === 'heading' ? `h${b.level}:` : '') + doc.text.slice(b.start, b.end));

async function rejection(p: Promise<unknown>): Promise<TroveError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TroveError);
  return error as TroveError;
}

describe('epub parser', () => {
  it('reads chapters in spine order (not file order) with toc titles as level-1 headings', async () => {
    const doc = await epubParser.parse(formatFixtures()['voyage.epub']!, 'voyage.epub');
    expect(doc.title).toBe('A Voyage North');
    expect(outline(doc)).toEqual([
      'h1:Departure',
      'The crew loaded barrels of water and salted fish at dawn.',
      'h1:The Crossing',
      'For three days an albatross followed the schooner across the grey sea.',
      'h3:Storm',
      'On the fourth night the wind tore the topsail.',
      'h1:Arrival', // no heading in the chapter itself: the title comes from the nav document
      'They reached the northern fjord with every sailor safe.',
    ]);
    expect(blockProblems(doc)).toEqual([]);
  });

  it('reads an EPUB 2 table of contents (NCX) and falls back to <title> or "Chapter N"', async () => {
    const ncx =
      '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>' +
      '<navPoint id="p1"><navLabel><text>One: the Mill</text></navLabel><content src="one.html#top"/></navPoint></navMap></ncx>';
    const epub = zip({
      mimetype: 'application/epub+zip',
      'META-INF/container.xml': '<container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>',
      'content.opf':
        '<package><metadata><dc:title>Old Book</dc:title></metadata><manifest>' +
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>' +
        '<item id="a" href="one.html" media-type="application/xhtml+xml"/><item id="b" href="two%20b.html" media-type="application/xhtml+xml"/>' +
        '<item id="c" href="three.html" media-type="application/xhtml+xml"/></manifest>' +
        '<spine toc="ncx"><itemref idref="a"/><itemref idref="b"/><itemref idref="c"/></spine></package>',
      'toc.ncx': ncx,
      'one.html': '<html><body><p>The mill wheel turned all night.</p></body></html>',
      'two b.html': '<html><head><title>Second</title></head><body><p>Flour dust everywhere.</p></body></html>',
      'three.html': '<html><body><p>The end of the story.</p></body></html>',
    });
    const doc = await epubParser.parse(epub, 'old.epub');
    expect(outline(doc)).toEqual([
      'h1:One: the Mill',
      'The mill wheel turned all night.',
      'h1:Second',
      'Flour dust everywhere.',
      'h1:Chapter 3',
      'The end of the story.',
    ]);
  });

  it('resolves hrefs relative to the referring file', () => {
    expect(resolvePath('OEBPS/content.opf', 'text/ch1.xhtml#x')).toBe('OEBPS/text/ch1.xhtml');
    expect(resolvePath('OEBPS/nav/toc.xhtml', '../text/a%20b.xhtml')).toBe('OEBPS/text/a b.xhtml');
  });

  it('reads 300 chapters in order', async () => {
    const chapters = Array.from({ length: 300 }, (_, i) => ({
      file: `c${i}.xhtml`,
      title: `Chapter ${i + 1}`,
      html: `<p>Text of chapter ${i + 1}.</p>`,
    }));
    const doc = await epubParser.parse(makeEpub('Long', chapters), 'long.epub');
    expect(doc.blocks).toHaveLength(600);
    expect(outline(doc).slice(-2)).toEqual(['h1:Chapter 300', 'Text of chapter 300.']);
  });

  it('names the file and the reason for corrupt and incomplete EPUBs', async () => {
    const good = formatFixtures()['voyage.epub']!;
    const truncated = good.slice(0, good.length - 40); // the central directory is cut off
    let error = await rejection(epubParser.parse(truncated, 'cut.epub'));
    expect(error.code).toBe('PARSE_FAILED');
    expect(error.message).toMatch(/^“cut\.epub” is not a readable EPUB: the ZIP archive is damaged/);
    error = await rejection(epubParser.parse(new TextEncoder().encode('hello'), 'text.epub'));
    expect(error.message).toBe('“text.epub” is not a readable EPUB: an EPUB is a ZIP archive, and this is not one.');
    error = await rejection(epubParser.parse(zip({ 'a.txt': 'x' }), 'nocontainer.epub'));
    expect(error.message).toBe('“nocontainer.epub” is not a readable EPUB: META-INF/container.xml is missing.');
    error = await rejection(
      epubParser.parse(
        zip({ 'META-INF/container.xml': '<container><rootfile full-path="x.opf"/></container>' }),
        'noopf.epub',
      ),
    );
    expect(error.message).toBe('“noopf.epub” is not a readable EPUB: the package file x.opf is missing.');
  });
});

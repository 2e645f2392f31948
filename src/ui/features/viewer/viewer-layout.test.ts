import { describe, expect, it } from 'vitest';
import { layout, type ViewerDocument } from './DocumentViewer.tsx';

const slice = (text: string, span: readonly [number, number] | undefined) =>
  span ? text.slice(span[0], span[1]) : undefined;

describe('viewer layout', () => {
  it('Markdown: blocks shown without markup, the passage mapped onto the shown text', () => {
    const text = 'Chain Lubrication\n-----------------\n\nApply **one drop** of oil. Then wipe.\n';
    const doc: ViewerDocument = {
      name: 'guide.md',
      format: 'markdown',
      text,
      blocks: [
        { start: 0, end: 17, kind: 'heading', level: 2 },
        { start: 37, end: 74, kind: 'paragraph' },
      ],
    };
    const start = text.indexOf('Apply');
    const units = layout(doc, { documentId: 1, start, end: text.indexOf(' Then'), query: 'oil drop' });
    expect(units.map((u) => [u.kind, u.text])).toEqual([
      ['heading', 'Chain Lubrication'],
      ['paragraph', 'Apply one drop of oil. Then wipe.'],
    ]);
    expect(units[0]!.passage).toBeUndefined();
    expect(slice(units[1]!.text, units[1]!.passage)).toBe('Apply one drop of oil.');
    expect(units[1]!.matches.map((m) => units[1]!.text.slice(m[0], m[1]))).toEqual(['drop', 'oil']);
  });

  it('text: one numbered line per line, the passage cut to each line it touches', () => {
    const text = 'first line\nsecond oil line\nthird line';
    const start = text.indexOf('oil');
    const units = layout(
      { name: 'a.txt', format: 'text', text, blocks: [] },
      { documentId: 1, start, end: text.indexOf('third') + 5, query: 'line' },
    );
    expect(units.map((u) => u.lineNumber)).toEqual([1, 2, 3]);
    expect(units.map((u) => slice(u.text, u.passage))).toEqual([undefined, 'oil line', 'third']);
    // Match numbers run through the whole document.
    expect(units.map((u) => u.firstMatch)).toEqual([0, 1, 2]);
  });

  it('PDF: a page heading where the page changes', () => {
    const text = 'Page one text.\n\nPage two text.\n\nMore on two.';
    const units = layout(
      {
        name: 'a.pdf',
        format: 'pdf',
        text,
        pageCount: 2,
        blocks: [
          { start: 0, end: 14, kind: 'paragraph', page: 1 },
          { start: 16, end: 30, kind: 'paragraph', page: 2 },
          { start: 32, end: 44, kind: 'paragraph', page: 2 },
        ],
      },
      { documentId: 1, start: 16, end: 30, query: '' },
    );
    expect(units.map((u) => u.pageBreak)).toEqual([1, 2, undefined]);
    expect(slice(units[1]!.text, units[1]!.passage)).toBe('Page two text.');
  });

  it('HTML text is shown as written: markup-looking text stays text', () => {
    const text = '<script>alert(1)</script> is not run';
    const units = layout(
      { name: 'a.html', format: 'html', text, blocks: [{ start: 0, end: text.length, kind: 'paragraph' }] },
      { documentId: 1, start: 0, end: 5, query: 'script' },
    );
    expect(units[0]!.text).toBe(text);
    expect(units[0]!.matches).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import { layout, type ViewerDocument } from './DocumentViewer.tsx';

describe('Markdown inline styles in the viewer', () => {
  it('strong, emphasis, code and link text are placed on the cleaned text; code stays literal; the URL is gone', () => {
    const text = 'Apply **one drop** of `oil*x*` with *care*; see [the guide](http://198.51.100.7/g) or ~~not~~.\n';
    const doc: ViewerDocument = {
      name: 'a.md',
      format: 'markdown',
      text,
      blocks: [{ start: 0, end: text.length - 1, kind: 'paragraph' }],
    };
    const [unit] = layout(doc, { documentId: 1, start: 0, end: 5, query: '' });
    expect(unit!.text).toBe('Apply one drop of oil*x* with care; see the guide or not.');
    const shown = unit!.styles!.map((s) => [s.style, unit!.text.slice(s.start, s.end)]);
    expect(shown).toEqual([
      ['strong', 'one drop'],
      ['code', 'oil*x*'],
      ['em', 'care'],
      ['link', 'the guide'],
      ['strike', 'not'],
    ]);
  });

  it('a large document (100x a guide) lays out with styles in every block', () => {
    const para = 'Use **grease** on the *chain* and `wd40` sparingly.';
    const text = Array.from({ length: 5000 }, () => para).join('\n\n');
    const blocks = Array.from({ length: 5000 }, (_, i) => ({
      start: i * (para.length + 2),
      end: i * (para.length + 2) + para.length,
      kind: 'paragraph' as const,
    }));
    const units = layout(
      { name: 'big.md', format: 'markdown', text, blocks },
      { documentId: 1, start: 0, end: 10, query: 'chain' },
    );
    expect(units).toHaveLength(5000);
    expect(units.every((u) => u.styles?.length === 3)).toBe(true);
    expect(units.reduce((n, u) => n + u.matches.length, 0)).toBe(5000);
  });
});

// A new version's passages spliced from the old version's: exact slices of the new text, in order, within budget,
// losing no character of a block; and after a one-paragraph edit, only the passages near it are new.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChunkerOptions, ParsedDocument } from '../core/types.ts';
import { chunkProblems, uncovered } from '../testing/ingest-test-utils.ts';
import { chunkDocument } from './chunker.ts';
import { splicePassages } from './passage-splice.ts';
import { markdownBlocks } from './parsers/markdown.ts';

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
const OPTIONS: ChunkerOptions = { maxTokens: 40, overlapTokens: 8, countTokens: words };
const chunk = (doc: ParsedDocument) => chunkDocument(doc, OPTIONS);

function markdown(text: string): ParsedDocument {
  return { format: 'markdown', text, blocks: markdownBlocks(text) };
}

const WORDS = ['river', 'snow', 'bank', 'bread', 'piano', 'garden', 'school', 'doctor', 'boat', 'cold'];
const sentence = fc.array(fc.constantFrom(...WORDS), { minLength: 2, maxLength: 14 }).map((w) => `${w.join(' ')}.`);
const paragraph = fc.array(sentence, { minLength: 1, maxLength: 6 }).map((s) => s.join(' '));
const section = fc.record({
  heading: fc.option(fc.constantFrom('# Alpha', '## Beta', '### Gamma', '## Delta'), { nil: undefined }),
  paragraphs: fc.array(paragraph, { minLength: 1, maxLength: 5 }),
});

function render(sections: Array<{ heading?: string; paragraphs: string[] }>): string {
  return sections.flatMap((s) => [...(s.heading ? [s.heading] : []), ...s.paragraphs]).join('\n\n');
}

describe('passage splice', () => {
  it('spliced passages are exact, ordered, within budget, and cover every block (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(section, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('replace', 'insert', 'delete'),
        paragraph,
        async (sections, at, where, edit, replacement) => {
          const before = markdown(render(sections));
          const target = sections[at % sections.length]!;
          const i = where % target.paragraphs.length;
          const paragraphs = [...target.paragraphs];
          if (edit === 'replace') paragraphs[i] = replacement;
          else if (edit === 'insert') paragraphs.splice(i, 0, replacement);
          else if (paragraphs.length > 1) paragraphs.splice(i, 1);
          const after = markdown(render(sections.map((s) => (s === target ? { ...s, paragraphs } : s))));
          const previous = { text: before.text, blocks: before.blocks, chunks: chunk(before) };
          const spliced = await splicePassages(previous, after, chunk, OPTIONS.maxTokens);
          if (!spliced) return;
          expect(chunkProblems(after, spliced, OPTIONS)).toEqual([]);
          expect(uncovered(after, spliced)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('editing one paragraph of forty keeps every passage but the ones around it', async () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) =>
      Array.from({ length: 4 }, (_, j) => `${WORDS[(i + j) % WORDS.length]} part ${i} line ${j} goes on here.`).join(
        ' ',
      ),
    );
    const before = markdown(paragraphs.join('\n\n'));
    const edited = [...paragraphs];
    edited[20] = 'A much shorter paragraph.';
    const after = markdown(edited.join('\n\n'));
    const previous = { text: before.text, blocks: before.blocks, chunks: chunk(before) };
    const spliced = await splicePassages(previous, after, chunk, OPTIONS.maxTokens);
    expect(spliced).toBeDefined();
    const oldTexts = new Set(previous.chunks.map((c) => c.text));
    const fresh = spliced!.filter((c) => !oldTexts.has(c.text));
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.length).toBeLessThanOrEqual(3);
    // Chunking the whole new text instead moves every boundary after the edit: that is what splicing avoids.
    const whole = chunk(after).filter((c) => !oldTexts.has(c.text));
    expect(whole.length).toBeGreaterThan(fresh.length);
  });

  it('an edit that touches a heading, a table or a PDF page is chunked whole (undefined)', async () => {
    const before = markdown('# Title\n\nriver snow bank.\n\nbread piano garden.');
    const previous = { text: before.text, blocks: before.blocks, chunks: chunk(before) };
    const renamed = markdown('# Other title\n\nriver snow bank.\n\nbread piano garden.');
    expect(await splicePassages(previous, renamed, chunk, 40)).toBeUndefined();
    const paged = { ...before, blocks: before.blocks.map((b) => ({ ...b, page: 1 })) };
    expect(await splicePassages(previous, paged, chunk, 40)).toBeUndefined();
  });

  it('passages cut for a larger budget than the one in force are not kept', async () => {
    const before = markdown('river snow bank bread piano garden school doctor boat cold.\n\nriver.');
    const previous = { text: before.text, blocks: before.blocks, chunks: chunk(before) };
    const after = markdown('river snow bank bread piano garden school doctor boat cold.\n\nsnow.');
    expect(await splicePassages(previous, after, chunk, 3)).toBeUndefined();
  });
});

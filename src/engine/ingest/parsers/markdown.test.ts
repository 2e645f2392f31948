import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { markdownBlocks, markdownParser } from './markdown.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../../e2e/fixtures/${name}`, import.meta.url)));
const parse = (s: string) => markdownParser.parse(new TextEncoder().encode(s), 'x.md');

function outline(text: string) {
  return markdownBlocks(text).map((b) =>
    b.kind === 'heading' ? `h${b.level}:${text.slice(b.start, b.end)}` : text.slice(b.start, b.end),
  );
}

describe('markdown parser', () => {
  it('finds ATX and setext headings without their markers, and paragraphs', () => {
    const text =
      '# Title\n\nIntro line one\nline two.\n\n## Section ##\nBody.\n\nSetext One\n==========\n\nSetext\nTwo\n---\ntext';
    expect(outline(text)).toEqual([
      'h1:Title',
      'Intro line one\nline two.',
      'h2:Section',
      'Body.',
      'h1:Setext One',
      'h2:Setext\nTwo',
      'text',
    ]);
  });

  it('does not take fenced code for headings, and keeps a fence as one block', () => {
    const text = 'Para\n```md\n# not a heading\n\nstill code\n```\n~~~\n## nor this\n~~~~\nafter';
    expect(outline(text)).toEqual([
      'Para',
      '```md\n# not a heading\n\nstill code\n```',
      '~~~\n## nor this\n~~~~',
      'after',
    ]);
    expect(outline('```\nunclosed\n# code')).toEqual(['```\nunclosed\n# code']);
  });

  it('follows CommonMark edge cases: #hashtag, indented #, C#, thematic breaks, empty headings', () => {
    expect(outline('#hashtag is text\n\n    # indented code\n\n# C#\n\n***\n\n#\n\nend')).toEqual([
      '#hashtag is text',
      '# indented code',
      'h1:C#',
      'end',
    ]);
  });

  it('parses the field-guide fixture: front matter skipped and used as title, nested headings', async () => {
    const doc = await markdownParser.parse(fixture('field-guide.md'), 'field-guide.md');
    expect(doc.format).toBe('markdown');
    expect(doc.title).toBe('A Field Guide to Unrelated Hobbies');
    expect(doc.text.startsWith('\n# Field Guide')).toBe(true);
    expect(doc.text).not.toContain('tags: [fixture]');
    const headings = doc.blocks
      .filter((b) => b.kind === 'heading')
      .map((b) => `${b.level} ${doc.text.slice(b.start, b.end)}`);
    expect(headings).toEqual([
      '1 Field Guide',
      '2 Sourdough Baking',
      '3 Feeding the Starter',
      '3 Shaping the Loaf',
      '2 Bicycle Maintenance',
      '2 Chain Lubrication',
      '3 Tyre Pressure',
    ]);
    expect(blockProblems(doc)).toEqual([]);
  });

  it('uses the first heading as title without front matter, and handles CRLF', async () => {
    const doc = await parse('Intro\r\n\r\n## Sub\r\n\r\n# Main\r\ntext\r\n');
    expect(doc.title).toBe('Main');
    expect(doc.text).toBe('Intro\n\n## Sub\n\n# Main\ntext\n');
  });

  it('rejects an empty document (front matter only)', async () => {
    await expect(parse('---\ntitle: x\n---\n\n')).rejects.toMatchObject({ code: 'EMPTY_DOCUMENT' });
  });
});

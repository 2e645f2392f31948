// Markdown: the text is the source itself (minus front matter), so offsets point at what the author wrote.
// A small line scanner finds ATX/setext headings and paragraphs; fenced code is one block, never headings.
import { TroveError } from '../../errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../types.ts';
import { decodeText, extensionOf, hasText, pushTrimmed } from './text.ts';

const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/; // thematic break: *** --- ___
const FRONT_MATTER = /^(---|\+\+\+)[ \t]*\n([\s\S]*?)\n\1[ \t]*(?:\n|$)/;

interface Line {
  start: number;
  /** Exclusive, before the '\n'. */
  end: number;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    lines.push({ start, end });
    start = end + 1;
  }
  return lines;
}

/** Heading blocks and paragraph blocks of Markdown `text`. */
export function markdownBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  const lines = linesOf(text);
  let para: Line | undefined; // open paragraph: first line start .. last line end
  const closePara = () => {
    if (para) pushTrimmed(blocks, text, para.start, para.end);
    para = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const s = text.slice(line.start, line.end);
    if (!hasText(s)) {
      closePara();
      continue;
    }
    const fence = FENCE.exec(s);
    if (fence) {
      closePara();
      const marker = fence[1]!;
      const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
      let j = i + 1;
      while (j < lines.length && !closing.test(text.slice(lines[j]!.start, lines[j]!.end))) j++;
      const last = lines[Math.min(j, lines.length - 1)]!; // unclosed fence runs to the end of the file
      pushTrimmed(blocks, text, line.start, last.end);
      i = j;
      continue;
    }
    const atx = ATX.exec(s);
    if (atx) {
      closePara();
      pushHeading(blocks, text, line.start + atx[0].length, line.end, atx[1]!.length);
      continue;
    }
    const setext = SETEXT.exec(s);
    if (setext && para) {
      pushHeading(blocks, text, para.start, para.end, setext[1]![0] === '=' ? 1 : 2);
      para = undefined;
      continue;
    }
    if (BREAK.test(s)) {
      closePara();
      continue;
    }
    if (para) para.end = line.end;
    else para = { start: line.start, end: line.end };
  }
  closePara();
  return blocks;
}

/** A heading block over its content only: no '#' markers, no closing '#' sequence, no surrounding space. */
function pushHeading(blocks: TextBlock[], text: string, start: number, end: number, level: number): void {
  const content = text.slice(start, end);
  const closing = /(?:^|[ \t]+)#+[ \t]*$/.exec(content); // "## Title ##" -> "Title"
  if (closing) end = start + closing.index;
  pushTrimmed(blocks, text, start, end, { kind: 'heading', level }); // an empty heading ("#") adds nothing
}

function frontMatterTitle(yaml: string): string | undefined {
  const m = /^title[ \t]*[:=][ \t]*(.+)$/m.exec(yaml);
  return m ? m[1]!.trim().replace(/^(['"])(.*)\1$/, '$2') || undefined : undefined;
}

export const markdownParser: Parser = {
  name: 'Markdown',
  format: 'markdown',
  accepts(fileName, mimeType) {
    const ext = extensionOf(fileName);
    const mime = mimeType.toLowerCase();
    return ext === '.md' || ext === '.markdown' || mime === 'text/markdown' || mime === 'text/x-markdown';
  },
  async parse(data): Promise<ParsedDocument> {
    const decoded = decodeText(data);
    let text = decoded.text;
    let title: string | undefined;
    // Front matter is metadata, not content: drop it from the text (its title still names the document).
    const fm = FRONT_MATTER.exec(text);
    if (fm) {
      title = frontMatterTitle(fm[2]!);
      text = text.slice(fm[0].length);
    }
    if (!hasText(text)) throw new TroveError('EMPTY_DOCUMENT');
    const blocks = markdownBlocks(text);
    if (!title) {
      const h = blocks.find((b) => b.kind === 'heading' && b.level === 1) ?? blocks.find((b) => b.kind === 'heading');
      if (h) title = text.slice(h.start, h.end);
    }
    return {
      format: 'markdown',
      text,
      blocks,
      ...(title ? { title } : {}),
      ...(decoded.warnings.length ? { warnings: decoded.warnings } : {}),
    };
  },
};

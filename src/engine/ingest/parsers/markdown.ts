// Markdown: the text is the source itself (minus front matter), so offsets point at what the author wrote.
// A small line scanner finds ATX/setext headings and paragraphs; fenced code is one block, never headings.
import { TroveError } from '../../core/errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../core/types.ts';
import { decodeText, extensionOf, hasText, pushTrimmed } from './text.ts';

const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/; // thematic break: *** --- ___
/** Front matter is short: look for its closing fence only this far, so a 10 MB file is not scanned twice. */
const FRONT_MATTER_MAX = 64 * 1024;
/** A line of YAML/TOML metadata: `key: value`, `key = value`, a list item, an indented continuation, a comment. */
const METADATA_LINE = /^(?:[\w"'.-][\w"' .-]*[ \t]*[:=](?:[ \t].*|$)|[ \t]*-[ \t].*|[ \t]+.*|#.*|\[.*\]|[ \t]*)$/;

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

/**
 * Front matter: a `---` (YAML) or `+++` (TOML) fence on the first line, metadata lines, and the same fence.
 * A file that merely starts with a `---` rule followed by prose (and a later rule) is content, not metadata.
 */
export function frontMatter(text: string): { body: string; length: number } | undefined {
  const open = /^(---|\+\+\+)[ \t]*\n/.exec(text);
  if (!open) return undefined;
  const fence = open[1]!;
  const closing = new RegExp(`\\n${fence === '---' ? '---' : '\\+\\+\\+'}[ \\t]*(?:\\n|$)`, 'g');
  closing.lastIndex = open[0].length - 1;
  const close = closing.exec(text.slice(0, FRONT_MATTER_MAX));
  if (!close) return undefined;
  const body = text.slice(open[0].length, close.index);
  if (!body.split('\n').every((line) => METADATA_LINE.test(line))) return undefined;
  return { body, length: close.index + close[0].length };
}

export const markdownParser: Parser = {
  name: 'Markdown',
  format: 'markdown',
  accepts(fileName, mimeType) {
    const ext = extensionOf(fileName);
    const mime = mimeType.toLowerCase();
    return ext === '.md' || ext === '.markdown' || mime === 'text/markdown' || mime === 'text/x-markdown';
  },
  async parse(data, fileName): Promise<ParsedDocument> {
    const decoded = decodeText(data, undefined, fileName);
    let text = decoded.text;
    let title: string | undefined;
    // Front matter is metadata, not content: drop it from the text (its title still names the document).
    const fm = frontMatter(text);
    if (fm) {
      title = frontMatterTitle(fm.body);
      text = text.slice(fm.length);
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

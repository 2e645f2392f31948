// HTML: visible text only, via htmlparser2's streaming callbacks (no DOM: this runs in a worker and in Node).
// Markup is never kept or executed: we only ever copy decoded text nodes into a plain string.
import { Parser as HtmlTokenizer } from 'htmlparser2';
import { TroveError } from '../../core/errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../core/types.ts';
import { decodeText, extensionOf, hasText, normalizeNewlines, pushTrimmed } from './text.ts';

/** Elements whose content is not visible text. <title> is read separately for the document title. */
const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'svg',
  'math',
  'iframe',
  'object',
  'canvas',
  'select',
]);
/** Elements that start and end a paragraph. */
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'caption',
  'center',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hgroup',
  'hr',
  'html',
  'legend',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'ul',
]);
const LINE = new Set(['br', 'tr']);
const CELL = new Set(['td', 'th']);
const HEADING = /^h([1-6])$/;
const HTML_SPACE = /[ \t\n\r\f]+/g;

interface Open {
  name: string;
  skip: boolean;
}

/** Accumulates visible text, collapsing whitespace and recording blocks as raw spans (trimmed at the end). */
class TextBuilder {
  private parts: string[] = [];
  private length = 0;
  private spans: TextBlock[] = [];
  private blockStart = -1; // offset where the current block's text began, -1 before any text
  private sep: '' | ' ' | '\n' = ''; // separator owed before the next text inside the current block
  kind: 'heading' | 'paragraph' = 'paragraph';
  level = 0;

  append(raw: string, preformatted: boolean): void {
    let s = preformatted ? normalizeNewlines(raw) : raw.replace(HTML_SPACE, ' ');
    if (!preformatted) {
      // Collapsed already, so at most one space at each end (not String#trim: it would also eat &nbsp;).
      if (s.startsWith(' ')) {
        this.owe(' ');
        s = s.slice(1);
      }
      if (s.endsWith(' ')) s = s.slice(0, -1);
    }
    if (!s) return;
    if (this.blockStart < 0) {
      if (this.length > 0) this.emit('\n\n');
      this.blockStart = this.length;
    } else if (this.sep) {
      this.emit(this.sep);
    }
    this.sep = '';
    this.emit(s);
    if (!preformatted && /[ \t\n\r\f]$/.test(raw)) this.owe(' ');
  }

  /** Asks for a separator before the next text of this block ('\n' beats ' '). */
  owe(sep: ' ' | '\n'): void {
    if (this.blockStart >= 0 && this.sep !== '\n') this.sep = sep;
  }

  endBlock(): void {
    if (this.blockStart >= 0) {
      const span: TextBlock = { start: this.blockStart, end: this.length, kind: this.kind };
      if (this.kind === 'heading') span.level = this.level;
      this.spans.push(span);
    }
    this.blockStart = -1;
    this.sep = '';
  }

  finish(): { text: string; blocks: TextBlock[] } {
    this.endBlock();
    const text = this.parts.join('');
    const blocks: TextBlock[] = [];
    for (const b of this.spans) {
      pushTrimmed(blocks, text, b.start, b.end, b.kind === 'heading' ? { kind: 'heading', level: b.level } : {});
    }
    return { text, blocks };
  }

  private emit(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }
}

/** Deepest element nesting passed to htmlparser2 (Chromium's HTML parser stops nesting at 512 too). */
export const MAX_NESTING = 512;
/** Elements whose end tag is optional: they close each other instead of nesting, so they never count as depth. */
const SELF_CLOSING = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'option',
  'optgroup',
  'thead',
  'tbody',
  'tfoot',
  'rt',
  'rp',
]);

/** Tags that change what text means (hidden content, headings, preformatted): kept up to twice as deep. */
const KEEP_WHEN_DEEP = new Set([...SKIP, 'title', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/**
 * The same HTML with tags nested deeper than MAX_NESTING removed (their text kept; hiding, heading and
 * preformatted tags are kept to twice that depth). htmlparser2 keeps its open
 * elements with Array#unshift, so 100,000 nested <div>s cost minutes; a page that deep is hostile or broken.
 * A rough linear tag scan (attributes with '>' inside quotes can fool it: only pathological pages get here).
 */
export function limitNesting(html: string): string {
  if (html.length < MAX_NESTING * 3) return html; // too short to nest that deep
  const tag = /<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g;
  const stack: string[] = []; // modelled open elements, as htmlparser2 keeps them
  const open = new Map<string, number>();
  const dropped = new Map<string, number>();
  const parts: string[] = [];
  let last = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const name = m[2]!.toLowerCase();
    if (SELF_CLOSING.has(name) || m[3]) continue;
    let drop = false;
    if (m[1]) {
      const pending = dropped.get(name) ?? 0;
      if (pending > 0) {
        dropped.set(name, pending - 1);
        drop = true;
      } else if (open.get(name)) {
        // An end tag closes everything opened after its element (each element is popped once: linear).
        for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
          open.set(top, open.get(top)! - 1);
          if (top === name) break;
        }
      }
    } else if (stack.length >= (KEEP_WHEN_DEEP.has(name) ? 2 * MAX_NESTING : MAX_NESTING)) {
      dropped.set(name, (dropped.get(name) ?? 0) + 1);
      drop = true;
    } else {
      stack.push(name);
      open.set(name, (open.get(name) ?? 0) + 1);
    }
    if (drop) {
      parts.push(html.slice(last, m.index));
      last = m.index + m[0].length;
    }
  }
  if (last === 0) return html;
  parts.push(html.slice(last));
  return parts.join('');
}

/** Visible text, blocks and title of an HTML string. */
export function htmlToText(html: string): { text: string; blocks: TextBlock[]; title?: string } {
  const out = new TextBuilder();
  const stack: Open[] = [];
  let skipping = 0; // open elements on the stack that hide their content
  let pre = 0;
  let title: string | undefined;
  let inTitle = false;

  const openCount = new Map<string, number>(); // per name: a stray end tag costs O(1), not a scan of the stack
  const close = (name: string) => {
    if (!openCount.get(name)) return; // stray end tag
    let i = stack.length - 1;
    while (i >= 0 && stack[i]!.name !== name) i--;
    while (stack.length > i) {
      const top = stack.pop()!;
      openCount.set(top.name, openCount.get(top.name)! - 1);
      if (top.skip) skipping--;
      if (top.name === 'pre') pre--;
      if (top.name === 'title') inTitle = false;
      blockEffect(top.name, false);
    }
  };

  const blockEffect = (name: string, opening: boolean) => {
    if (skipping > 0) return;
    const h = HEADING.exec(name);
    if (h) {
      out.endBlock();
      out.kind = opening ? 'heading' : 'paragraph';
      out.level = opening ? Number(h[1]) : 0;
    } else if (BLOCK.has(name)) {
      out.endBlock();
    } else if (LINE.has(name)) {
      if (opening) out.owe('\n');
    } else if (CELL.has(name)) {
      if (opening) out.owe(' ');
    }
  };

  const parser = new HtmlTokenizer(
    {
      onopentag(name, attribs) {
        blockEffect(name, true);
        const hidden = 'hidden' in attribs || /display\s*:\s*none/i.test(attribs['style'] ?? '');
        const skip = SKIP.has(name) || hidden;
        if (name === 'title' && title === undefined && !openCount.get('svg')) {
          inTitle = true;
          title = '';
        }
        stack.push({ name, skip });
        openCount.set(name, (openCount.get(name) ?? 0) + 1);
        if (skip) skipping++;
        if (name === 'pre') pre++;
      },
      onclosetag(name) {
        close(name);
      },
      ontext(data) {
        if (inTitle) title += data;
        else if (skipping === 0) out.append(data, pre > 0);
      },
    },
    { decodeEntities: true },
  );
  parser.end(limitNesting(html));

  const { text, blocks } = out.finish();
  let name = title?.replace(HTML_SPACE, ' ').trim();
  if (!name) {
    const h1 = blocks.find((b) => b.kind === 'heading' && b.level === 1);
    name = h1 ? text.slice(h1.start, h1.end) : undefined;
  }
  return name ? { text, blocks, title: name } : { text, blocks };
}

/** The charset a page declares in its first bytes (<meta charset> or http-equiv Content-Type), if any. */
export function declaredCharset(data: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(data.subarray(0, 2048));
  return /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
}

export const htmlParser: Parser = {
  name: 'HTML',
  format: 'html',
  accepts(fileName, mimeType) {
    const ext = extensionOf(fileName);
    const mime = mimeType.toLowerCase();
    return ext === '.html' || ext === '.htm' || mime === 'text/html' || mime === 'application/xhtml+xml';
  },
  async parse(data, fileName): Promise<ParsedDocument> {
    const decoded = decodeText(data, declaredCharset(data), fileName);
    const { text, blocks, title } = htmlToText(decoded.text);
    if (!hasText(text)) throw new TroveError('EMPTY_DOCUMENT', 'The page contains no visible text to index.');
    return {
      format: 'html',
      text,
      blocks,
      ...(title ? { title } : {}),
      ...(decoded.warnings.length ? { warnings: decoded.warnings } : {}),
    };
  },
};

// EPUB (2 and 3): a ZIP (fflate) of XHTML chapters. container.xml names the package (OPF) file, whose spine gives
// the reading order; chapter titles come from the table of contents (EPUB 3 nav or EPUB 2 NCX) and become
// level-1 headings, so each passage's heading path starts with its chapter. No DOM: htmlparser2 reads the XML.
import { strFromU8 } from 'fflate';
import { Parser as XmlParser } from 'htmlparser2';
import { TroveError, throwIfAborted } from '../../core/errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../core/types.ts';
import { isZip } from './docx.ts';
import { htmlToText } from './html.ts';
import { extensionOf, hasText } from './text.ts';
import { unzipBounded } from './zip-guard.ts';

interface XmlElement {
  name: string;
  attribs: Record<string, string>;
}

/** Calls `onOpen` for every element and collects text per element name of interest. */
export function walkXml(
  xml: string,
  onOpen: (el: XmlElement) => void,
  onText?: (text: string) => void,
  onClose?: (name: string) => void,
): void {
  const parser = new XmlParser(
    {
      onopentag: (name, attribs) => onOpen({ name: name.toLowerCase(), attribs }),
      ontext: (t) => onText?.(t),
      onclosetag: (name) => onClose?.(name.toLowerCase()),
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
}

/** Resolves an href relative to the directory of `base` (both ZIP paths), dropping the #fragment. */
export function resolvePath(base: string, href: string): string {
  const clean = href.split('#')[0]!;
  let decoded = clean;
  try {
    decoded = decodeURIComponent(clean);
  } catch {
    // keep it as written
  }
  const parts = base.split('/').slice(0, -1);
  for (const seg of decoded.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

export interface Package {
  title?: string;
  spine: string[];
  /** The manifest's raster pictures (PNG, JPEG, GIF, WebP), as ZIP paths, in manifest order. */
  images: string[];
  navPath?: string;
  ncxPath?: string;
}

const RASTER_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/gif', 'image/webp']);

export function readPackage(opf: string, opfPath: string): Package {
  const manifest = new Map<string, { href: string; type: string; properties: string }>();
  const spineIds: string[] = [];
  let tocId: string | undefined;
  let inTitle = false;
  let title: string | undefined;
  walkXml(
    opf,
    (el) => {
      const local = el.name.replace(/^.*:/, '');
      if (local === 'item') {
        manifest.set(el.attribs['id'] ?? '', {
          href: el.attribs['href'] ?? '',
          type: el.attribs['media-type'] ?? '',
          properties: el.attribs['properties'] ?? '',
        });
      } else if (local === 'itemref') {
        if (el.attribs['idref']) spineIds.push(el.attribs['idref']);
      } else if (local === 'spine') {
        tocId = el.attribs['toc'];
      } else if (el.name === 'dc:title' && title === undefined) {
        inTitle = true;
        title = '';
      }
    },
    (t) => {
      if (inTitle) title += t;
    },
    (name) => {
      if (name === 'dc:title') inTitle = false;
    },
  );
  const spine = spineIds.flatMap((id) => {
    const item = manifest.get(id);
    return item && /html|xml/.test(item.type) ? [resolvePath(opfPath, item.href)] : [];
  });
  const nav = [...manifest.values()].find((i) => i.properties.split(/\s+/).includes('nav'));
  const ncx =
    (tocId ? manifest.get(tocId) : undefined) ??
    [...manifest.values()].find((i) => i.type === 'application/x-dtbncx+xml');
  const images = [...manifest.values()]
    .filter((i) => RASTER_TYPES.has(i.type.toLowerCase()) && i.href)
    .map((i) => resolvePath(opfPath, i.href));
  const t = title?.replace(/\s+/g, ' ').trim();
  return {
    spine,
    images,
    ...(t ? { title: t } : {}),
    ...(nav ? { navPath: resolvePath(opfPath, nav.href) } : {}),
    ...(ncx ? { ncxPath: resolvePath(opfPath, ncx.href) } : {}),
  };
}

/** Chapter file path → title, from an EPUB 3 nav document (its toc nav) or an EPUB 2 NCX. First entry wins. */
function readToc(xml: string, tocPath: string, isNcx: boolean): Map<string, string> {
  const titles = new Map<string, string>();
  let current: { text: string; href?: string } | undefined;
  let navDepth = 0; // inside <nav epub:type="toc"> (EPUB 3)
  let inToc = isNcx;
  let pendingLabel: string | undefined; // NCX: a navLabel's text, waiting for the <content src> after it
  const setTitle = (href: string, text: string) => {
    const path = resolvePath(tocPath, href);
    if (text && !titles.has(path)) titles.set(path, text);
  };
  walkXml(
    xml,
    (el) => {
      if (!isNcx && el.name === 'nav') {
        navDepth++;
        if ((el.attribs['epub:type'] ?? '').split(/\s+/).includes('toc') || el.attribs['role'] === 'doc-toc')
          inToc = true;
      }
      if (!inToc) return;
      if (isNcx ? el.name === 'navlabel' : el.name === 'a')
        current = { text: '', ...(el.attribs['href'] ? { href: el.attribs['href'] } : {}) };
      if (isNcx && el.name === 'content' && current === undefined && el.attribs['src']) {
        if (pendingLabel) setTitle(el.attribs['src'], pendingLabel);
        pendingLabel = undefined;
      }
    },
    (t) => {
      if (current) current.text += t;
    },
    (name) => {
      if (!isNcx && name === 'nav' && --navDepth === 0) inToc = false;
      if (current && (isNcx ? name === 'navlabel' : name === 'a')) {
        const text = current.text.replace(/\s+/g, ' ').trim();
        if (isNcx) pendingLabel = text;
        else if (current.href) setTitle(current.href, text);
        current = undefined;
      }
    },
  );
  return titles;
}

function fail(fileName: string, reason: string, cause?: unknown): TroveError {
  return new TroveError(
    'PARSE_FAILED',
    `“${fileName}” is not a readable EPUB: ${reason}.`,
    cause === undefined ? undefined : { cause },
  );
}

export const epubParser: Parser = {
  name: 'EPUB',
  format: 'epub',
  accepts(fileName, mimeType) {
    return extensionOf(fileName) === '.epub' || mimeType.toLowerCase() === 'application/epub+zip';
  },
  async parse(data, fileName, signal): Promise<ParsedDocument> {
    throwIfAborted(signal);
    if (!isZip(data)) throw fail(fileName, 'an EPUB is a ZIP archive, and this is not one');
    let files: Record<string, Uint8Array>;
    try {
      // Only the text files, within the inflate budget: images and fonts are never inflated.
      files = unzipBounded(data, fileName, {
        filter: (name) => /\.(x?html?|xml|opf|ncx)$/i.test(name) || name === 'mimetype',
      });
    } catch (error) {
      if (error instanceof TroveError) throw error;
      throw fail(
        fileName,
        `the ZIP archive is damaged (${error instanceof Error ? error.message : String(error)})`,
        error,
      );
    }
    const read = (path: string): string | undefined => {
      const bytes = files[path];
      return bytes ? strFromU8(bytes).replace(/^\ufeff/, '') : undefined;
    };
    const container = read('META-INF/container.xml');
    if (container === undefined) throw fail(fileName, 'META-INF/container.xml is missing');
    let opfPath: string | undefined;
    walkXml(container, (el) => {
      if (el.name === 'rootfile' && opfPath === undefined) opfPath = el.attribs['full-path'];
    });
    const opf = opfPath === undefined ? undefined : read(opfPath);
    if (opf === undefined) throw fail(fileName, `the package file ${opfPath ?? '(rootfile)'} is missing`);
    const pkg = readPackage(opf, opfPath!);
    if (pkg.spine.length === 0) throw fail(fileName, 'its spine lists no chapters');

    const nav = pkg.navPath ? read(pkg.navPath) : undefined;
    const ncx = pkg.ncxPath ? read(pkg.ncxPath) : undefined;
    const toc =
      nav !== undefined
        ? readToc(nav, pkg.navPath!, false)
        : ncx !== undefined
          ? readToc(ncx, pkg.ncxPath!, true)
          : new Map<string, string>();

    const parts: string[] = [];
    const blocks: TextBlock[] = [];
    let length = 0;
    const missing: string[] = [];
    const push = (s: string, block?: Omit<TextBlock, 'start' | 'end'>) => {
      if (length > 0) {
        parts.push('\n\n');
        length += 2;
      }
      if (block) blocks.push({ ...block, start: length, end: length + s.length });
      parts.push(s);
      length += s.length;
    };
    let chapterNumber = 0;
    for (const path of pkg.spine) {
      throwIfAborted(signal); // cancellation point between chapters
      const xhtml = read(path);
      if (xhtml === undefined) {
        missing.push(path);
        continue;
      }
      const chapter = htmlToText(xhtml);
      if (!hasText(chapter.text)) continue; // cover pages, image-only pages
      chapterNumber++;
      const title = (toc.get(path) ?? chapter.title ?? `Chapter ${chapterNumber}`).replace(/\s+/g, ' ').trim();
      push(title, { kind: 'heading', level: 1 });
      let first = true;
      for (const b of chapter.blocks) {
        const s = chapter.text.slice(b.start, b.end);
        // The chapter's own first heading usually repeats its title: do not nest the chapter under itself.
        if (first && b.kind === 'heading' && s.replace(/\s+/g, ' ').trim().toLowerCase() === title.toLowerCase()) {
          first = false;
          continue;
        }
        first = false;
        push(s, b.kind === 'heading' ? { kind: 'heading', level: Math.min(6, (b.level ?? 1) + 1) } : { kind: b.kind });
      }
    }
    if (blocks.length === 0)
      throw new TroveError('EMPTY_DOCUMENT', `“${fileName}” has no chapter text to index (images only?).`);
    const warnings = missing.length
      ? [`${missing.length} chapter file(s) listed in the spine are missing: ${missing.slice(0, 3).join(', ')}.`]
      : [];
    return {
      format: 'epub',
      text: parts.join(''),
      blocks,
      ...(pkg.title ? { title: pkg.title } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  },
};

// Pictures inside ZIP-based documents: a DOCX's word/media/ rasters, an EPUB's manifest pictures. Every entry is
// inflated through the zip guard's budget, and each picture's header (type and declared size) is read before
// anything decodes it, so icons, oversized pictures and those past the cap cost no decoding at all.
import { strFromU8 } from 'fflate';
import { TroveError, isAbort, throwIfAborted } from '../../core/errors.ts';
import type { DecodedPicture } from '../../embed/clip-embedder.ts';
import { isZip } from '../parsers/docx.ts';
import { readPackage, resolvePath, walkXml } from '../parsers/epub.ts';
import { imageDimensions } from '../parsers/image-dimensions.ts';
import { unzipBounded } from '../parsers/zip-guard.ts';
import { decodePicture, sniffPicture } from './decode-picture.ts';
import {
  INNER_PICTURE_CAP,
  INNER_PICTURE_PIXEL_BUDGET,
  LargestPictures,
  emptyStats,
  fitPicture,
  numbered,
  sizeAllowed,
  type InnerPictureScan,
  type InnerPictureStats,
} from './inner-picture-rules.ts';

interface Candidate {
  path: string;
  page?: number;
}

/** The pictures of a DOCX, in the order the document first shows them (then the unreferenced, by name). */
export async function scanDocxPictures(
  bytes: Uint8Array,
  fileName: string,
  signal?: AbortSignal,
  pixelBudget = INNER_PICTURE_PIXEL_BUDGET,
): Promise<InnerPictureScan> {
  const files = unzip(bytes, fileName, 'Word document', (name) => {
    return name.startsWith('word/media/') || name === 'word/document.xml' || name === 'word/_rels/document.xml.rels';
  });
  const media = Object.keys(files).filter((name) => name.startsWith('word/media/'));
  const order = docxReferenceOrder(files);
  const rank = (path: string) => order.get(path) ?? Number.MAX_SAFE_INTEGER;
  media.sort((a, b) => rank(a) - rank(b) || naturalCompare(a, b));
  return decodeCandidates(
    media.map((path) => ({ path })),
    files,
    fileName,
    signal,
    pixelBudget,
  );
}

/** The pictures of an EPUB's manifest; each one's page is the spine position of the first chapter showing it. */
export async function scanEpubPictures(
  bytes: Uint8Array,
  fileName: string,
  signal?: AbortSignal,
  pixelBudget = INNER_PICTURE_PIXEL_BUDGET,
): Promise<InnerPictureScan> {
  const text = unzip(bytes, fileName, 'EPUB', (name) => /\.(x?html?|xml|opf)$/i.test(name));
  const read = (path: string) => {
    const data = text[path];
    return data ? strFromU8(data).replace(/^\ufeff/, '') : undefined;
  };
  let opfPath: string | undefined;
  walkXml(read('META-INF/container.xml') ?? '', (el) => {
    if (el.name === 'rootfile' && opfPath === undefined) opfPath = el.attribs['full-path'];
  });
  const opf = opfPath === undefined ? undefined : read(opfPath);
  if (opf === undefined) return { pictures: [], stats: emptyStats() }; // the parser reports the missing package
  const pkg = readPackage(opf, opfPath!);
  const manifest = new Set(pkg.images);
  if (manifest.size === 0) return { pictures: [], stats: emptyStats() };

  // Chapters in reading order: the first one showing a picture gives its page and its place in the order.
  const firstShown = new Map<string, number>();
  pkg.spine.forEach((chapter, i) => {
    const xhtml = read(chapter);
    if (xhtml === undefined) return;
    walkXml(xhtml, (el) => {
      const href = el.name === 'img' ? el.attribs['src'] : el.name === 'image' ? imageHref(el.attribs) : undefined;
      if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href)) return; // remote and data: URLs are not in the book
      const path = resolvePath(chapter, href);
      if (manifest.has(path) && !firstShown.has(path)) firstShown.set(path, i + 1);
    });
  });
  const shown = [...firstShown.keys()];
  const unshown = pkg.images.filter((path) => !firstShown.has(path));
  const candidates: Candidate[] = [
    ...shown.map((path) => ({ path, page: firstShown.get(path)! })),
    ...[...new Set(unshown)].map((path) => ({ path })),
  ];
  const wanted = new Set(candidates.map((c) => c.path));
  const files = unzip(bytes, fileName, 'EPUB', (name) => wanted.has(name));
  return decodeCandidates(candidates, files, fileName, signal, pixelBudget);
}

/** SVG <image href> or <image xlink:href> (a cover's usual form). */
function imageHref(attribs: Record<string, string>): string | undefined {
  return attribs['href'] ?? attribs['xlink:href'];
}

/**
 * The pictures' headers first (type, declared size: the size rules and the cap cost nothing), then the kept ones
 * decoded in document order, each scaled down as soon as it is decoded.
 */
async function decodeCandidates(
  candidates: Candidate[],
  files: Record<string, Uint8Array>,
  fileName: string,
  signal: AbortSignal | undefined,
  pixelBudget: number,
): Promise<InnerPictureScan> {
  const stats: InnerPictureStats = emptyStats();
  const largest = new LargestPictures<Candidate & { data: Uint8Array; width: number; height: number }>(
    INNER_PICTURE_CAP,
    stats,
  );
  candidates.forEach((candidate, order) => {
    const data = files[candidate.path];
    if (!data) return;
    const type = sniffPicture(data);
    if (!type) return; // EMF/WMF drawings, SVG: not rasters, not pictures this reads
    stats.found++;
    const size = imageDimensions(data, type);
    if (!size) {
      stats.failed++;
      return;
    }
    if (!sizeAllowed(size.width, size.height, stats)) return;
    largest.add(order, size.width * size.height, { ...candidate, data, ...size });
  });
  const kept: Array<{ page?: number; picture: DecodedPicture; width: number; height: number }> = [];
  let budget = pixelBudget;
  for (const candidate of largest.inOrder()) {
    throwIfAborted(signal);
    const pixels = candidate.width * candidate.height; // as declared: what the decoder will allocate
    if (pixels > budget) {
      stats.overBudget++;
      continue;
    }
    budget -= pixels;
    try {
      const decoded = await decodePicture(candidate.data, `${fileName}: ${candidate.path}`, signal);
      stats.decoded++;
      kept.push({
        ...(candidate.page !== undefined && { page: candidate.page }),
        picture: fitPicture(decoded),
        width: decoded.width,
        height: decoded.height,
      });
    } catch (error) {
      if (signal?.aborted || isAbort(error)) throw error;
      stats.failed++;
    }
  }
  return { pictures: numbered(kept), stats };
}

/** DOCX: media path → the place of its first reference in document.xml (through the relationships). */
function docxReferenceOrder(files: Record<string, Uint8Array>): Map<string, number> {
  const order = new Map<string, number>();
  const rels = files['word/_rels/document.xml.rels'];
  const doc = files['word/document.xml'];
  if (!rels || !doc) return order;
  const targets = new Map<string, string>();
  walkXml(strFromU8(rels), (el) => {
    const { Id: id, Target: target, TargetMode: mode } = el.attribs;
    if (el.name.replace(/^.*:/, '') !== 'relationship' || !id || !target || mode === 'External') return;
    targets.set(id, target.startsWith('/') ? target.slice(1) : resolvePath('word/document.xml', target));
  });
  // a:blip r:embed (DrawingML) and v:imagedata r:id (VML): a linear scan, no XML tree of a large document.
  for (const match of strFromU8(doc).matchAll(/\br:(?:embed|id)="([^"]+)"/g)) {
    const path = targets.get(match[1]!);
    if (path && !order.has(path)) order.set(path, order.size);
  }
  return order;
}

/** "image2.png" before "image10.png", as Word numbers them. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function unzip(
  bytes: Uint8Array,
  fileName: string,
  kind: string,
  filter: (name: string) => boolean,
): Record<string, Uint8Array> {
  if (!isZip(bytes)) throw new TroveError('PARSE_FAILED', `“${fileName}” is not a ${kind}: it is not a ZIP archive.`);
  try {
    return unzipBounded(bytes, fileName, { filter });
  } catch (error) {
    if (error instanceof TroveError) throw error;
    const detail = error instanceof Error ? error.message : String(error); // ZipDamagedError names the flaw
    throw new TroveError('PARSE_FAILED', `“${fileName}” is not a readable ${kind}: ${detail}.`, { cause: error });
  }
}

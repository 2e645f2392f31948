// The passages of a new version of a document, made by keeping the old version's passages outside the edited region
// and chunking only what lies between them. Chunking the whole new text would move every passage boundary after an
// edit that changes a paragraph's length (passages are packed greedily, with overlap), so their texts, and with them
// the vectors that could be reused by text, would all differ. Only prose without pages qualifies (tables, code and
// PDFs chunk by other rules); an edit that touches a heading is chunked whole, since it changes the heading paths
// of the passages after it.
import type { ChunkDraft, ParsedDocument, TextBlock } from '../core/types.ts';

export interface PreviousVersion {
  text: string;
  blocks: readonly TextBlock[];
  /** Its passages in document order. */
  chunks: readonly ChunkDraft[];
}

/** Chunks a run of blocks of the document (offsets stay those of the whole text). */
export type ChunkRun = (doc: ParsedDocument) => ChunkDraft[] | Promise<ChunkDraft[]>;

/**
 * The new version's passages: the old ones before and after the edit (the latter shifted), and `chunkRun`'s for the
 * stretch between; undefined when the document does not qualify or the result would not be exact (the caller then
 * chunks the whole text).
 */
export async function splicePassages(
  previous: PreviousVersion,
  doc: ParsedDocument,
  chunkRun: ChunkRun,
  maxTokens: number,
): Promise<ChunkDraft[] | undefined> {
  const old = previous.text;
  const next = doc.text;
  const plain = (blocks: readonly TextBlock[]) =>
    blocks.every((b) => (b.kind === 'paragraph' || b.kind === 'heading') && b.page === undefined);
  if (!plain(doc.blocks) || !plain(previous.blocks) || previous.chunks.length === 0) return undefined;
  if (previous.chunks.some((chunk) => chunk.tokenCount > maxTokens)) return undefined;

  let prefix = 0;
  const shorter = Math.min(old.length, next.length);
  while (prefix < shorter && old.charCodeAt(prefix) === next.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    old.charCodeAt(old.length - 1 - suffix) === next.charCodeAt(next.length - 1 - suffix)
  )
    suffix++;
  const oldEditEnd = old.length - suffix;
  const newEditEnd = next.length - suffix;
  const touchesHeading = (blocks: readonly TextBlock[], end: number) =>
    blocks.some((b) => b.kind === 'heading' && b.end >= prefix && b.start <= end);
  if (touchesHeading(previous.blocks, oldEditEnd) || touchesHeading(doc.blocks, newEditEnd)) return undefined;

  const chunks = previous.chunks;
  let kept = 0;
  while (kept < chunks.length && chunks[kept]!.end <= prefix) kept++;
  let tail = chunks.length;
  while (tail > kept && chunks[tail - 1]!.start >= oldEditEnd) tail--;
  const shift = next.length - old.length;
  const from = kept > 0 ? chunks[kept - 1]!.end : 0;
  const to = tail < chunks.length ? chunks[tail]!.start + shift : next.length;

  const middleBlocks = clip(doc, from, to);
  let middle: ChunkDraft[] = [];
  if (middleBlocks.length > 0) {
    const outer = headingsBefore(doc.blocks, next, from);
    const firstLevel = middleBlocks.find((b) => b.kind === 'heading')?.level ?? 7;
    const paths = outer.filter((h) => h.level < firstLevel).map((h) => h.text);
    middle = (await chunkRun({ ...doc, blocks: middleBlocks })).map((chunk) => ({
      ...chunk,
      headingPath: [...paths, ...chunk.headingPath],
    }));
  }
  const after = chunks.slice(tail).map((chunk) => ({ ...chunk, start: chunk.start + shift, end: chunk.end + shift }));
  const spliced = [...chunks.slice(0, kept), ...middle, ...after].map((chunk) => copy(chunk));
  // Exact or nothing: every passage is its slice of the new text, in order.
  let last = -1;
  for (const chunk of spliced) {
    if (chunk.start <= last || next.slice(chunk.start, chunk.end) !== chunk.text) return undefined;
    last = chunk.start;
  }
  return spliced;
}

/** The document's blocks cut to [from, to), trimmed, empty ones dropped. */
function clip(doc: ParsedDocument, from: number, to: number): TextBlock[] {
  const blocks: TextBlock[] = [];
  for (const block of doc.blocks) {
    let start = Math.max(block.start, from);
    let end = Math.min(block.end, to);
    while (start < end && /\s/.test(doc.text[start]!)) start++;
    while (end > start && /\s/.test(doc.text[end - 1]!)) end--;
    if (start < end) blocks.push({ ...block, start, end });
  }
  return blocks;
}

/** The headings open at `offset`, outermost first (a heading closes those of its level and deeper). */
function headingsBefore(
  blocks: readonly TextBlock[],
  text: string,
  offset: number,
): Array<{ level: number; text: string }> {
  let open: Array<{ level: number; text: string }> = [];
  for (const block of blocks) {
    if (block.start >= offset) break;
    if (block.kind !== 'heading') continue;
    const level = block.level ?? 1;
    const title = text.slice(block.start, block.end).replace(/\s+/g, ' ').trim();
    open = [...open.filter((h) => h.level < level), { level, text: title }];
  }
  return open;
}

/** The fields of a passage draft only (a stored chunk record carries ids too). */
function copy(chunk: ChunkDraft): ChunkDraft {
  const { text, start, end, headingPath, page, tokenCount, row, fields } = chunk;
  return {
    text,
    start,
    end,
    headingPath,
    tokenCount,
    ...(page !== undefined && { page }),
    ...(row !== undefined && { row }),
    ...(fields !== undefined && { fields }),
  };
}

// Chunking for documents with structured blocks: each 'record' (a CSV/TSV row, a JSON object) is a passage of its
// own (never packed with its neighbours, no overlap) carrying its row and fields; runs of 'code' blocks are cut
// between lines (codeLineUnits), preferring the parser's cuts at blank lines and top-level definitions. Prose
// (headings, paragraphs) goes to the sentence chunker unchanged, so documents without such blocks chunk exactly
// as before.
import { throwIfAborted } from '../core/errors.ts';
import type { ChunkDraft, ChunkerOptions, ParsedDocument, TextBlock } from '../core/types.ts';
import { chunkDocument, chunkDocumentAsync } from './chunker.ts';
import { codeLineUnits, type Span } from './code-units.ts';

interface Unit extends Span {
  tokens: number;
  /** First unit of a block: a chunk prefers to end before a block that would not fit whole. */
  blockStart: boolean;
  blockTokens: number;
}

interface Heading {
  level: number;
  text: string;
}

/**
 * The engine's chunk step: prose through the async sentence chunker (it yields and honours cancel, so a search typed
 * during a big file still answers); documents with table rows or code through chunkStructured.
 */
export function chunkForIndex(
  doc: ParsedDocument,
  options: ChunkerOptions,
  signal?: AbortSignal,
): ChunkDraft[] | Promise<ChunkDraft[]> {
  if (!doc.blocks.some((b) => b.kind === 'record' || b.kind === 'code'))
    return chunkDocumentAsync(doc, { ...options, signal });
  return chunkStructured(doc, options, signal);
}

export function chunkStructured(doc: ParsedDocument, options: ChunkerOptions, signal?: AbortSignal): ChunkDraft[] {
  if (!doc.blocks.some((b) => b.kind === 'record' || b.kind === 'code')) return chunkDocument(doc, options);
  const out: ChunkDraft[] = [];
  const overhead = options.countTokens('');
  const count = (start: number, end: number) => options.countTokens(doc.text.slice(start, end)) - overhead;
  const headings: Heading[] = [];
  const path = () => headings.map((h) => h.text);
  let prose: TextBlock[] = [];
  let proseHeadings: Heading[] = [];
  let code: TextBlock[] = [];

  const flushProse = () => {
    if (prose.length === 0) return;
    // The sentence chunker sees only this run; headings above it are prefixed to the paths it finds.
    const firstLevel = prose.find((b) => b.kind === 'heading')?.level ?? 7;
    const outer = proseHeadings.filter((h) => h.level < firstLevel).map((h) => h.text);
    for (const chunk of chunkDocument({ ...doc, blocks: prose }, options)) {
      out.push({ ...chunk, headingPath: [...outer, ...chunk.headingPath] });
    }
    prose = [];
  };
  const flushCode = () => {
    if (code.length === 0) return;
    const page = code[0]!.page;
    const units: Unit[] = [];
    for (const block of code) {
      const lines = codeLineUnits(doc.text, block.start, block.end);
      const blockTokens = count(block.start, block.end);
      lines.forEach((line, i) =>
        units.push({ ...line, tokens: count(line.start, line.end), blockStart: i === 0, blockTokens }),
      );
    }
    pack(doc.text, units, options.maxTokens, count, (start, end, tokens) =>
      out.push(draft(doc, start, end, tokens, path(), page)),
    );
    code = [];
  };

  for (const block of usable(doc)) {
    throwIfAborted(signal);
    if (block.kind === 'record') {
      flushProse();
      flushCode();
      const headingPath = path();
      const tokens = count(block.start, block.end);
      const pieces: [number, number, number][] = [];
      if (tokens <= options.maxTokens) pieces.push([block.start, block.end, tokens]);
      else {
        // An oversized row: cut between its lines (fields), each piece keeps the row and its fields.
        const units = codeLineUnits(doc.text, block.start, block.end).map((u) => ({
          ...u,
          tokens: count(u.start, u.end),
          blockStart: false,
          blockTokens: 0,
        }));
        pack(doc.text, units, options.maxTokens, count, (s, e, t) => pieces.push([s, e, t]));
      }
      for (const [s, e, t] of pieces) {
        const chunk = draft(doc, s, e, t, headingPath, block.page);
        if (block.row !== undefined) chunk.row = block.row;
        if (block.fields && Object.keys(block.fields).length > 0) chunk.fields = block.fields;
        out.push(chunk);
      }
    } else if (block.kind === 'code') {
      flushProse();
      code.push(block);
    } else {
      flushCode();
      if (prose.length === 0) proseHeadings = [...headings];
      prose.push(block);
      if (block.kind === 'heading') {
        const level = block.level ?? 1;
        while (headings.length > 0 && headings[headings.length - 1]!.level >= level) headings.pop();
        headings.push({ level, text: doc.text.slice(block.start, block.end).trim() });
      }
    }
  }
  flushProse();
  flushCode();
  return out;
}

function draft(
  doc: ParsedDocument,
  start: number,
  end: number,
  tokenCount: number,
  headingPath: string[],
  page?: number,
): ChunkDraft {
  const chunk: ChunkDraft = { text: doc.text.slice(start, end), start, end, headingPath: [...headingPath], tokenCount };
  if (page !== undefined) chunk.page = page;
  return chunk;
}

/** Sorted, clamped, non-overlapping blocks (as the sentence chunker reads them). */
function usable(doc: ParsedDocument): TextBlock[] {
  const blocks: TextBlock[] = [];
  let last = 0;
  for (const b of doc.blocks) {
    const start = Math.max(b.start, last);
    const end = Math.min(b.end, doc.text.length);
    if (end > start) blocks.push({ ...b, start, end });
    last = Math.max(last, end);
  }
  return blocks;
}

/**
 * Greedy packing of line units into chunks within the budget, no overlap. The whole chunk is recounted (sums of
 * parts are an estimate); a single line over the budget is cut by characters.
 */
function pack(
  text: string,
  units: Unit[],
  max: number,
  count: (start: number, end: number) => number,
  emit: (start: number, end: number, tokens: number) => void,
): void {
  let i = 0;
  while (i < units.length) {
    let sum = 0;
    let j = i;
    while (j < units.length) {
      const u = units[j]!;
      if (j > i && sum + u.tokens > max) break;
      // A definition that does not fit in what is left starts a chunk of its own.
      if (j > i && u.blockStart && sum + u.blockTokens > max) break;
      sum += u.tokens;
      j++;
    }
    let tokens = count(units[i]!.start, units[j - 1]!.end);
    while (tokens > max && j - 1 > i) {
      j--;
      tokens = count(units[i]!.start, units[j - 1]!.end);
    }
    if (tokens > max) cutLong(text, units[i]!, max, count, emit);
    else emit(units[i]!.start, units[j - 1]!.end, tokens);
    i = j;
  }
}

/** One line longer than the budget: the longest prefixes that fit (binary search), trimmed, preferring a space. */
function cutLong(
  text: string,
  unit: Span,
  max: number,
  count: (start: number, end: number) => number,
  emit: (start: number, end: number, tokens: number) => void,
): void {
  let start = unit.start;
  while (start < unit.end) {
    let fit = start + 1;
    let miss = unit.end + 1;
    while (miss - fit > 1) {
      const mid = Math.floor((fit + miss) / 2);
      if (count(start, mid) <= max) fit = mid;
      else miss = mid;
    }
    let end = fit;
    if (end < unit.end) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + (end - start) / 2) end = space;
    }
    let e = end;
    while (e > start && /\s/.test(text[e - 1]!)) e--;
    if (e > start) emit(start, e, count(start, e));
    start = end;
    while (start < unit.end && /\s/.test(text[start]!)) start++;
  }
}

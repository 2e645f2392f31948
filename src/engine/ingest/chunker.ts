// Sentence-aware chunking within heading sections, bounded by a token budget, with exact offsets into doc.text.
//
// A document is cut into sections at headings (and PDF page breaks); each section into units (sentences; for a
// sentence over budget its lines, then word-bounded pieces), each counted once. Units are packed greedily into
// chunks; the next chunk repeats trailing sentences of the previous one (overlap). Every chunk is recounted once
// as a whole, so the budget holds even where a tokenizer counts joined text differently from its parts.
// Chunks are capped in characters too (maxChars). Every step is linear: sentences come from a regex scan, not
// Intl.Segmenter (quadratic in Node 20), and long lines are split in bounded windows. The work is a generator
// of checkpoints, so chunkDocumentAsync can yield to the event loop and stop on an abort between steps.
import { TroveError, throwIfAborted } from '../core/errors.ts';
import type { ChunkDraft, Chunker, ChunkerOptions, ParsedDocument, TextBlock } from '../core/types.ts';
import { isSpace, paragraphBlocks } from './parsers/text.ts';
import { sentenceBounds, wordBounds } from './sentences.ts';

interface Unit {
  start: number;
  end: number;
  tokens: number;
  page: number | undefined;
  /** First unit of a block (paragraph or heading). */
  blockStart: boolean;
  heading: boolean;
  /** For a blockStart unit: tokens of the whole block. */
  blockTokens: number;
}

interface Section {
  path: string[];
  units: Unit[];
  /** Level of the last heading in this section with no body yet, 0 when it has body text. */
  pendingLevel: number;
}

/** Characters per chunk when the caller sets no cap: generous for English (~4-5 per token), firm for blobs. */
export const CHARS_PER_TOKEN_CAP = 8;
/** Most characters split at words in one step: bounds the work between two cancellation checks. */
const WINDOW = 64 * 1024;
/** Units added between two checkpoints inside one block. */
const UNITS_PER_CHECKPOINT = 256;

/** Chunker options (maxChars is part of ChunkerOptions; this name stays for callers of the async form). */
export type ChunkerRunOptions = ChunkerOptions;

/** Yielded between units of work, so a driver can pause (yield to the event loop) and honour an abort. */
type Checkpoint = Generator<void, void, void>;

class Packer {
  private readonly text: string;
  private readonly max: number;
  private readonly maxChars: number;
  private readonly overlap: number;
  private readonly overhead: number;
  private readonly countTokens: (text: string) => number;
  readonly chunks: ChunkDraft[] = [];

  constructor(doc: ParsedDocument, options: ChunkerRunOptions) {
    this.text = doc.text;
    this.max = options.maxTokens;
    this.maxChars = options.maxChars ?? options.maxTokens * CHARS_PER_TOKEN_CAP;
    this.countTokens = options.countTokens;
    // Overlap above half the budget would leave too little new text per chunk to be worth a vector.
    this.overlap = Math.max(0, Math.min(options.overlapTokens, Math.floor(options.maxTokens / 2)));
    // A counter that adds special tokens ([CLS]/[SEP]) to every call would inflate per-sentence sums: subtract it.
    this.overhead = Math.max(0, options.countTokens(''));
  }

  /** Content tokens of text[start, end). */
  count(start: number, end: number): number {
    return Math.max(0, this.countTokens(this.text.slice(start, end)) - this.overhead);
  }

  *run(blocks: TextBlock[]): Checkpoint {
    const stack: { level: number; title: string }[] = [];
    let section: Section = { path: [], units: [], pendingLevel: 0 };
    for (const block of blocks) {
      if (block.kind === 'heading') {
        const level = block.level ?? 1;
        // A heading directly followed by a deeper one stays as the prefix of its child's first chunk;
        // otherwise the section so far becomes chunks.
        const keepPending = section.units.length > 0 && section.pendingLevel > 0 && level > section.pendingLevel;
        if (!keepPending) {
          yield* this.pack(section);
          section = { path: [], units: [], pendingLevel: 0 };
        }
        while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
        const title = this.text.slice(block.start, Math.min(block.end, block.start + this.maxChars));
        stack.push({ level, title: title.replace(/\s+/g, ' ').trim() });
        section.path = stack.map((h) => h.title);
        section.pendingLevel = level;
        yield* this.addUnits(section.units, block, true);
      } else {
        // A new PDF page starts a new chunk, so a passage's page number is where all of it is.
        const lastPage = section.units[section.units.length - 1]?.page;
        if (block.page !== lastPage && section.pendingLevel === 0 && section.units.length > 0) {
          yield* this.pack(section);
          section = { path: section.path, units: [], pendingLevel: 0 };
        }
        section.pendingLevel = 0;
        yield* this.addUnits(section.units, block, false);
      }
      yield;
    }
    yield* this.pack(section);
  }

  /**
   * Sentences of a block as units. A sentence over budget (tokens or characters) is split at line breaks
   * (logs, CSV, code), then lines over budget at spaces, then words over budget at code points.
   */
  private *addUnits(units: Unit[], block: TextBlock, heading: boolean): Checkpoint {
    const first = units.length;
    const push = (start: number, end: number, tokens: number) => {
      units.push({ start, end, tokens, page: block.page, blockStart: units.length === first, heading, blockTokens: 0 });
    };
    let b = heading ? [block.start, block.end] : sentenceBounds(this.text, block.start, block.end);
    if (!heading && hasHardLineBreaks(this.text, block.start, block.end))
      b = withLineStarts(this.text, b, block.start, block.end);
    for (let i = 0; i + 1 < b.length; i++) {
      const [start, end] = this.trim(b[i]!, b[i + 1]!);
      if (end <= start) continue;
      if (end - start <= this.maxChars) {
        const tokens = this.count(start, end);
        if (tokens <= this.max) {
          push(start, end, tokens);
          if (i % UNITS_PER_CHECKPOINT === UNITS_PER_CHECKPOINT - 1) yield;
          continue;
        }
      }
      yield* this.addLines(start, end, push);
    }
    let blockTokens = 0;
    for (let k = first; k < units.length; k++) blockTokens += units[k]!.tokens;
    if (units.length > first) units[first]!.blockTokens = blockTokens;
  }

  /** Lines of an over-budget sentence as units; lines over budget are split at words. */
  private *addLines(start: number, end: number, push: (s: number, e: number, t: number) => void): Checkpoint {
    let lines = 0;
    for (let from = start; from < end;) {
      const nl = this.text.indexOf('\n', from);
      const to = nl === -1 || nl >= end ? end : nl;
      const [s, e] = this.trim(from, to);
      from = to + 1;
      if (e <= s) continue;
      const tokens = e - s <= this.maxChars ? this.count(s, e) : Infinity;
      if (tokens <= this.max) {
        push(s, e, tokens);
        if (++lines % UNITS_PER_CHECKPOINT === 0) yield;
        continue;
      }
      // A very long line is split window by window, so one step never holds the whole line.
      for (let w = s; w < e;) {
        const cut = this.windowEnd(w, e);
        for (const [ps, pe, pt] of this.splitLong(w, cut)) push(ps, pe, pt);
        w = cut;
        yield;
      }
    }
  }

  /** End of the next window of text[from, end): at most WINDOW characters, cut after a space where possible. */
  private windowEnd(from: number, end: number): number {
    if (end - from <= WINDOW) return end;
    const limit = from + WINDOW;
    for (let i = limit; i > from + WINDOW / 2; i--) if (isSpace(this.text.charCodeAt(i - 1))) return i;
    return this.codePointBoundary(limit);
  }

  private trim(start: number, end: number): [number, number] {
    while (start < end && isSpace(this.text.charCodeAt(start))) start++;
    while (end > start && isSpace(this.text.charCodeAt(end - 1))) end--;
    return [start, end];
  }

  /** Pieces of an over-budget span, cut after spaces, each verified by a real count and within both caps. */
  private splitLong(start: number, end: number): [number, number, number][] {
    const bounds = wordBounds(this.text, start, end);
    const segTokens = bounds.slice(0, -1).map((b, i) => this.count(b, bounds[i + 1]!));
    const pieces: [number, number, number][] = [];
    for (let p = 0; p + 1 < bounds.length;) {
      let q = p + 1;
      let sum = segTokens[p]!;
      while (q + 1 < bounds.length && sum + segTokens[q]! <= this.max && bounds[q + 1]! - bounds[p]! <= this.maxChars) {
        sum += segTokens[q++]!;
      }
      let [s, e] = this.trim(bounds[p]!, bounds[q]!);
      let tokens = this.count(s, e);
      while ((tokens > this.max || e - s > this.maxChars) && q > p + 1) {
        const ratio = Math.min(this.max / Math.max(1, tokens), this.maxChars / (e - s));
        q = p + Math.max(1, Math.floor((q - p) * ratio)); // shrink proportionally, then re-verify
        [s, e] = this.trim(bounds[p]!, bounds[q]!);
        tokens = this.count(s, e);
      }
      if (tokens > this.max || e - s > this.maxChars) pieces.push(...this.hardSplit(s, e));
      else if (e > s) pieces.push([s, e, tokens]);
      p = q;
    }
    return pieces;
  }

  /** A single "word" over budget (a long URL, a base64 blob): cut at the longest prefix within both caps. */
  private hardSplit(start: number, end: number): [number, number, number][] {
    const pieces: [number, number, number][] = [];
    while (start < end) {
      let fit = this.nextCodePoint(start); // always advance by at least one code point
      const stop = Math.max(fit, this.codePointBoundary(Math.min(end, start + this.maxChars)));
      let miss = stop + 1; // shortest cut known not to fit
      // Gallop from ~4 characters per token, then bisect: O(piece × log piece) counting per piece.
      for (let len = this.max * 4; ; len *= 2) {
        const cut = this.codePointBoundary(Math.min(stop, start + len));
        if (cut > fit) {
          if (this.count(start, cut) > this.max) {
            miss = cut;
            break;
          }
          fit = cut;
        }
        if (cut >= stop) break;
      }
      while (miss - fit > 1) {
        const mid = this.codePointBoundary(Math.floor((fit + miss) / 2));
        if (mid <= fit) break;
        if (this.count(start, mid) <= this.max) fit = mid;
        else miss = mid;
      }
      const [s, e] = this.trim(start, fit);
      if (e > s) pieces.push([s, e, this.count(s, e)]);
      start = fit;
    }
    return pieces;
  }

  private nextCodePoint(i: number): number {
    const c = this.text.charCodeAt(i);
    return c >= 0xd800 && c <= 0xdbff ? i + 2 : i + 1;
  }

  /** i, moved back off the middle of a surrogate pair. */
  private codePointBoundary(i: number): number {
    const c = this.text.charCodeAt(i);
    return c >= 0xdc00 && c <= 0xdfff && i > 0 ? i - 1 : i;
  }

  /** Greedy packing of one section's units into chunks, with overlap. */
  private *pack(section: Section): Checkpoint {
    const units = section.units;
    const n = units.length;
    const tooLong = (from: number, to: number) => units[to]!.end - units[from]!.start > this.maxChars;
    let start = 0; // first unit of the next chunk (overlap included)
    let i = 0; // first unit not yet in any chunk
    while (i < n) {
      let sum = 0;
      for (let k = start; k < i; k++) sum += units[k]!.tokens;
      if (sum + units[i]!.tokens > this.max || tooLong(start, i)) {
        start = i; // the overlap and the next sentence do not fit together: drop the overlap
        sum = 0;
      }
      let j = i;
      while (j < n) {
        const u = units[j]!;
        if (j > start && (sum + u.tokens > this.max || tooLong(start, j))) break;
        // Prefer to end at a paragraph boundary rather than cut a paragraph that would not fit whole.
        if (j > i && u.blockStart && sum >= this.max / 2 && sum + u.blockTokens > this.max) break;
        sum += u.tokens;
        j++;
      }
      let [s, e] = [units[start]!.start, units[j - 1]!.end];
      let tokens = this.count(s, e);
      // Sums are an estimate: the whole chunk is the truth. Give back units until it fits.
      while (tokens > this.max && (j - 1 > i || start < i)) {
        if (j - 1 > i) j--;
        else start = i;
        [s, e] = [units[start]!.start, units[j - 1]!.end];
        tokens = this.count(s, e);
      }
      this.emit(s, e, tokens, section.path, units[start]!.page);
      // Overlap: trailing non-heading units of this chunk, up to `overlap` tokens, never the chunk's first unit.
      let k = j;
      let overlapSum = 0;
      while (k - 1 > start && !units[k - 1]!.heading && overlapSum + units[k - 1]!.tokens <= this.overlap) {
        overlapSum += units[--k]!.tokens;
      }
      start = this.overlap > 0 ? k : j;
      i = j;
      yield;
    }
  }

  private emit(start: number, end: number, tokenCount: number, path: string[], page: number | undefined): void {
    const chunk: ChunkDraft = { text: this.text.slice(start, end), start, end, headingPath: [...path], tokenCount };
    if (page !== undefined) chunk.page = page;
    this.chunks.push(chunk);
  }
}

/** Line breaks sampled to decide whether a block's lines are records (logs, CSV, code) or soft-wrapped prose. */
const LINE_SAMPLE = 1000;

/**
 * True when the line breaks of text[start, end) separate records (log lines, CSV rows, code, lists) rather than
 * wrap prose: in wrapped prose many lines continue a sentence (a letter or comma, then a lower-case word).
 */
export function hasHardLineBreaks(text: string, start: number, end: number): boolean {
  let breaks = 0;
  let wraps = 0;
  for (
    let nl = text.indexOf('\n', start);
    nl !== -1 && nl < end && breaks < LINE_SAMPLE;
    nl = text.indexOf('\n', nl + 1)
  ) {
    breaks++;
    const before = text.charCodeAt(nl - 1);
    const after = text[nl + 1] ?? '';
    if (WRAP_BEFORE.test(String.fromCharCode(before)) && WRAP_AFTER.test(after)) wraps++;
  }
  return breaks >= 2 && wraps < breaks * 0.25;
}
const WRAP_BEFORE = /[\p{L},;-]/u;
const WRAP_AFTER = /\p{Ll}/u;

/** Sorted union of sentence bounds and the starts of lines inside [start, end). */
function withLineStarts(text: string, bounds: number[], start: number, end: number): number[] {
  const merged: number[] = [];
  let i = 0;
  for (let nl = text.indexOf('\n', start); nl !== -1 && nl + 1 < end; nl = text.indexOf('\n', nl + 1)) {
    while (i < bounds.length && bounds[i]! <= nl + 1) merged.push(bounds[i++]!);
    if (merged[merged.length - 1] !== nl + 1) merged.push(nl + 1);
  }
  while (i < bounds.length) merged.push(bounds[i++]!);
  return merged;
}

/** Blocks sorted, clamped to the text and without overlaps; a structureless document is one paragraph per blank line. */
function usableBlocks(doc: ParsedDocument): TextBlock[] {
  if (doc.blocks.length === 0) return paragraphBlocks(doc.text);
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

function validate(options: ChunkerRunOptions): void {
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < 1) {
    throw new TroveError('INVALID_ARGUMENT', `maxTokens must be a positive integer, got ${options.maxTokens}.`);
  }
  if (!(options.overlapTokens >= 0)) {
    throw new TroveError('INVALID_ARGUMENT', `overlapTokens must be 0 or more, got ${options.overlapTokens}.`);
  }
  if (options.maxChars !== undefined && !(Number.isInteger(options.maxChars) && options.maxChars >= 2)) {
    throw new TroveError('INVALID_ARGUMENT', `maxChars must be an integer of 2 or more, got ${options.maxChars}.`);
  }
}

/** Chunks a document in one go. It holds the thread for the whole document: the engine uses chunkDocumentAsync. */
export function chunkDocument(doc: ParsedDocument, options: ChunkerRunOptions): ChunkDraft[] {
  validate(options);
  const packer = new Packer(doc, options);
  const steps = packer.run(usableBlocks(doc));
  while (!steps.next().done); // run every step
  return packer.chunks;
}

export interface AsyncChunkOptions extends ChunkerRunOptions {
  signal?: AbortSignal;
  /** Longest stretch of work between two yields to the event loop, in milliseconds (default 8). */
  sliceMs?: number;
  /** Called at each yield with the offset chunked so far and the text length (for progress). */
  onProgress?: (offset: number, length: number) => void;
}

/** Lets queued messages (a search, a cancel) run: a macrotask, not a microtask. */
function yieldToEventLoop(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The same chunks as chunkDocument, but yields to the event loop after every `sliceMs` of work and throws
 * TroveError('CANCELLED') once `signal` is aborted (checked between blocks, windows of long lines and chunks).
 */
export async function chunkDocumentAsync(doc: ParsedDocument, options: AsyncChunkOptions): Promise<ChunkDraft[]> {
  validate(options);
  throwIfAborted(options.signal);
  const sliceMs = options.sliceMs ?? 8;
  const packer = new Packer(doc, options);
  const steps = packer.run(usableBlocks(doc));
  let sliceStart = performance.now();
  while (!steps.next().done) {
    throwIfAborted(options.signal);
    if (performance.now() - sliceStart < sliceMs) continue;
    options.onProgress?.(packer.chunks[packer.chunks.length - 1]?.end ?? 0, doc.text.length);
    await yieldToEventLoop();
    throwIfAborted(options.signal);
    sliceStart = performance.now();
  }
  return packer.chunks;
}

export class SentenceChunker implements Chunker {
  chunk(doc: ParsedDocument, options: ChunkerOptions): ChunkDraft[] {
    return chunkDocument(doc, options);
  }
}

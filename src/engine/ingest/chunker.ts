// Sentence-aware chunking within heading sections, bounded by a token budget, with exact offsets into doc.text.
//
// A document is cut into sections at headings (and PDF page breaks); each section into units (sentences, or
// word-bounded pieces of sentences longer than the budget), each counted once. Units are packed greedily into
// chunks; the next chunk repeats trailing sentences of the previous one (overlap). Every chunk is recounted once
// as a whole, so the budget holds even where a tokenizer counts joined text differently from its parts.
import { TroveError } from '../errors.ts';
import type { ChunkDraft, Chunker, ChunkerOptions, ParsedDocument, TextBlock } from '../types.ts';
import { isSpace, paragraphBlocks } from './parsers/text.ts';

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

const hasSegmenter = typeof Intl === 'object' && typeof Intl.Segmenter === 'function';
const sentences = hasSegmenter ? new Intl.Segmenter(undefined, { granularity: 'sentence' }) : undefined;
const words = hasSegmenter ? new Intl.Segmenter(undefined, { granularity: 'word' }) : undefined;

/** [start, end) offsets of the segments of `s` (fallback regexes where Intl.Segmenter is missing). */
function segmentBounds(s: string, kind: 'sentence' | 'word'): number[] {
  const bounds: number[] = [];
  const segmenter = kind === 'sentence' ? sentences : words;
  if (segmenter) {
    for (const seg of segmenter.segment(s)) bounds.push(seg.index);
  } else {
    const re = kind === 'sentence' ? /[.!?。！？]+\s+/g : /\s+/g;
    bounds.push(0);
    for (let m = re.exec(s); m; m = re.exec(s)) if (m.index + m[0].length < s.length) bounds.push(m.index + m[0].length);
  }
  bounds.push(s.length);
  return bounds;
}

class Packer {
  private readonly text: string;
  private readonly max: number;
  private readonly overlap: number;
  private readonly overhead: number;
  private readonly chunks: ChunkDraft[] = [];

  constructor(
    doc: ParsedDocument,
    private readonly options: ChunkerOptions,
  ) {
    this.text = doc.text;
    this.max = options.maxTokens;
    // Overlap above half the budget would leave too little new text per chunk to be worth a vector.
    this.overlap = Math.max(0, Math.min(options.overlapTokens, Math.floor(options.maxTokens / 2)));
    // A counter that adds special tokens ([CLS]/[SEP]) to every call would inflate per-sentence sums: subtract it.
    this.overhead = Math.max(0, options.countTokens(''));
  }

  /** Content tokens of text[start, end). */
  count(start: number, end: number): number {
    return Math.max(0, this.options.countTokens(this.text.slice(start, end)) - this.overhead);
  }

  run(blocks: TextBlock[]): ChunkDraft[] {
    const stack: { level: number; title: string }[] = [];
    let section: Section = { path: [], units: [], pendingLevel: 0 };
    for (const block of blocks) {
      if (block.kind === 'heading') {
        const level = block.level ?? 1;
        // A heading directly followed by a deeper one stays as the prefix of its child's first chunk;
        // otherwise the section so far becomes chunks.
        const keepPending = section.units.length > 0 && section.pendingLevel > 0 && level > section.pendingLevel;
        if (!keepPending) {
          this.pack(section);
          section = { path: [], units: [], pendingLevel: 0 };
        }
        while (stack.length && stack[stack.length - 1]!.level >= level) stack.pop();
        stack.push({ level, title: this.text.slice(block.start, block.end).replace(/\s+/g, ' ').trim() });
        section.path = stack.map((h) => h.title);
        section.pendingLevel = level;
        this.addUnits(section.units, block, true);
      } else {
        // A new PDF page starts a new chunk, so a passage's page number is where all of it is.
        const lastPage = section.units[section.units.length - 1]?.page;
        if (block.page !== lastPage && section.pendingLevel === 0 && section.units.length > 0) {
          this.pack(section);
          section = { path: section.path, units: [], pendingLevel: 0 };
        }
        section.pendingLevel = 0;
        this.addUnits(section.units, block, false);
      }
    }
    this.pack(section);
    return this.chunks;
  }

  /** Sentences of a block as units; sentences over budget are split at word boundaries. */
  private addUnits(units: Unit[], block: TextBlock, heading: boolean): void {
    const first = units.length;
    const push = (start: number, end: number, tokens: number) => {
      units.push({ start, end, tokens, page: block.page, blockStart: units.length === first, heading, blockTokens: 0 });
    };
    const spans: [number, number][] = [];
    if (heading) {
      spans.push([block.start, block.end]);
    } else {
      // Line breaks inside a paragraph are soft wraps, but UAX #29 ends a sentence at every LF:
      // segment a same-length copy with LFs as spaces, so offsets still index the original.
      const copy = this.text.slice(block.start, block.end).replace(/\n/g, ' ');
      const b = segmentBounds(copy, 'sentence');
      for (let i = 0; i + 1 < b.length; i++) spans.push([block.start + b[i]!, block.start + b[i + 1]!]);
    }
    for (let [start, end] of spans) {
      [start, end] = this.trim(start, end);
      if (end <= start) continue;
      const tokens = this.count(start, end);
      if (tokens <= this.max) push(start, end, tokens);
      else for (const [s, e, t] of this.splitLong(start, end)) push(s, e, t);
    }
    if (units.length > first) units[first]!.blockTokens = units.slice(first).reduce((sum, u) => sum + u.tokens, 0);
  }

  private trim(start: number, end: number): [number, number] {
    while (start < end && isSpace(this.text.charCodeAt(start))) start++;
    while (end > start && isSpace(this.text.charCodeAt(end - 1))) end--;
    return [start, end];
  }

  /** Pieces of an over-budget sentence, cut between words, each verified by a real count. */
  private splitLong(start: number, end: number): [number, number, number][] {
    const bounds = segmentBounds(this.text.slice(start, end), 'word').map((b) => start + b);
    const segTokens = bounds.slice(0, -1).map((b, i) => this.count(b, bounds[i + 1]!));
    const pieces: [number, number, number][] = [];
    for (let p = 0; p + 1 < bounds.length; ) {
      let q = p + 1;
      let sum = segTokens[p]!;
      while (q + 1 < bounds.length && sum + segTokens[q]! <= this.max) sum += segTokens[q++]!;
      let [s, e] = this.trim(bounds[p]!, bounds[q]!);
      let tokens = this.count(s, e);
      while (tokens > this.max && q > p + 1) {
        q = p + Math.max(1, Math.floor(((q - p) * this.max) / tokens)); // shrink proportionally, then re-verify
        [s, e] = this.trim(bounds[p]!, bounds[q]!);
        tokens = this.count(s, e);
      }
      if (tokens > this.max) pieces.push(...this.hardSplit(s, e));
      else if (e > s) pieces.push([s, e, tokens]);
      p = q;
    }
    return pieces;
  }

  /** A single "word" over budget (a long URL, a base64 blob): cut at the longest prefix that fits. */
  private hardSplit(start: number, end: number): [number, number, number][] {
    const pieces: [number, number, number][] = [];
    while (start < end) {
      let fit = this.nextCodePoint(start); // always advance by at least one code point
      let miss = end + 1; // shortest cut known not to fit
      // Gallop from ~4 characters per token, then bisect: O(piece × log piece) counting per piece.
      for (let len = this.max * 4; ; len *= 2) {
        const cut = this.codePointBoundary(Math.min(end, start + len));
        if (cut > fit) {
          if (this.count(start, cut) > this.max) {
            miss = cut;
            break;
          }
          fit = cut;
        }
        if (cut >= end) break;
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
  private pack(section: Section): void {
    const units = section.units;
    const n = units.length;
    let start = 0; // first unit of the next chunk (overlap included)
    let i = 0; // first unit not yet in any chunk
    while (i < n) {
      let sum = 0;
      for (let k = start; k < i; k++) sum += units[k]!.tokens;
      if (sum + units[i]!.tokens > this.max) {
        start = i; // the overlap and the next sentence do not fit together: drop the overlap
        sum = 0;
      }
      let j = i;
      while (j < n) {
        const u = units[j]!;
        if (j > start && sum + u.tokens > this.max) break;
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
    }
  }

  private emit(start: number, end: number, tokenCount: number, path: string[], page: number | undefined): void {
    const chunk: ChunkDraft = { text: this.text.slice(start, end), start, end, headingPath: [...path], tokenCount };
    if (page !== undefined) chunk.page = page;
    this.chunks.push(chunk);
  }
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

export function chunkDocument(doc: ParsedDocument, options: ChunkerOptions): ChunkDraft[] {
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < 1) {
    throw new TroveError('INVALID_ARGUMENT', `maxTokens must be a positive integer, got ${options.maxTokens}.`);
  }
  if (!(options.overlapTokens >= 0)) {
    throw new TroveError('INVALID_ARGUMENT', `overlapTokens must be 0 or more, got ${options.overlapTokens}.`);
  }
  return new Packer(doc, options).run(usableBlocks(doc));
}

export class SentenceChunker implements Chunker {
  chunk(doc: ParsedDocument, options: ChunkerOptions): ChunkDraft[] {
    return chunkDocument(doc, options);
  }
}

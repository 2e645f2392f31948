// Invariant checks shared by the ingest tests. Plain functions (no vitest import), returning readable problems.
import type { ChunkDraft, ChunkerOptions, ParsedDocument } from '../core/types.ts';

/** Blocks must be ordered, non-overlapping, inside the text and trimmed. */
export function blockProblems(doc: ParsedDocument): string[] {
  const problems: string[] = [];
  let last = 0;
  doc.blocks.forEach((b, i) => {
    const text = doc.text.slice(b.start, b.end);
    if (b.start < last) problems.push(`block ${i} starts at ${b.start}, before the previous end ${last}`);
    if (b.end <= b.start || b.end > doc.text.length) problems.push(`block ${i} has bad bounds [${b.start}, ${b.end})`);
    if (text !== text.trim()) problems.push(`block ${i} is not trimmed: ${JSON.stringify(text)}`);
    if (b.kind === 'heading' && !(b.level! >= 1 && b.level! <= 6)) problems.push(`heading ${i} has level ${b.level}`);
    last = Math.max(last, b.end);
  });
  return problems;
}

/** Chunks must slice the text exactly, stay in budget, be in order, and count their own tokens. */
export function chunkProblems(doc: ParsedDocument, chunks: ChunkDraft[], options: ChunkerOptions): string[] {
  const problems: string[] = [];
  let lastStart = -1;
  chunks.forEach((c, i) => {
    if (doc.text.slice(c.start, c.end) !== c.text)
      problems.push(`chunk ${i}: text is not doc.text.slice(${c.start}, ${c.end})`);
    if (c.text !== c.text.trim() || c.text.length === 0) problems.push(`chunk ${i}: empty or untrimmed`);
    if (c.tokenCount > options.maxTokens) problems.push(`chunk ${i}: ${c.tokenCount} tokens > ${options.maxTokens}`);
    if (c.tokenCount !== options.countTokens(c.text) - options.countTokens(''))
      problems.push(`chunk ${i}: tokenCount is wrong`);
    if (c.start <= lastStart)
      problems.push(`chunk ${i}: starts at ${c.start}, not after the previous start ${lastStart}`);
    lastStart = c.start;
  });
  return problems;
}

/** Offsets of block characters (non-space) that no chunk covers: chunking must never lose text. */
export function uncovered(doc: ParsedDocument, chunks: ChunkDraft[]): number[] {
  const depth = new Int32Array(doc.text.length + 1);
  for (const c of chunks) {
    depth[c.start]++;
    depth[c.end]--;
  }
  const covered = new Uint8Array(doc.text.length);
  for (let i = 0, d = 0; i < doc.text.length; i++) covered[i] = (d += depth[i]!) > 0 ? 1 : 0;
  const missing: number[] = [];
  for (const b of doc.blocks) {
    for (let i = b.start; i < b.end; i++) if (!covered[i] && /\S/.test(doc.text[i]!)) missing.push(i);
  }
  return missing;
}

/** xorshift32: deterministic randomness for property tests. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

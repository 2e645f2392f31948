// Bounds the work pdf.js can be asked to do: a PDF whose streams inflate to hundreds of MB (a "zip bomb", or a
// page of millions of drawing operators) would hold the worker and its memory for minutes. Before pdf.js sees
// the file, we inflate its Flate streams (images excepted: text extraction never decodes them) with a counter
// and stop at a budget. Linear in the file, and at most `budget` bytes of inflation.
import { Unzlib } from 'fflate';

/** Inflated bytes of non-image streams any PDF may hold (text, fonts, object streams)... */
export const MIN_PDF_INFLATE_BUDGET = 128 * 1024 * 1024;
/** ...and a big PDF this many times its own size (text streams compress ~3-10x; a bomb ~1000x). */
export const PDF_INFLATE_RATIO = 20;

/** Inflated bytes a PDF of `size` bytes may hold in its non-image streams. */
export function pdfInflateBudget(size: number): number {
  return Math.max(MIN_PDF_INFLATE_BUDGET, size * PDF_INFLATE_RATIO);
}
/** Compressed bytes fed to the inflater at a time, so the budget is checked often. */
const FEED = 16 * 1024;
/** How far before a `stream` keyword its dictionary is looked for. */
const DICT_WINDOW = 2048;

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const STREAM = ascii('stream');
const ENDSTREAM = ascii('endstream');

/** Index of `needle` in `hay` at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  for (let i = hay.indexOf(first, from); i !== -1 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

export interface InflateReport {
  /** Inflated bytes counted (stops growing once over the budget). */
  inflated: number;
  overBudget: boolean;
}

/** Inflates the Flate streams of a PDF, counting, until the total passes `budget`. */
export async function measureInflatedStreams(
  data: Uint8Array,
  budget = pdfInflateBudget(data.length),
): Promise<InflateReport> {
  let inflated = 0;
  for (let at = indexOfBytes(data, STREAM); at !== -1; at = indexOfBytes(data, STREAM, at + STREAM.length)) {
    if (data[at - 3] === 0x65 && data[at - 2] === 0x6e && data[at - 1] === 0x64) continue; // "endstream"
    let start = at + STREAM.length;
    if (data[start] === 0x0d) start++;
    if (data[start] !== 0x0a) continue; // not a stream keyword followed by an end of line
    start++;
    const dict = new TextDecoder('latin1').decode(data.subarray(Math.max(0, at - DICT_WINDOW), at));
    const head = dict.slice(dict.lastIndexOf('obj') + 1);
    if (!/\/FlateDecode|\/Fl\b/.test(head) || /\/Subtype\s*\/Image/.test(head)) continue;
    let end = indexOfBytes(data, ENDSTREAM, start);
    if (end === -1) end = data.length;
    let last = end;
    while (last > start && (data[last - 1] === 0x0a || data[last - 1] === 0x0d)) last--; // the EOL is not data
    inflated += await inflatedSize(data.subarray(start, last), budget - inflated);
    if (inflated > budget) return { inflated, overBudget: true };
    at = Math.max(at, end);
  }
  return { inflated, overBudget: false };
}

/** Bytes one zlib stream inflates to, counting up to just past `budget`; what was read of a damaged stream. */
async function inflatedSize(compressed: Uint8Array, budget: number): Promise<number> {
  // The platform's inflater is native and ~10x faster than fflate; fflate covers runtimes without it.
  if (typeof DecompressionStream === 'function') return nativeInflatedSize(compressed, budget);
  let size = 0;
  const inflater = new Unzlib((chunk) => {
    size += chunk.length;
  });
  try {
    for (let i = 0; i < compressed.length && size <= budget; i += FEED) {
      inflater.push(compressed.subarray(i, Math.min(compressed.length, i + FEED)), i + FEED >= compressed.length);
    }
  } catch {
    // A damaged stream: pdf.js will report it (or skip the page); it costs nothing more here.
  }
  return size;
}

async function nativeInflatedSize(compressed: Uint8Array, budget: number): Promise<number> {
  // Fed in small slices: Chromium stops with "junk after end of data" as soon as it sees trailing bytes in the
  // slice it is given, before emitting that slice's output; a whole stream in one slice would count nothing.
  let offset = 0;
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (offset >= compressed.length) return controller.close();
      controller.enqueue(compressed.slice(offset, offset + FEED) as Uint8Array<ArrayBuffer>);
      offset += FEED;
    },
  });
  const stream = source.pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > budget) break;
    }
  } catch {
    // A damaged or truncated stream (PDF writers often leave trailing bytes): count what came out.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return size;
}

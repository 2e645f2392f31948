// Bounds the work a ZIP-based document (DOCX, EPUB) can ask for: a few hundred KB of deflated zeros or XML can
// expand to gigabytes, and mammoth or the EPUB reader would hold all of it in memory. The central directory's
// declared sizes are checked first (cheap, and they name the entry), then every entry is inflated with a counter
// that stops at the budget, because a crafted header can declare 1 KB and inflate to 1 GB.
//
// The directory is read the way JSZip (under mammoth) and fflate read it: the last end-of-central-directory record,
// entries walked from the offset it gives, each entry's data after its local header. Anything those readers would
// interpret differently (prepended bytes, ZIP64, a directory that does not end where the record says) is refused,
// so the bytes counted here are the bytes they inflate.
import { Inflate } from 'fflate';
import { TroveError } from '../../core/errors.ts';

export interface ZipBudget {
  /** Entries in the central directory. */
  maxEntries: number;
  /** Inflated bytes of any one entry. */
  maxEntryBytes: number;
  /** Inflated bytes of all inflated entries together. */
  maxTotalBytes: number;
  /** Inflated size over compressed size, for entries larger than `ratioGraceBytes`. */
  maxRatio: number;
  /** Entries up to this size may have any ratio (a small run of whitespace compresses 1000:1). */
  ratioGraceBytes: number;
}

const MB = 1024 * 1024;

/**
 * Generous for documents: a 1,000-page DOCX is ~20 MB of XML; XML deflates 5-20:1, and a ratio of 100:1 is the
 * bound Apache POI has applied to Office files for years, while a bomb runs at ~1000:1.
 */
export const ZIP_BUDGET: ZipBudget = {
  maxEntries: 10_000,
  maxEntryBytes: 128 * MB,
  maxTotalBytes: 512 * MB,
  maxRatio: 100,
  ratioGraceBytes: 1 * MB,
};

/** The archive's structure cannot be read: the caller reports it as a damaged file of its format. */
export class ZipDamagedError extends Error {
  override name = 'ZipDamagedError';
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  declaredSize: number;
  /** Where the compressed bytes start (after the local header). */
  dataStart: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** Compressed bytes fed to the inflater at a time: deflate expands at most ~1032:1, so ~1 MB out per push. */
const FEED = 1024;

const u16 = (d: Uint8Array, at: number) => d[at]! | (d[at + 1]! << 8);
const u32 = (d: Uint8Array, at: number) => (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;

const mb = (bytes: number) => `${Math.round(bytes / MB)} MB`;
/** An entry name fit for a message: no control characters, not too long. */
const shown = (name: string) => {
  const clean = name.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}…` : clean;
};

function refuse(fileName: string, reason: string): TroveError {
  return new TroveError(
    'PARSE_FAILED',
    `“${fileName}” was not read: ${reason} (a compression bomb, or far more than a document holds).`,
  );
}

/** The entries of a ZIP archive as its central directory lists them; throws ZipDamagedError when unreadable. */
export function readCentralDirectory(data: Uint8Array, maxEntries: number, fileName = 'the file'): ZipEntry[] {
  let eocd = -1;
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (u32(data, at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd === -1) throw new ZipDamagedError('no end of central directory record (truncated?)');
  if (u16(data, eocd + 4) !== 0 || u16(data, eocd + 6) !== 0) throw new ZipDamagedError('a multi-part archive');
  const count = u16(data, eocd + 10);
  const size = u32(data, eocd + 12);
  const offset = u32(data, eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw new ZipDamagedError('a ZIP64 archive (a format for archives over 4 GB, which no document needs)');
  }
  if (offset + size !== eocd) throw new ZipDamagedError('the central directory is not where the archive says');
  if (count > maxEntries) throw refuse(fileName, `it holds ${count} files, more than ${maxEntries}`);

  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  let at = offset;
  // Walked while the signature repeats, as JSZip does, then checked against the declared count and size.
  while (at + 46 <= eocd && u32(data, at) === CENTRAL) {
    if (entries.length >= count) throw new ZipDamagedError('the central directory lists more entries than declared');
    const flags = u16(data, at + 8);
    const method = u16(data, at + 10);
    const compressedSize = u32(data, at + 20);
    const declaredSize = u32(data, at + 24);
    const nameLength = u16(data, at + 28);
    const next = at + 46 + nameLength + u16(data, at + 30) + u16(data, at + 32);
    const local = u32(data, at + 42);
    const name = decoder.decode(data.subarray(at + 46, at + 46 + nameLength));
    if (next > eocd) throw new ZipDamagedError('the central directory is cut short');
    if (compressedSize === 0xffffffff || declaredSize === 0xffffffff || local === 0xffffffff) {
      throw new ZipDamagedError('a ZIP64 archive (a format for archives over 4 GB, which no document needs)');
    }
    if (flags & 1) throw new ZipDamagedError(`${shown(name)} is encrypted`);
    if (method !== STORED && method !== DEFLATED) {
      throw new ZipDamagedError(`${shown(name)} uses compression method ${method} (only stored and deflate are read)`);
    }
    if (local + 30 > offset || u32(data, local) !== LOCAL) {
      throw new ZipDamagedError(`${shown(name)} has no local header where the directory says`);
    }
    const dataStart = local + 30 + u16(data, local + 26) + u16(data, local + 28);
    if (dataStart + compressedSize > offset) throw new ZipDamagedError(`${shown(name)} runs past the archive's data`);
    entries.push({ name, method, compressedSize, declaredSize, dataStart });
    at = next;
  }
  if (entries.length !== count || at !== eocd) {
    throw new ZipDamagedError('the central directory does not match its end record');
  }
  return entries;
}

export interface UnzipOptions {
  /** Entries to inflate (default: all, as mammoth's JSZip may inflate any of them). */
  filter?: (name: string) => boolean;
  /** Keep the inflated bytes (default true); false only counts them. */
  keep?: boolean;
  budget?: ZipBudget;
}

/**
 * Inflates the selected entries of a ZIP archive within `budget`, refusing the file with PARSE_FAILED (naming it and
 * the reason) before or while inflating. Structure problems throw ZipDamagedError; inflate errors too.
 */
export function unzipBounded(
  data: Uint8Array,
  fileName: string,
  { filter = () => true, keep = true, budget = ZIP_BUDGET }: UnzipOptions = {},
): Record<string, Uint8Array> {
  const entries = readCentralDirectory(data, budget.maxEntries, fileName).filter((e) => filter(e.name));
  const ratioLimit = (e: ZipEntry) => Math.max(budget.ratioGraceBytes, e.compressedSize * budget.maxRatio);

  // What the directory declares: refused here, nothing is inflated.
  let declaredTotal = 0;
  for (const e of entries) {
    const size = e.method === STORED ? e.compressedSize : e.declaredSize;
    if (size > budget.maxEntryBytes)
      throw refuse(fileName, `${shown(e.name)} expands past ${mb(budget.maxEntryBytes)}`);
    if (size > ratioLimit(e))
      throw refuse(fileName, `${shown(e.name)} has a compression ratio over ${budget.maxRatio}`);
    declaredTotal += size;
    if (declaredTotal > budget.maxTotalBytes) {
      throw refuse(fileName, `its contents expand past ${mb(budget.maxTotalBytes)}`);
    }
  }

  // What the data really inflates to: every bound enforced as the bytes come out.
  const files: Record<string, Uint8Array> = {};
  for (const e of entries) {
    const compressed = data.subarray(e.dataStart, e.dataStart + e.compressedSize);
    if (e.method === STORED) {
      if (keep) files[e.name] = compressed.slice();
      continue;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    let over: string | undefined;
    const inflater = new Inflate((chunk) => {
      size += chunk.length;
      if (size > e.declaredSize)
        over = `${shown(e.name)} inflates past the ${e.declaredSize} bytes its header declares`;
      else if (keep) chunks.push(chunk);
    });
    for (let i = 0; i < compressed.length && over === undefined; i += FEED) {
      const end = Math.min(compressed.length, i + FEED);
      inflater.push(compressed.subarray(i, end), end === compressed.length);
    }
    // The declared size passed every bound above, so stopping just past it keeps them all.
    if (over !== undefined) throw refuse(fileName, over);
    if (keep) files[e.name] = concat(chunks, size);
  }
  return files;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

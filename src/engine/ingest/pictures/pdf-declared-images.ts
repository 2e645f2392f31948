// How many pixels a PDF's image XObjects declare, read from the raw bytes before pdf.js is opened. pdf.js decodes
// every image a page paints while building that page's operator list, so the inner-picture scan cannot stop it
// half-way through a page: the only bound that holds is one checked before the file is opened. Stream dictionaries
// are never inside compressed object streams, so every image XObject's `/Image` name is in the clear.
//
// This is a byte scan, not a parser: it errs towards counting too much. Every name token `/Image` (escapes such as
// `/Im#61ge` decoded, as pdf.js decodes them) counts as one image, wherever it stands; its size is the largest
// `/Width` and `/Height` in a window around it, and a size it cannot read (missing, indirect `12 0 R`, not a
// number) counts as `perImageMax`. Each image counts at most `perImageMax`: pdf.js refuses a larger one unread.

/** Bytes either side of an `/Image` name searched for its `/Width` and `/Height` (image dictionaries are short). */
const WINDOW = 4096;

const SLASH = 0x2f;
const HASH = 0x23;

/** PDF whitespace (NUL, tab, LF, FF, CR, space) and delimiters ( ) < > [ ] { } / %: each ends a name. */
const NAME_END = new Uint8Array(256);
for (const c of '\0\t\n\f\r ()<>[]{}/%') NAME_END[c.charCodeAt(0)] = 1;

function endsName(c: number): boolean {
  return NAME_END[c] === 1;
}

function isWhite(c: number | undefined): boolean {
  return c === 0x00 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * The name starting after the `/` at `slash`, `#xx` escapes decoded, and where it ends. Names longer than the
 * ones looked for are not spelled out (only their end is found), so reading one costs its length.
 */
function readName(data: Uint8Array, slash: number, end: number): { name: string; next: number } {
  let name = '';
  let i = slash + 1;
  while (i < end && !endsName(data[i]!)) {
    let c = data[i]!;
    const hi = c === HASH ? hexValue(data[i + 1]) : -1;
    const lo = hi >= 0 ? hexValue(data[i + 2]) : -1;
    if (lo >= 0) {
      c = hi * 16 + lo;
      i += 3;
    } else {
      i++;
    }
    if (name.length <= 6) name += String.fromCharCode(c); // "Height" is the longest name looked for
  }
  return { name, next: i };
}

/** A direct non-negative integer at `at` (after whitespace); undefined for anything else, a reference included. */
function readInteger(data: Uint8Array, at: number, end: number): number | undefined {
  let i = at;
  while (i < end && isWhite(data[i])) i++;
  const start = i;
  let value = 0;
  while (i < end && data[i]! >= 0x30 && data[i]! <= 0x39 && i - start < 10) value = value * 10 + data[i++]! - 0x30;
  if (i === start) return undefined;
  if (i < end && !endsName(data[i]!)) return undefined; // 12.5, 1e9, 123abc: not a plain integer
  // `12 0 R` is a reference: its value is elsewhere in the file.
  let j = i;
  while (j < end && isWhite(data[j])) j++;
  const genStart = j;
  while (j < end && data[j]! >= 0x30 && data[j]! <= 0x39 && j - genStart < 10) j++;
  if (j > genStart) {
    while (j < end && isWhite(data[j])) j++;
    if (data[j] === 0x52 /* R */ && (j + 1 >= data.length || endsName(data[j + 1]!))) return undefined;
  }
  return value;
}

/** The pixels `/Width` × `/Height` in [from, to) declare, taking the largest of each; perImageMax if unreadable. */
function declaredSize(data: Uint8Array, from: number, to: number, perImageMax: number): number {
  let width = 0;
  let height = 0;
  let unreadable = false;
  for (let at = data.indexOf(SLASH, from); at !== -1 && at < to; at = data.indexOf(SLASH, at + 1)) {
    const { name, next } = readName(data, at, to);
    if (name !== 'Width' && name !== 'Height') continue;
    const value = readInteger(data, next, to);
    if (value === undefined) unreadable = true;
    else if (name === 'Width') width = Math.max(width, value);
    else height = Math.max(height, value);
    at = next - 1;
  }
  if (unreadable || width === 0 || height === 0) return perImageMax;
  return Math.min(width * height, perImageMax);
}

/**
 * Pixels the image XObjects in `data` declare, each at most `perImageMax` (see the file's comment for what counts).
 * One pass over the file, plus each image's window, which stops at the images either side of it: every byte lies in
 * at most two windows, so the cost is linear in the file's size whatever it holds.
 */
export function declaredImagePixels(data: Uint8Array, perImageMax: number): number {
  let total = 0;
  let previous = 0; // where the last image's window may start: just after the image before it
  let current = -1;
  const count = (image: number, nextImage: number) => {
    const from = Math.max(previous, image - WINDOW);
    const to = Math.min(nextImage, image + WINDOW, data.length);
    total += declaredSize(data, from, to, perImageMax);
    previous = image + 1;
  };
  for (let at = data.indexOf(SLASH); at !== -1;) {
    const { name, next } = readName(data, at, data.length);
    if (name === 'Image') {
      if (current !== -1) count(current, at);
      current = at;
    }
    at = data.indexOf(SLASH, Math.max(next, at + 1));
  }
  if (current !== -1) count(current, data.length);
  return total;
}

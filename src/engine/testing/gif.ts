// GIF files for tests: a real GIF89a (palette, LZW image data) built from pixels, with optional further frames, so
// tests need no binary fixture. The LZW stream resets its table before the code width would grow: every code is
// `minCodeSize + 1` bits wide, which every decoder reads and this encoder stays tiny.

export interface GifFrame {
  width: number;
  height: number;
  /** RGB per pixel (3 bytes each), row by row. */
  rgb: Uint8Array;
}

/** Encodes frames (all of the first frame's size) as a GIF; at most 256 distinct colours in all. */
export function encodeGif(frames: readonly GifFrame[]): Uint8Array {
  const first = frames[0];
  if (!first) throw new Error('encodeGif needs a frame');
  const palette = new Map<number, number>();
  for (const frame of frames) {
    for (let p = 0; p < frame.width * frame.height; p++) {
      const key = (frame.rgb[p * 3]! << 16) | (frame.rgb[p * 3 + 1]! << 8) | frame.rgb[p * 3 + 2]!;
      if (!palette.has(key)) palette.set(key, palette.size);
    }
  }
  if (palette.size > 256) throw new Error('encodeGif takes at most 256 colours');
  const bits = Math.max(2, Math.ceil(Math.log2(Math.max(2, palette.size))));
  const out: number[] = [];
  const u16 = (value: number) => out.push(value & 0xff, value >> 8);
  out.push(...Array.from('GIF89a', (c) => c.charCodeAt(0)));
  u16(first.width);
  u16(first.height);
  out.push(0x80 | 0x70 | (bits - 1), 0, 0); // global colour table of 2^bits entries
  const table = new Uint8Array(3 << bits);
  for (const [key, slot] of palette) table.set([key >> 16, (key >> 8) & 0xff, key & 0xff], slot * 3);
  out.push(...table);
  if (frames.length > 1) {
    // NETSCAPE2.0 loop extension: an animation, as the files people keep usually are.
    out.push(0x21, 0xff, 11, ...Array.from('NETSCAPE2.0', (c) => c.charCodeAt(0)), 3, 1, 0, 0, 0);
  }
  for (const frame of frames) {
    out.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // graphic control: 0.1 s per frame
    out.push(0x2c);
    u16(0);
    u16(0);
    u16(frame.width);
    u16(frame.height);
    out.push(0);
    const indices = Array.from({ length: frame.width * frame.height }, (_, p) => {
      const key = (frame.rgb[p * 3]! << 16) | (frame.rgb[p * 3 + 1]! << 8) | frame.rgb[p * 3 + 2]!;
      return palette.get(key)!;
    });
    out.push(bits);
    const data = lzwFixedWidth(indices, bits);
    for (let at = 0; at < data.length; at += 255) {
      const block = data.subarray(at, at + 255);
      out.push(block.length, ...block);
    }
    out.push(0);
  }
  out.push(0x3b);
  return Uint8Array.from(out);
}

/** One frame of a single colour. */
export function flatGif(width: number, height: number, rgb: readonly [number, number, number]): Uint8Array {
  const pixels = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) pixels.set(rgb, p * 3);
  return encodeGif([{ width, height, rgb: pixels }]);
}

/** Each index as a literal code, with a clear code before the decoder's table would need a wider code. */
function lzwFixedWidth(indices: readonly number[], minCodeSize: number): Uint8Array {
  const clear = 1 << minCodeSize;
  const end = clear + 1;
  const width = minCodeSize + 1;
  // After a clear the decoder adds one table entry per code after the first; it widens codes at 2^width entries.
  const perRun = (1 << width) - (clear + 2) - 1;
  const codes: number[] = [clear];
  let run = 0;
  for (const index of indices) {
    if (run === perRun) {
      codes.push(clear);
      run = 0;
    }
    codes.push(index);
    run++;
  }
  codes.push(end);
  const bytes: number[] = [];
  let buffer = 0;
  let count = 0;
  for (const code of codes) {
    buffer |= code << count;
    count += width;
    while (count >= 8) {
      bytes.push(buffer & 0xff);
      buffer >>= 8;
      count -= 8;
    }
  }
  if (count > 0) bytes.push(buffer & 0xff);
  return Uint8Array.from(bytes);
}

// The width and height an image's header declares, read before anything decodes it: a few hundred bytes can
// declare 60,000 × 60,000 pixels, which the OCR decoder would try to allocate (gigabytes) before failing.
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The most pixels handed to OCR: 100 million (an A0 page scanned at 200 dpi, or A4 at 1200 dpi). Decoded as RGBA
 * that is 400 MB, which a worker can still hold next to the recognizer.
 */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** The size a PNG, JPEG, WebP or GIF header declares, or undefined when the header is missing or truncated. */
export function imageDimensions(data: Uint8Array, type: 'png' | 'jpeg' | 'webp' | 'gif'): ImageSize | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (type === 'png') return pngSize(data, view);
  if (type === 'jpeg') return jpegSize(data, view);
  if (type === 'gif') return gifSize(data, view);
  return webpSize(data, view);
}

function sized(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function ascii(data: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...data.subarray(at, at + length));
}

// The signature, then the IHDR chunk first of all: length, "IHDR", width and height as big-endian u32.
function pngSize(data: Uint8Array, view: DataView): ImageSize | undefined {
  if (data.byteLength < 24 || ascii(data, 12, 4) !== 'IHDR') return undefined;
  return sized(view.getUint32(16), view.getUint32(20));
}

// Markers until the first start-of-frame (SOF0–SOF15 but DHT C4, JPG C8, DAC CC): height, then width, big-endian u16.
function jpegSize(data: Uint8Array, view: DataView): ImageSize | undefined {
  let at = 2;
  while (at + 4 <= data.byteLength) {
    if (data[at] !== 0xff) return undefined;
    const marker = data[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan data before any frame
    const length = view.getUint16(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > data.byteLength) return undefined;
      return sized(view.getUint16(at + 7), view.getUint16(at + 5));
    }
    if (length < 2) return undefined;
    at += 2 + length;
  }
  return undefined;
}

// RIFF header, then the first chunk: lossy VP8 (14-bit sizes after the key frame start code), lossless VP8L
// (14-bit sizes minus one, packed) or extended VP8X (24-bit canvas sizes minus one).
function webpSize(data: Uint8Array, view: DataView): ImageSize | undefined {
  if (data.byteLength < 30) return undefined;
  const chunk = ascii(data, 12, 4);
  if (chunk === 'VP8 ') return sized(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    const u24 = (at: number) => data[at] | (data[at + 1] << 8) | (data[at + 2] << 16);
    return sized(u24(24) + 1, u24(27) + 1);
  }
  return undefined;
}

// The logical screen (little-endian u16s after the signature), then the first frame's descriptor: a frame may
// reach past the screen, and decoders allocate for the frame, so the larger extent of the two is the size. Only
// the first frame counts: it is the one every reader here decodes. Where the blocks before it are cut short or
// unknown, decoders stop there too: the screen is the size.
function gifSize(data: Uint8Array, view: DataView): ImageSize | undefined {
  if (data.byteLength < 13) return undefined;
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  let at = 13 + (data[10] & 0x80 ? 3 << ((data[10] & 0x07) + 1) : 0);
  while (at + 2 < data.byteLength && data[at] === 0x21) {
    // An extension: its label, then sub-blocks (a length byte each) up to a zero length.
    at += 2;
    while (at < data.byteLength && data[at] !== 0) at += data[at] + 1;
    at += 1;
  }
  if (data[at] !== 0x2c || at + 9 > data.byteLength) return sized(width, height);
  return sized(
    Math.max(width, view.getUint16(at + 1, true) + view.getUint16(at + 5, true)),
    Math.max(height, view.getUint16(at + 3, true) + view.getUint16(at + 7, true)),
  );
}

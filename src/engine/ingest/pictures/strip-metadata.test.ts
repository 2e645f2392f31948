// Kept picture originals lose what cameras write about place and person, keep their pixels and their orientation.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tiffOrientation, withoutPictureMetadata } from './strip-metadata.ts';

const SECRET = 'GPS-51.5007N-Trove-secret-place';

const canvas = () => sharp({ create: { width: 40, height: 24, channels: 3, background: { r: 200, g: 30, b: 30 } } });

async function withMetadata(format: 'jpeg' | 'png' | 'webp', orientation = 6): Promise<Uint8Array> {
  const encoder = canvas();
  const image = (format === 'jpeg' ? encoder.jpeg() : format === 'png' ? encoder.png() : encoder.webp())
    .withMetadata({ orientation })
    .withExif({ IFD0: { ImageDescription: SECRET, Artist: 'Ada' }, IFD3: { GPSLatitudeRef: 'N' } });
  return new Uint8Array(await image.toBuffer());
}

function stripped(bytes: Uint8Array): { bytes: Uint8Array; removed: number } {
  const result = withoutPictureMetadata(bytes);
  if ('error' in result) throw new Error(result.error);
  return result;
}

const pixels = async (bytes: Uint8Array) => sharp(bytes).raw().toBuffer();

describe('withoutPictureMetadata', () => {
  for (const format of ['jpeg', 'png', 'webp'] as const) {
    it(`${format}: the EXIF text is gone, the pixels are the same and the orientation stays`, async () => {
      const source = await withMetadata(format);
      expect(Buffer.from(source).includes(SECRET)).toBe(true); // the source does carry it
      const out = stripped(source);
      expect(out.removed).toBeGreaterThan(0);
      expect(Buffer.from(out.bytes).includes(SECRET)).toBe(false);
      expect(Buffer.from(out.bytes).includes('Ada')).toBe(false);
      const meta = await sharp(out.bytes).metadata();
      expect(meta.orientation).toBe(6);
      expect(Buffer.compare(await pixels(out.bytes), await pixels(source))).toBe(0);
    });
  }

  it('an upright picture gets no EXIF block at all', async () => {
    const out = stripped(await withMetadata('jpeg', 1));
    expect(Buffer.from(out.bytes).includes('Exif')).toBe(false);
    expect((await sharp(out.bytes).metadata()).orientation ?? 1).toBe(1);
  });

  it('PNG text chunks are removed, and the chunks written keep valid checksums', async () => {
    const source = new Uint8Array(
      await canvas()
        .png()
        .withMetadata({ orientation: 3 })
        .withExif({ IFD0: { Copyright: SECRET } })
        .toBuffer(),
    );
    const withText = insertPngChunk(source, 'tEXt', `Comment\0${SECRET}`);
    const out = stripped(withText);
    expect(Buffer.from(out.bytes).includes(SECRET)).toBe(false);
    // libpng (through sharp) rejects a chunk whose CRC is wrong.
    expect((await sharp(out.bytes).metadata()).orientation).toBe(3);
    expect((await pixels(out.bytes)).length).toBe(40 * 24 * 3);
  });

  it('XMP in a JPEG (APP1 "http://ns.adobe.com/xap/1.0/") and comments are removed', async () => {
    const source = new Uint8Array(await canvas().jpeg().toBuffer());
    const xmp = jpegSegment(0xe1, `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>${SECRET}</x:xmpmeta>`);
    const comment = jpegSegment(0xfe, SECRET);
    const marked = new Uint8Array([...source.subarray(0, 2), ...xmp, ...comment, ...source.subarray(2)]);
    const out = stripped(marked);
    expect(out.removed).toBe(2);
    expect(Buffer.from(out.bytes).includes(SECRET)).toBe(false);
    expect(Buffer.compare(await pixels(out.bytes), await pixels(source))).toBe(0);
  });

  it('refuses what it cannot walk instead of passing it through: truncated, not a picture, GIF', async () => {
    const source = await withMetadata('jpeg');
    expect(withoutPictureMetadata(source.subarray(0, 30))).toHaveProperty('error');
    expect(withoutPictureMetadata(new TextEncoder().encode('hello'))).toHaveProperty('error');
    const png = await withMetadata('png');
    expect(withoutPictureMetadata(png.subarray(0, png.length - 20))).toHaveProperty('error');
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0, 0x3b]);
    expect(withoutPictureMetadata(gif)).toHaveProperty('error');
  });

  it('reads the orientation of little- and big-endian TIFF blocks, and ignores nonsense', () => {
    const tiff = (little: boolean, value: number) => {
      const view = new DataView(new ArrayBuffer(26));
      view.setUint16(0, little ? 0x4949 : 0x4d4d);
      view.setUint16(2, 42, little);
      view.setUint32(4, 8, little);
      view.setUint16(8, 1, little);
      view.setUint16(10, 0x0112, little);
      view.setUint16(12, 3, little);
      view.setUint32(14, 1, little);
      view.setUint16(18, value, little);
      return new Uint8Array(view.buffer);
    };
    expect(tiffOrientation(tiff(true, 8))).toBe(8);
    expect(tiffOrientation(tiff(false, 5))).toBe(5);
    expect(tiffOrientation(tiff(false, 99))).toBe(1);
    expect(tiffOrientation(new Uint8Array([0x4d, 0x4d, 0, 42, 0xff, 0xff, 0xff, 0xff]))).toBe(1);
  });
});

function jpegSegment(marker: number, text: string): Uint8Array {
  const payload = new TextEncoder().encode(text);
  const length = payload.length + 2;
  return new Uint8Array([0xff, marker, length >> 8, length & 0xff, ...payload]);
}

/** Inserts a chunk (with its CRC, computed by zlib's crc32 through a known-good PNG writer) after IHDR. */
function insertPngChunk(png: Uint8Array, type: string, text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode(type), 4);
  chunk.set(data, 8);
  let crc = 0xffffffff;
  for (const byte of chunk.subarray(4, 8 + data.length)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  view.setUint32(8 + data.length, (crc ^ 0xffffffff) >>> 0);
  const afterHeader = 8 + 25; // signature + IHDR (13 bytes of data)
  return new Uint8Array([...png.subarray(0, afterHeader), ...chunk, ...png.subarray(afterHeader)]);
}

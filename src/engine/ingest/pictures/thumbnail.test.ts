// Thumbnails are re-encoded from pixels: small, and without anything of the original file's metadata.
import { describe, expect, it } from 'vitest';
import { colourPng } from '../../../../scripts/make-clip-fixture.mjs';
import { decodePicture } from './decode-picture.ts';
import { makeThumbnail, thumbnailSize } from './thumbnail.ts';

const MARKER = 'GPSLatitude 51.5007N Trove-secret-place';

describe('makeThumbnail', () => {
  it('drops EXIF/GPS metadata: the thumbnail bytes never hold the original eXIf chunk', async () => {
    const png = colourPng({
      width: 600,
      height: 400,
      rgb: [200, 40, 40],
      extraChunks: [['eXIf', new TextEncoder().encode(`MM\0*${MARKER}`)]],
    });
    expect(Buffer.from(png).includes(MARKER)).toBe(true); // the source does carry it
    const thumb = await makeThumbnail(await decodePicture(png, 'gps.png'));
    expect(thumb.type).toBe('image/webp');
    expect(Buffer.from(thumb.bytes).subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(Buffer.from(thumb.bytes).includes(MARKER)).toBe(false);
    expect(Buffer.from(thumb.bytes).includes('EXIF')).toBe(false);
    expect([thumb.width, thumb.height]).toEqual([256, 171]);
  });

  it('never scales a small picture up', () => {
    expect(thumbnailSize(40, 30)).toEqual({ width: 40, height: 30 });
    expect(thumbnailSize(300, 1200)).toEqual({ width: 64, height: 256 });
  });
});

describe('decodePicture', () => {
  it('refuses bytes that are not a picture, and a header declaring too many pixels, before decoding', async () => {
    await expect(decodePicture(new TextEncoder().encode('hello'), 'x.png')).rejects.toMatchObject({
      code: 'PARSE_FAILED',
    });
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0xff, 0xff, 0xff, 0xff, 0, 0, 0]);
    await expect(decodePicture(gif, 'huge.gif')).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });
});

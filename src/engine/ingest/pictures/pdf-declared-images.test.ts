import { describe, expect, it } from 'vitest';
import { declaredImagePixels } from './pdf-declared-images.ts';

const MAX = 4096 * 4096;
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const declared = (s: string) => declaredImagePixels(bytes(s), MAX);

describe('declaredImagePixels', () => {
  it('sums Width × Height of each image dictionary, however its names are spaced', () => {
    expect(declared('1 0 obj << /Type /XObject /Subtype /Image /Width 100 /Height 50 >> stream')).toBe(5000);
    expect(declared('<</Subtype/Image/Width 10/Height 20/Length 3>>stream\nabc\nendstream endobj')).toBe(200);
    expect(declared('<< /Height 7 /Width 3 /Subtype\r\n/Image >>')).toBe(21); // size before the subtype
    expect(
      declared(
        '1 0 obj <</Subtype/Image/Width 10/Height 10>>stream\nxx\nendstream endobj\n' +
          '2 0 obj <</Subtype/Image/Width 20/Height 20>>stream\nyy\nendstream endobj',
      ),
    ).toBe(100 + 400);
  });

  it('ignores what is not an image XObject', () => {
    expect(declared('<< /ProcSet [/PDF /ImageB /ImageC] /Width 9999 /Height 9999 >>')).toBe(0);
    expect(declared('<< /Type /Font /Subtype /Type1 >> /Images /ImageI')).toBe(0);
    expect(declared('')).toBe(0);
  });

  it('counts an unreadable size as the per-image maximum', () => {
    expect(declared('<< /Subtype /Image /Width 12 0 R /Height 100 >>')).toBe(MAX); // indirect
    expect(declared('<< /Subtype /Image /Width 100 /Height 7 0 R >>')).toBe(MAX);
    expect(declared('<< /Subtype /Image /Height 100 >>')).toBe(MAX); // missing
    expect(declared('<< /Subtype /Image /Width 1e9 /Height 1 >>')).toBe(MAX); // not an integer
    expect(declared('<< /Subtype /Image /Width 99999999999 /Height 1 >>')).toBe(MAX); // too many digits
    expect(declared('<< /Subtype /Image /Width 10 /Height 10')).toBe(100); // cut off, but the size is there
  });

  it('counts each image at most the per-image maximum', () => {
    expect(declared('<< /Subtype /Image /Width 10000 /Height 10000 >>')).toBe(MAX);
    expect(declaredImagePixels(bytes('<< /Subtype /Image /Width 100 /Height 100 >>'), 500)).toBe(500);
  });

  it('reads escaped names as pdf.js does', () => {
    expect(declared('<< /Subtype /Im#61ge /W#69dth 30 /H#65ight 10 >>')).toBe(300);
    expect(declared('<< /Subtype /Im#61ge /Height 10 >>')).toBe(MAX);
  });

  it('takes the largest size near an image, so a decoy cannot shrink it', () => {
    expect(declared('<< /Width 5000 /Foo (/Width 1 /Height 1) /Subtype /Image /Height 3000 >>')).toBe(15_000_000);
  });

  it('reads 20 MB of junk, and 20 MB of image names, in one pass', () => {
    const junk = new Uint8Array(20 * 1024 * 1024);
    let seed = 12345;
    for (let i = 0; i < junk.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      junk[i] = seed >>> 24;
    }
    expect(declaredImagePixels(junk, MAX)).toBeGreaterThanOrEqual(0);
    const names = new Uint8Array(20 * 1024 * 1024);
    const unit = bytes('/Image /Width ');
    for (let i = 0; i + unit.length <= names.length; i += unit.length) names.set(unit, i);
    const images = Math.floor(names.length / unit.length);
    expect(declaredImagePixels(names, MAX)).toBe(images * MAX); // every size unreadable
  });
});

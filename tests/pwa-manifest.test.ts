// The web app manifest: the fields installers need, URLs relative (so a build under any base path works), and
// icon/screenshot files that exist with the declared size (read from the PNG header, not trusted from the name).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const PUBLIC = path.resolve(import.meta.dirname, '../public');

interface ImageResource {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
  form_factor?: string;
  label?: string;
}

const manifest = JSON.parse(readFileSync(path.join(PUBLIC, 'manifest.webmanifest'), 'utf8')) as Record<
  string,
  unknown
> & {
  icons: ImageResource[];
  screenshots: ImageResource[];
};

/** Width and height from a PNG's IHDR chunk; throws if the file is not a PNG. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error('not a PNG');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('public/manifest.webmanifest', () => {
  it('has id, start_url and scope relative to itself, names, description and colours', () => {
    expect(manifest).toMatchObject({
      id: './',
      start_url: './',
      scope: './',
      display: 'standalone',
      short_name: 'Trove',
    });
    expect(String(manifest.name)).toMatch(/Trove/);
    expect(String(manifest.description).length).toBeGreaterThan(20);
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('never points at the host root: every URL is relative, so it follows the base path', () => {
    for (const image of [...manifest.icons, ...manifest.screenshots]) expect(image.src).not.toMatch(/^\/|^https?:/);
  });

  it('has PNG icons 192 and 512, each as "any" and "maskable"', () => {
    const pngs = manifest.icons.filter((icon) => icon.type === 'image/png');
    for (const purpose of ['any', 'maskable']) {
      expect(
        pngs
          .filter((icon) => (icon.purpose ?? 'any') === purpose)
          .map((icon) => icon.sizes)
          .sort(),
      ).toEqual(['192x192', '512x512']);
    }
  });

  it('has a wide and a narrow screenshot', () => {
    expect(manifest.screenshots.map((s) => s.form_factor).sort()).toEqual(['narrow', 'wide']);
    for (const shot of manifest.screenshots) expect(shot.label, shot.src).toBeTruthy();
  });

  it('declares each PNG at the size the file really has', () => {
    for (const image of [...manifest.icons, ...manifest.screenshots].filter((i) => i.type === 'image/png')) {
      const bytes = readFileSync(path.join(PUBLIC, image.src));
      const { width, height } = pngSize(bytes);
      expect(`${width}x${height}`, image.src).toBe(image.sizes);
      expect(bytes.length, `${image.src} stays small`).toBeLessThan(200_000);
    }
  });

  it('pngSize rejects a file that is not a PNG', () => {
    expect(() => pngSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toThrow(/not a PNG/);
  });
});

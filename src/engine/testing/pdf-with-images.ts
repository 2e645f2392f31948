// PDFs with pictures for tests and benchmarks, written by hand (objects, xref): each picture an image XObject of
// uncompressed RGB (or Flate-compressed, for large ones), which pages paint by name; one XObject may be painted on
// many pages, as a letterhead's logo is. Optional Helvetica text per page.
import { zlibSync } from 'fflate';

export interface PdfPicture {
  width: number;
  height: number;
  /** RGB bytes, row by row; or one colour for the whole picture. */
  rgb: Uint8Array | readonly [number, number, number];
}

export interface PdfWithImagesPage {
  /** Names of `pictures` painted on this page, in order. */
  paints: readonly string[];
  /** Lines of text (Latin-1). */
  text?: readonly string[];
}

export function solidRgb(width: number, height: number, [r, g, b]: readonly [number, number, number]): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < out.length; i += 3) {
    out[i] = r;
    out[i + 1] = g;
    out[i + 2] = b;
  }
  return out;
}

export function makePdfWithImages(
  pictures: Readonly<Record<string, PdfPicture>>,
  pages: readonly PdfWithImagesPage[],
  options: { compress?: boolean } = {},
): Uint8Array {
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
  const objects: Uint8Array[][] = []; // bodies, numbered from 1
  const add = (...parts: Uint8Array[]) => objects.push(parts);
  add(); // catalog, filled below
  add(); // page tree
  add(latin1('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'));
  const fontId = 3;
  const xobjectIds = new Map<string, number>();
  for (const [name, picture] of Object.entries(pictures)) {
    const raw = picture.rgb instanceof Uint8Array ? picture.rgb : solidRgb(picture.width, picture.height, picture.rgb);
    const data = options.compress ? zlibSync(raw) : raw;
    const filter = options.compress ? ' /Filter /FlateDecode' : '';
    xobjectIds.set(
      name,
      add(
        latin1(
          `<< /Type /XObject /Subtype /Image /Width ${picture.width} /Height ${picture.height} /ColorSpace /DeviceRGB /BitsPerComponent 8${filter} /Length ${data.length} >>\nstream\n`,
        ),
        data,
        latin1('\nendstream'),
      ),
    );
  }
  const kids: number[] = [];
  for (const page of pages) {
    const ops: string[] = [];
    page.paints.forEach((name, i) => {
      const picture = pictures[name];
      if (!picture) throw new Error(`no picture named ${name}`);
      ops.push(`q ${picture.width} 0 0 ${picture.height} 36 ${36 + i * 10} cm /${name} Do Q`);
    });
    if (page.text?.length) {
      ops.push('BT', '/F1 12 Tf', '14 TL', '72 740 Td');
      for (const line of page.text) ops.push(`(${line.replace(/[\\()]/g, (c) => `\\${c}`)}) Tj`, 'T*');
      ops.push('ET');
    }
    const stream = ops.join('\n');
    const contents = add(latin1(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`));
    const names = [...new Set(page.paints)].map((name) => `/${name} ${xobjectIds.get(name)} 0 R`).join(' ');
    kids.push(
      add(
        latin1(
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${fontId} 0 R >> /XObject << ${names} >> >> /Contents ${contents} 0 R >>`,
        ),
      ),
    );
  }
  objects[0] = [latin1('<< /Type /Catalog /Pages 2 0 R >>')];
  objects[1] = [latin1(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`)];

  const chunks: Uint8Array[] = [latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  const push = (bytes: Uint8Array) => {
    chunks.push(bytes);
    offset += bytes.length;
  };
  objects.forEach((parts, i) => {
    offsets.push(offset);
    push(latin1(`${i + 1} 0 obj\n`));
    parts.forEach(push);
    push(latin1('\nendobj\n'));
  });
  const xref = offset;
  push(
    latin1(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
        `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
    ),
  );
  const out = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

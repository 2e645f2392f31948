// "Open original": a kept file's bytes leave the app as a download under its own name, or, for the few types a
// browser shows without running anything (PDF, raster images), in a new tab. Never HTML, SVG or XML in a tab: a
// blob: URL has this site's origin, so a script in the file would run with access to the library.

/** Types that may open in a tab, with the type the blob is given (ours, not the file's). */
const VIEWABLE: ReadonlyArray<[RegExp, string]> = [
  [/^application\/pdf$/i, 'application/pdf'],
  [/^image\/png$/i, 'image/png'],
  [/^image\/jpe?g$/i, 'image/jpeg'],
  [/^image\/gif$/i, 'image/gif'],
  [/^image\/webp$/i, 'image/webp'],
  [/^image\/avif$/i, 'image/avif'],
  [/^image\/bmp$/i, 'image/bmp'],
];

const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  bmp: 'image/bmp',
};

/**
 * The type to open a kept file with in a new tab, or undefined when it must only be downloaded. Both the stored
 * type and the name's extension must say PDF or raster image (an "image/png" named page.html downloads).
 */
export function viewableType(type: string, name: string): string | undefined {
  const fromType = VIEWABLE.find(([pattern]) => pattern.test(type.trim()))?.[1];
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  const fromName = extension ? BY_EXTENSION[extension] : undefined;
  if (fromType && fromName && fromType === fromName) return fromType;
  if (!type.trim() && fromName) return fromName;
  return undefined;
}

/** Saves bytes under a name: a[download] on a blob typed as opaque bytes, so nothing renders it here. */
export function downloadBytes(bytes: ArrayBuffer, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens a PDF or image in a new tab (only types viewableType allows); false when it is not allowed. */
export function openBytesInTab(bytes: ArrayBuffer, type: string, name: string): boolean {
  const safe = viewableType(type, name);
  if (!safe) return false;
  const url = URL.createObjectURL(new Blob([bytes], { type: safe }));
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return true;
}

// Same-origin URLs of tesseract.js's files for the OCR recognizer in the engine worker. The files are put there by
// scripts/vite-plugin-ocr-assets.mjs (dist/tesseract/ in a build, answered from node_modules by the dev server);
// the service worker precaches them (the .gz needs 'gz' in workbox globPatterns) so OCR works offline.
import type { TesseractAssets } from '../engine/ingest/ocr/tesseract.ts';

export const OCR_ASSET_FILES = {
  worker: 'worker.min.js',
  core: 'tesseract-core-simd-lstm.wasm.js',
  english: 'eng.traineddata.gz',
} as const;

/**
 * Asset URLs under `${base}tesseract/`. base: Vite's BASE_URL (the app may live in a sub-folder); origin: the
 * worker's own. Only SIMD builds are served: every browser with module workers and WebAssembly SIMD (all current
 * ones) runs them.
 */
export function ocrAssetUrls(
  base: string = import.meta.env.BASE_URL,
  origin: string = self.location.origin,
): TesseractAssets {
  const dir = new URL(`${base.endsWith('/') ? base : `${base}/`}tesseract/`, origin).href;
  return {
    workerPath: dir + OCR_ASSET_FILES.worker,
    corePath: dir + OCR_ASSET_FILES.core,
    langPath: dir.slice(0, -1), // tesseract appends "/eng.traineddata.gz"
    languages: ['eng'],
  };
}

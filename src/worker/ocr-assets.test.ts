// The Vite plugin that serves tesseract's files and the worker code that points at them must agree on names.
import { existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OCR_ASSET_DIR, ocrAssetSources } from '../../scripts/vite-plugin-ocr-assets.mjs';
import { OCR_ASSET_FILES, ocrAssetUrls } from './ocr-assets.ts';

describe('OCR assets', () => {
  it('serves exactly the files the worker asks for, all present in node_modules', () => {
    const sources = ocrAssetSources();
    expect(Object.keys(sources).sort()).toEqual(Object.values(OCR_ASSET_FILES).sort());
    for (const path of Object.values(sources))
      expect(existsSync(path) && statSync(path).size > 50_000, path).toBe(true);
  });

  it('builds same-origin URLs under the app base, with langPath as the folder tesseract appends to', () => {
    expect(OCR_ASSET_DIR).toBe('tesseract/');
    expect(ocrAssetUrls('/trove/', 'https://example.org')).toEqual({
      workerPath: 'https://example.org/trove/tesseract/worker.min.js',
      corePath: 'https://example.org/trove/tesseract/tesseract-core-simd-lstm.wasm.js',
      langPath: 'https://example.org/trove/tesseract',
      languages: ['eng'],
    });
    expect(ocrAssetUrls('/', 'http://localhost:4410').langPath).toBe('http://localhost:4410/tesseract');
  });
});

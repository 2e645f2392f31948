// Serves tesseract.js's runtime files from the app's own origin under a fixed folder (`tesseract/`): its worker
// script, one core build (SIMD + LSTM only, wasm inlined in the .js) and the English LSTM traineddata. Fixed names,
// not hashed ones, because tesseract.js builds the traineddata URL itself as `${langPath}/eng.traineddata.gz`.
// Build: emitted into dist/tesseract/. Dev server: answered from node_modules. Nothing comes from a CDN.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const OCR_ASSET_DIR = 'tesseract/';

/** File name under OCR_ASSET_DIR → path of the package file it is copied from. */
export function ocrAssetSources() {
  const require = createRequire(import.meta.url);
  const core = dirname(require.resolve('tesseract.js-core/package.json'));
  const eng = dirname(require.resolve('@tesseract.js-data/eng/package.json'));
  return {
    'worker.min.js': join(dirname(require.resolve('tesseract.js/package.json')), 'dist', 'worker.min.js'),
    'tesseract-core-simd-lstm.wasm.js': join(core, 'tesseract-core-simd-lstm.wasm.js'),
    'eng.traineddata.gz': join(eng, '4.0.0_best_int', 'eng.traineddata.gz'),
  };
}

const TYPES = { '.js': 'text/javascript', '.gz': 'application/octet-stream' };

/** @returns {import('vite').Plugin} */
export function ocrAssets() {
  const sources = ocrAssetSources();
  return {
    name: 'trove-ocr-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const base = server.config.base || '/';
        const path = (req.url ?? '').split('?')[0];
        const name = path.startsWith(base + OCR_ASSET_DIR) ? path.slice((base + OCR_ASSET_DIR).length) : undefined;
        const source = name !== undefined ? sources[name] : undefined;
        if (!source) return next();
        res.setHeader('Content-Type', TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream');
        // No Content-Encoding: the .gz is gunzipped by tesseract itself, not by the browser.
        res.end(readFileSync(source));
      });
    },
    generateBundle() {
      for (const [name, source] of Object.entries(sources)) {
        this.emitFile({ type: 'asset', fileName: OCR_ASSET_DIR + name, source: readFileSync(source) });
      }
    },
  };
}

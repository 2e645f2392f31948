// Where tesseract.js's files sit in node_modules, for Node (tests, benchmarks). Never imported by browser code.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TesseractAssets } from './tesseract.ts';

export function nodeTesseractAssets(): TesseractAssets {
  const require = createRequire(import.meta.url);
  // 4.0.0_best_int: the integer "best" LSTM model (2.9 MB gzipped), what tesseract.js uses by default for LSTM.
  const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  return { langPath, languages: ['eng'] };
}

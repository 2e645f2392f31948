import type { Plugin } from 'vite';
export const OCR_ASSET_DIR: string;
export function ocrAssetSources(): Record<string, string>;
export function ocrAssets(): Plugin;

// Small formatting helpers for what the UI shows; plain functions so they are easy to test.
import type { ModelStatus } from '../../engine/api/index.ts';
import type { DocumentFormat, SearchMode } from '../../engine/api/index.ts';

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export function formatDate(timestamp: number): string {
  return dateFormat.format(new Date(timestamp));
}

const formatNames: Record<DocumentFormat, string> = {
  pdf: 'PDF',
  markdown: 'Markdown',
  html: 'HTML',
  text: 'Text',
  docx: 'Word',
  csv: 'CSV',
  json: 'JSON',
  epub: 'EPUB',
  code: 'Code',
  image: 'Image',
};
export function formatName(format: DocumentFormat): string {
  return formatNames[format] ?? format;
}

export const modeNames: Record<SearchMode, string> = {
  hybrid: 'Hybrid',
  semantic: 'Semantic',
  keyword: 'Keyword',
};

export function deviceName(device: ModelStatus['device']): string | undefined {
  if (device === 'webgpu') return 'WebGPU';
  if (device === 'wasm') return 'WASM';
  if (device === 'cpu') return 'CPU';
  return undefined;
}

export function sourceName(source: ModelStatus['source']): string {
  return source === 'hub' ? 'Hugging Face hub' : 'self-hosted';
}

/** For "Loading X from …". */
export function sourcePhrase(source: ModelStatus['source']): string {
  return source === 'hub' ? 'the Hugging Face hub' : 'this site';
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

export function formatMs(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Scores have very different scales (RRF ~0.03, BM25 ~10, cosine ~0.8): keep ~3 significant digits. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '—';
  const abs = Math.abs(score);
  if (abs === 0) return '0';
  if (abs >= 100) return score.toFixed(1);
  if (abs >= 1) return score.toFixed(2);
  if (abs >= 0.01) return score.toFixed(3);
  return score.toPrecision(2);
}

/** "p. 3" for PDFs, "Intro › Setup" for headings, nothing when neither is known. */
export function formatLocation(page: number | undefined, headingPath: readonly string[]): string {
  const parts: string[] = [];
  if (page !== undefined) parts.push(`p. ${page}`);
  if (headingPath.length > 0) parts.push(headingPath.join(' › '));
  return parts.join(' · ');
}

/** Drops a trailing full stop so the reason fits inside a sentence. */
export function asClause(reason: string): string {
  return reason.trim().replace(/[.。]+$/, '');
}

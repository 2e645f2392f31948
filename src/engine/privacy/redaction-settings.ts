// The redaction settings (redactPii, redactTypes, redactCustom): validation, and the Redactor they describe.
// Custom patterns are compiled here when the settings change, so a bad pattern is refused when it is typed
// (with the detector's message naming the pattern), not at the next ingest.
import type { FileInput } from '../api/ingest.ts';
import type { RedactionSummary } from '../api/redaction.ts';
import type { EngineSettings } from '../api/settings.ts';
import { TroveError } from '../core/errors.ts';
import type { ParsedDocument } from '../core/types.ts';
import { emptyCounts, Redactor, type RedactionReport } from './redact.ts';
import type { PiiType } from '../api/redaction.ts';

type RedactionSettings = Pick<EngineSettings, 'redactPii' | 'redactTypes' | 'redactCustom'>;

export function validateRedactionSettings(s: RedactionSettings): void {
  if (typeof s.redactPii !== 'boolean') throw new TroveError('INVALID_ARGUMENT', 'redactPii must be true or false.');
  if (!Array.isArray(s.redactTypes))
    throw new TroveError('INVALID_ARGUMENT', 'redactTypes must be a list of PII types.');
  if (!Array.isArray(s.redactCustom))
    throw new TroveError('INVALID_ARGUMENT', 'redactCustom must be a list of patterns.');
  for (const spec of s.redactCustom) {
    if (!spec || typeof spec.label !== 'string' || !spec.label.trim() || typeof spec.pattern !== 'string') {
      throw new TroveError('INVALID_ARGUMENT', 'Each custom pattern needs a label and a pattern.');
    }
  }
  new Redactor({ types: s.redactTypes, custom: s.redactCustom }); // throws, naming the bad type or pattern
}

/** The redactor for one file: the per-file choice wins over the setting. Undefined when redaction is off. */
export function redactorFor(settings: RedactionSettings, file: Pick<FileInput, 'redact'>): Redactor | undefined {
  const on = file.redact ?? settings.redactPii;
  return on ? new Redactor({ types: settings.redactTypes, custom: settings.redactCustom }) : undefined;
}

/**
 * Redacts a parsed document, its file name and its folder path. The result's text is what gets stored and indexed;
 * the summary keeps counts and placeholder positions only.
 */
export function redactForIndex(
  redactor: Redactor,
  parsed: ParsedDocument,
  name: string,
  folder?: string,
): { parsed: ParsedDocument; name: string; folder?: string; summary: RedactionSummary } {
  const { document, report } = redactor.redactDocument(parsed);
  const redactedName = redactor.redactText(name);
  const inFolder = emptyCounts();
  // Segment by segment, so a placeholder never swallows a separator and the folder keeps its shape.
  const redactedFolder = folder
    ?.split('/')
    .map((segment) => redactor.redactBeside(segment, inFolder))
    .join('/');
  return {
    parsed: document,
    name: redactedName.text,
    ...(redactedFolder === undefined ? {} : { folder: redactedFolder }),
    summary: summarize(report, redactedName.items, inFolder),
  };
}

function summarize(
  report: RedactionReport,
  inFileName: readonly { type: PiiType }[],
  inFolder: Record<PiiType, number>,
): RedactionSummary {
  const counts = { ...report.counts };
  // File-name and folder redactions count too (by type), so the row's total matches what was masked.
  for (const item of inFileName) counts[item.type]++;
  let folderCount = 0;
  for (const type of Object.keys(inFolder) as PiiType[]) {
    counts[type] += inFolder[type];
    folderCount += inFolder[type];
  }
  return {
    total: report.total + inFileName.length + folderCount,
    counts,
    positions: report.items.map((item) => [item.start, item.end]),
    inName: report.titleCount + inFileName.length + folderCount,
  };
}

// The library's health report: red flags found, or explained as impossible by construction, with one-click fixes.

export type HealthCheckId =
  | 'mixed-fingerprints'
  | 'unnormalised-vectors'
  | 'missing-source'
  | 'over-token-budget'
  | 'duplicate-passages'
  | 'no-evaluation';

export interface HealthCheck {
  id: HealthCheckId;
  /** ok: checked and fine; warning: found; impossible: cannot happen, `detail` says why. */
  status: 'ok' | 'warning' | 'impossible' | 'unknown';
  title: string;
  detail: string;
  /** Items found (passages, documents), when counted. */
  count?: number;
  /** Documents concerned (for the UI to link), at most a few dozen. */
  documentIds?: number[];
  /** A fix the engine can apply: pass it to fixHealth(). */
  fix?: { id: 'delete-duplicate-documents'; label: string };
}

export interface HealthReport {
  checkedAt: number;
  passages: number;
  checks: HealthCheck[];
}

export interface HealthApi {
  /** The library's red flags (mixed models, unnormalised vectors, over-long or duplicate passages…). */
  health(): Promise<HealthReport>;
  /** A fix offered by a health check; returns the ids of the documents it deleted. */
  fixHealth(fix: 'delete-duplicate-documents'): Promise<number[]>;
}

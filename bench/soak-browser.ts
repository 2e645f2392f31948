export interface BrowserFigures { buildMs: number; chunks: number; indexKind?: string; same: number; sinceNavigationKeywordMs: number; sinceNavigationHybridMs: number; reopen: import('./data/soak-steps.ts').ReopenTimes }
export async function runBrowser(_o: unknown): Promise<BrowserFigures> { throw new Error('not yet'); }

// Turns fused hits into what the user sees: passage text, source, highlights and the scores behind the rank.
import type { SearchResult } from '../api/search.ts';
import { analyzeWithOffsets } from '../lexical/analyzer.ts';
import type { ChunkRecord, DocumentRecord } from '../store/store.ts';
import type { FusedHit } from './fusion.ts';
import { highlightRanges } from './highlight.ts';

/**
 * One result per hit, in order; hits whose chunk or document is gone (deleted meanwhile) are skipped.
 * `sources` of each hit are [keyword, vector], as the search fused them.
 */
export function buildResults(
  hits: readonly FusedHit[],
  chunks: ReadonlyMap<number, ChunkRecord>,
  docs: ReadonlyMap<number, DocumentRecord>,
  queryTerms: readonly string[],
): SearchResult[] {
  const results: SearchResult[] = [];
  for (const hit of hits) {
    const chunk = chunks.get(hit.id);
    const doc = chunk && docs.get(chunk.docId);
    if (!chunk || !doc) continue;
    const [bm25, vector] = hit.sources;
    results.push({
      chunkId: chunk.id,
      documentId: doc.id,
      documentName: doc.name,
      format: doc.format,
      text: chunk.text,
      start: chunk.start,
      end: chunk.end,
      page: chunk.page,
      headingPath: chunk.headingPath,
      ...(chunk.row !== undefined ? { row: chunk.row } : {}),
      ...(chunk.fields ? { fields: chunk.fields } : {}),
      // Highlights come from the analysis the passage was indexed with (its language; identifiers split in code).
      highlights: highlightRanges(
        queryTerms,
        doc.language || doc.format === 'code'
          ? analyzeWithOffsets(chunk.text, { language: doc.language, splitIdentifiers: doc.format === 'code' })
          : analyzeWithOffsets(chunk.text),
      ),
      scores: {
        score: hit.score,
        bm25: bm25?.score,
        bm25Rank: bm25?.rank,
        cosine: vector?.score,
        vectorRank: vector?.rank,
      },
    });
  }
  return results;
}

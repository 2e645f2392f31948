// Export to Qdrant: the collection config (size, Cosine) and points as JSON Lines, one point per passage, typed
// against the official client's schema so `npm run typecheck` catches a shape Qdrant would refuse.
// Loading steps: docs/qdrant-pgvector.md.
import type { Schemas } from '@qdrant/js-client-rest';
import { TroveError } from '../core/errors.ts';
import { float32Decimal, vectorText } from './float-text.ts';
import type { ExportPassage } from './passages.ts';

export type QdrantPayload = {
  text: string;
  document_id: number;
  document: string;
  title: string | null;
  page: number | null;
  heading_path: string[];
  tags: string[];
  start: number;
  end: number;
};

/** A point as the REST API takes it (PUT /collections/{name}/points), with our payload. */
export type QdrantPoint = Schemas['PointStruct'] & { id: number; vector: number[]; payload: QdrantPayload };

/** Body of PUT /collections/{name}. Trove's vectors are L2-normalised, so Cosine ranks as Trove does. */
export function qdrantCollectionConfig(dims: number): Schemas['CreateCollection'] {
  return { vectors: { size: dims, distance: 'Cosine' } };
}

export function qdrantPayload(passage: ExportPassage): QdrantPayload {
  return {
    text: passage.text,
    document_id: passage.documentId,
    document: passage.documentName,
    title: passage.title ?? null,
    page: passage.page ?? null,
    heading_path: passage.headingPath,
    tags: passage.tags,
    start: passage.start,
    end: passage.end,
  };
}

/** JSON has no NaN or Infinity: a vector holding one would make a file Qdrant cannot read. */
function checkVector(passage: ExportPassage): void {
  if (!passage.vector.every(Number.isFinite))
    throw new TroveError(
      'INVALID_ARGUMENT',
      `Passage ${passage.id} cannot be exported: its vector holds a NaN or infinite component.`,
    );
}

/** A point as an object (for the JS client's upsert). */
export function qdrantPoint(passage: ExportPassage): QdrantPoint {
  checkVector(passage);
  // 9 digits name the float32 exactly; Qdrant parses and stores float32 again.
  return {
    id: passage.id,
    vector: Array.from(passage.vector, float32Decimal),
    payload: qdrantPayload(passage),
  } satisfies Schemas['PointStruct'];
}

/** One JSON line per point: the same object as qdrantPoint, with the vector spelled directly (5× faster). */
export async function* qdrantJsonLines(passages: AsyncIterable<ExportPassage>): AsyncGenerator<string> {
  for await (const passage of passages) {
    checkVector(passage);
    yield `{"id":${passage.id},"vector":${vectorText(passage.vector)},"payload":${JSON.stringify(qdrantPayload(passage))}}\n`;
  }
}

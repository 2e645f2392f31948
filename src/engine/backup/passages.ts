// The passages of a .trove file with their vectors and payload, one document in memory at a time: what the
// Qdrant and pgvector exports write.
import { TroveError } from '../core/errors.ts';
import type { ChunkRecord, DocumentRecord } from '../store/store.ts';
import type { BackupManifest, BackupOptions } from './backup-types.ts';
import type { BackupInput } from './container.ts';
import { BackupReader } from './read-backup.ts';

export interface ExportPassage {
  /** The chunk id in the library (unique, positive). */
  id: number;
  documentId: number;
  documentName: string;
  title?: string;
  text: string;
  start: number;
  end: number;
  page?: number;
  headingPath: string[];
  /** User tags of the document (none until the store has them). */
  tags: string[];
  /** L2-normalised. */
  vector: Float32Array;
}

export interface PassageStream {
  manifest: BackupManifest;
  dims: number;
  passages: AsyncGenerator<ExportPassage>;
}

/** Opens a library file for export; refuses one without vectors. Passages without a vector are not exported. */
export async function openPassages(input: BackupInput, options: BackupOptions = {}): Promise<PassageStream> {
  const reader = await BackupReader.open(input, options);
  const model = reader.manifest.model;
  if (!model || reader.manifest.counts.vectors === 0) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `${options.fileName ? `“${options.fileName}”` : 'The library'} holds no vectors to export.`,
    );
  }
  return { manifest: reader.manifest, dims: model.dims, passages: passagesOf(reader) };
}

async function* passagesOf(reader: BackupReader): AsyncGenerator<ExportPassage> {
  let document: DocumentRecord | undefined;
  let chunks = new Map<number, ChunkRecord>();
  for await (const entry of reader.entries()) {
    if (entry.kind === 'document') {
      document = entry.document;
      chunks = new Map();
    } else if (entry.kind === 'chunks') {
      for (const chunk of entry.chunks) chunks.set(chunk.id, chunk);
    } else if (entry.kind === 'vectors' && document) {
      const { chunkIds, vectors, dims } = entry.batch;
      for (let i = 0; i < chunkIds.length; i++) {
        const chunk = chunks.get(chunkIds[i])!; // the reader checked it belongs to this document
        yield {
          id: chunk.id,
          documentId: document.id,
          documentName: document.name,
          title: document.title,
          text: chunk.text,
          start: chunk.start,
          end: chunk.end,
          page: chunk.page,
          headingPath: chunk.headingPath,
          tags: tagsOf(document),
          vector: vectors.subarray(i * dims, (i + 1) * dims),
        };
      }
    }
  }
}

function tagsOf(document: DocumentRecord): string[] {
  const tags = (document as { tags?: unknown }).tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : [];
}

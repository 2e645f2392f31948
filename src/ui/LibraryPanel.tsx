// Every stored document, newest first, with its counts and a delete.
import type { DocumentSummary, LibraryStats } from '../engine/api.ts';
import { plural } from './format.ts';
import { LibraryRow } from './LibraryRow.tsx';

interface Props {
  documents: DocumentSummary[] | undefined;
  stats: LibraryStats | undefined;
  error: string | undefined;
  onDelete: (id: number) => Promise<void>;
  onRetry: (id: number) => Promise<void>;
}

export function LibraryPanel({ documents, stats, error, onDelete, onRetry }: Props) {
  return (
    <section className="library" aria-labelledby="library-title" data-testid="library">
      <div className="section-head">
        <h2 id="library-title" className="section-title">
          Library
        </h2>
        {stats && stats.documents > 0 && (
          <p className="section-meta">
            {plural(stats.documents, 'document')} · {plural(stats.chunks, 'passage')}
            {stats.vectors < stats.chunks && ` · ${plural(stats.chunks - stats.vectors, 'passage')} without vectors`}
            {stats.index && (
              <span data-testid="index-info" data-kind={stats.index.kind}>
                {' · '}
                {stats.index.kind === 'hnsw' ? 'HNSW' : 'exact'} index, {quantizationName(stats.index.quantization)},{' '}
                {Math.round(stats.index.bytesPerVector)} bytes/vector
                {stats.index.loadedFromPages ? ', loaded from storage' : ''}
              </span>
            )}
          </p>
        )}
      </div>
      {error && (
        <p className="alert" role="alert">
          The library could not be read: {error}
        </p>
      )}
      {documents && documents.length === 0 && !error && (
        <p className="hint">No documents yet. Everything you add is stored in this browser and stays after a reload.</p>
      )}
      {documents && documents.length > 0 && (
        <div className="table-wrap">
          <table className="library__table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Format</th>
                <th scope="col" className="num">
                  Passages
                </th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">Added</th>
                <th scope="col">Embedded</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {documents.map((doc) => (
                <LibraryRow key={doc.id} doc={doc} onDelete={onDelete} onRetry={onRetry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function quantizationName(q: 'none' | 'int8' | 'binary'): string {
  return q === 'none' ? 'float32' : q;
}

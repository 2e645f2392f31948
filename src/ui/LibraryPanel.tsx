// Every stored document, newest first, with its counts and a delete; rows can be selected to edit their tags.
import { useState } from 'react';
import type { DocumentSummary, LibraryStats } from '../engine/api.ts';
import { plural } from './format.ts';
import { LibraryRow } from './LibraryRow.tsx';
import { TagEditor } from './TagEditor.tsx';

interface Props {
  documents: DocumentSummary[] | undefined;
  stats: LibraryStats | undefined;
  error: string | undefined;
  onDelete: (id: number) => Promise<void>;
  onRetry: (id: number) => Promise<void>;
  /** Collection id → name, shown per row when there is more than one collection. */
  collectionNames?: Map<string, string>;
  onTags?: (ids: number[], tags: string[], mode: 'add' | 'remove' | 'set') => Promise<void>;
}

export function LibraryPanel({ documents, stats, error, onDelete, onRetry, collectionNames, onTags }: Props) {
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const live = new Set(documents?.map((d) => d.id));
  const chosen = [...selected].filter((id) => live.has(id));
  const toggle = (id: number) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allChosen = documents !== undefined && documents.length > 0 && chosen.length === documents.length;
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
      {documents && documents.length > 0 && onTags && (
        <TagEditor
          documents={documents.filter((d) => chosen.includes(d.id))}
          onApply={async (tags, mode) => onTags(chosen, tags, mode)}
          onClear={() => setSelected(new Set())}
        />
      )}
      {documents && documents.length > 0 && (
        <div className="table-wrap">
          <table className="library__table">
            <thead>
              <tr>
                <th scope="col" className="library__check">
                  <input
                    type="checkbox"
                    aria-label="Select all documents"
                    data-testid="select-all"
                    checked={allChosen}
                    onChange={() => setSelected(allChosen ? new Set() : new Set(documents.map((d) => d.id)))}
                  />
                </th>
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
                <LibraryRow
                  key={doc.id}
                  doc={doc}
                  onDelete={onDelete}
                  onRetry={onRetry}
                  selected={chosen.includes(doc.id)}
                  onSelect={() => toggle(doc.id)}
                  collectionName={collectionNames && collectionNames.size > 1 ? collectionNames.get(doc.collection) ?? doc.collection : undefined}
                />
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

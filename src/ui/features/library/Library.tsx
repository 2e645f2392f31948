// The library panel over the engine: deletes, retries and tags go to the engine, and every list is read again.
import { useCallback } from 'react';
import { useEngine } from '../../client/engine-context.ts';
import { FieldsEditor } from './FieldsEditor.tsx';
import { LibraryPanel } from './LibraryPanel.tsx';
import type { Library as LibraryState } from './useLibrary.ts';

interface Props {
  library: LibraryState;
  /** Collection id → name, shown per row when there is more than one collection. */
  collectionNames: Map<string, string>;
}

export function Library({ library, collectionNames }: Props) {
  const { engine, libraryChanged, modelStatus } = useEngine();

  const deleteDocument = useCallback(
    async (id: number) => {
      if (!engine) return;
      await engine.deleteDocument(id);
      libraryChanged();
    },
    [engine, libraryChanged],
  );
  const deleteDocuments = useCallback(
    async (ids: number[]) => {
      if (!engine) return;
      try {
        await engine.deleteDocuments(ids);
      } finally {
        libraryChanged();
      }
    },
    [engine, libraryChanged],
  );
  const retryDocument = useCallback(
    async (id: number) => {
      if (!engine) return;
      const result = await engine.retryDocument(id);
      libraryChanged();
      if (result.stage === 'failed' && result.error) throw new Error(result.error.message);
    },
    [engine, libraryChanged],
  );
  const setTags = useCallback(
    async (ids: number[], tags: string[], tagMode: 'add' | 'remove' | 'set') => {
      if (!engine) return;
      await engine.setTags(ids, tags, tagMode);
      libraryChanged();
    },
    [engine, libraryChanged],
  );
  const loadPassages = useCallback(
    (id: number, offset: number, limit: number) =>
      engine ? engine.listPassages(id, offset, limit) : Promise.reject(new Error('The search engine has not started.')),
    [engine],
  );

  return (
    <LibraryPanel
      documents={library.documents}
      stats={library.stats}
      error={library.error}
      onDelete={deleteDocument}
      onRetry={retryDocument}
      collectionNames={collectionNames}
      onTags={setTags}
      onDeleteMany={deleteDocuments}
      loadPassages={loadPassages}
      modelId={modelStatus?.modelId}
      renderFields={(doc, close) => <FieldsEditor doc={doc} onClose={close} />}
    />
  );
}

// The page: connects to the engine once and wires its parts together. State lives in small hooks.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EngineSettings } from '../engine/api.ts';
import type { SearchMode } from '../engine/types.ts';
import './library-tools.css';
import { BackupPanel } from './BackupPanel.tsx';
import { CollectionsBar } from './CollectionsBar.tsx';
import { DropZone } from './DropZone.tsx';
import { EmptyLibrary } from './EmptyLibrary.tsx';
import { EngineBanner, type EngineNotice } from './EngineBanner.tsx';
import { connect, errorMessage, onEngineEvent, type Connection } from './engine-client.ts';
import { FilterBar } from './FilterBar.tsx';
import { loadFilters, saveFilters, toSearchFilter, type Filters } from './filters.ts';
import { Footer } from './Footer.tsx';
import { Header } from './Header.tsx';
import { JobList } from './JobList.tsx';
import { LibraryPanel } from './LibraryPanel.tsx';
import { SearchBar } from './SearchBar.tsx';
import { SearchResults } from './SearchResults.tsx';
import { SettingsDialog } from './SettingsDialog.tsx';
import { useIngest } from './useIngest.ts';
import { useLibrary } from './useLibrary.ts';
import { useCollections } from './useCollections.ts';
import { useModelStatus } from './useModelStatus.ts';
import { useSearch } from './useSearch.ts';
import { mayNotFit, useStorage } from './useStorage.ts';

export function App() {
  const [connection, setConnection] = useState<Connection>();
  const [startError, setStartError] = useState<string>();
  const [settings, setSettings] = useState<EngineSettings>();
  useEffect(() => {
    connect().then(
      (value) => {
        setConnection(value);
        setSettings(value.settings);
      },
      (reason: unknown) => setStartError(errorMessage(reason)),
    );
  }, []);
  const engine = connection?.engine;

  const model = useModelStatus(engine);
  const library = useLibrary(engine);
  // Bumped whenever the answer to the current query may have changed, so it is asked again.
  const [revision, setRevision] = useState(0);

  const { refresh: refreshLibrary } = library;
  const { refresh: refreshModel } = model;
  const storage = useStorage(engine);
  const { refresh: refreshStorage } = storage;
  const [collectionsTick, setCollectionsTick] = useState(0);
  const libraryChanged = useCallback(() => {
    refreshLibrary();
    refreshModel();
    refreshStorage();
    setCollectionsTick((t) => t + 1);
    setRevision((r) => r + 1);
  }, [refreshLibrary, refreshModel, refreshStorage]);
  const collections = useCollections(engine, libraryChanged);
  const { refresh: refreshCollections } = collections;
  useEffect(() => refreshCollections(), [collectionsTick, refreshCollections]);

  const ingest = useIngest(libraryChanged);

  // Engine-wide news: another tab changed the library (refresh), upgraded it (reload), or the worker died.
  const [notice, setNotice] = useState<EngineNotice>();
  const { failUnfinished } = ingest;
  useEffect(
    () =>
      onEngineEvent((event) => {
        if (event.type === 'changed') libraryChanged();
        else if (event.type === 'stale') setNotice({ kind: 'stale', message: event.message });
        else if (event.type === 'died') {
          failUnfinished(event.message);
          setNotice({ kind: 'restarting', message: `${event.message.replace(/ it was restarted\.$/, '')} Restarting it…` });
        } else {
          setConnection(event.connection);
          setSettings(event.connection.settings);
          setNotice({
            kind: 'restarted',
            message: 'The search engine stopped unexpectedly and was restarted. Unfinished files are resumed or marked failed.',
          });
        }
      }),
    [libraryChanged, failUnfinished],
  );

  // When the model becomes ready or drops out, modes change meaning; when back-filled vectors land,
  // the library's "embedded" column changes.
  const modelState = model.status?.state;
  const pendingVectors = model.status?.pendingVectors;
  useEffect(() => {
    setRevision((r) => r + 1);
  }, [modelState]);
  const backfilled = pendingVectors === 0;
  useEffect(() => {
    refreshLibrary();
  }, [modelState, backfilled, refreshLibrary]);

  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<SearchMode>('hybrid');
  const [filters, setFiltersState] = useState<Filters>(() => loadFilters());
  const setFilters = useCallback((next: Filters) => {
    setFiltersState(next);
    saveFilters(next);
  }, []);
  const search = useSearch(engine, query, mode, revision, toSearchFilter(filters));

  // Ask early that the browser keep the library (once it holds something worth keeping).
  const { requestPersistence } = storage;
  const holdsDocuments = (library.documents?.length ?? 0) > 0;
  useEffect(() => {
    if (holdsDocuments) requestPersistence();
  }, [holdsDocuments, requestPersistence]);

  const { addFiles: ingestAdd } = ingest;
  const storageStatus = storage.status;
  const target = collections.target;
  const addFiles = useCallback(
    (files: File[]) => {
      const bytes = files.reduce((sum, f) => sum + f.size, 0);
      if (mayNotFit(storageStatus, bytes)) {
        const left = storageStatus?.available ?? 0;
        const proceed = window.confirm(
          `These files (${(bytes / 1e6).toFixed(1)} MB) may not fit: the browser leaves this site about ${(left / 1e6).toFixed(1)} MB. Add them anyway?`,
        );
        if (!proceed) return;
      }
      ingestAdd(files, { collection: target });
    },
    [ingestAdd, storageStatus, target],
  );

  const setTags = useCallback(
    async (ids: number[], tags: string[], tagMode: 'add' | 'remove' | 'set') => {
      if (!engine) return;
      await engine.setTags(ids, tags, tagMode);
      libraryChanged();
    },
    [engine, libraryChanged],
  );

  const collectionNames = useMemo(() => new Map(collections.list.map((c) => [c.id, c.name])), [collections.list]);
  const titles = useMemo(
    () => new Map((library.documents ?? []).flatMap((d) => (d.title ? [[d.id, d.title] as [number, string]] : []))),
    [library.documents],
  );

  const deleteDocument = useCallback(
    async (id: number) => {
      if (!engine) return;
      await engine.deleteDocument(id);
      libraryChanged();
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

  const retryModel = useCallback(async () => {
    if (!engine) return;
    await engine.loadModel().catch(() => undefined); // the status bar shows the outcome
    refreshModel();
  }, [engine, refreshModel]);

  const [settingsOpen, setSettingsOpen] = useState(false);
  const saveSettings = useCallback(
    async (changes: Partial<EngineSettings>) => {
      if (!engine || Object.keys(changes).length === 0) return;
      // The engine reloads the model itself when a model setting changed; the status bar follows.
      setSettings(await engine.updateSettings(changes));
      refreshModel();
    },
    [engine, refreshModel],
  );

  const stats = library.stats;
  const pending = pendingVectors ?? 0;

  const documents = library.documents;
  const hasDocuments = (documents?.length ?? connection?.stats.documents ?? 0) > 0;
  const showEmpty = !hasDocuments && ingest.jobs.length === 0 && documents !== undefined;

  return (
    <div className="app">
      <a className="skip-link" href="#search-input">
        Skip to search
      </a>
      <Header
        status={model.status}
        startError={startError}
        pendingVectors={pending}
        onRetry={retryModel}
        onOpenSettings={() => setSettingsOpen(true)}
      />
      <EngineBanner notice={notice} onDismiss={() => setNotice(undefined)} />
      <main className="main">
        <CollectionsBar
          collections={collections}
          searched={filters.collections}
          onSearched={(ids) => setFilters({ ...filters, collections: ids })}
        />
        <DropZone onFiles={addFiles} compact={hasDocuments} />
        <JobList
          jobs={ingest.jobs}
          onCancel={ingest.cancel}
          onDismiss={ingest.dismiss}
          onClearFinished={ingest.clearFinished}
          onDuplicate={ingest.resolveDuplicate}
        />
        <SearchBar query={query} mode={mode} busy={search.pending} onQuery={setQuery} onMode={setMode} />
        {hasDocuments && (
          <FilterBar filters={filters} onFilters={setFilters} documents={documents ?? []} collections={collections.list} />
        )}
        {showEmpty ? (
          <EmptyLibrary />
        ) : (
          <>
            <SearchResults query={query} search={search} stats={stats} onMode={setMode} titles={titles} />
            <LibraryPanel
              documents={documents}
              stats={stats}
              error={library.error}
              onDelete={deleteDocument}
              onRetry={retryDocument}
              collectionNames={collectionNames}
              onTags={setTags}
            />
          </>
        )}
        <BackupPanel engine={engine} collections={collections.list} storage={storage.status} onImported={libraryChanged} />
      </main>
      <Footer />
      <SettingsDialog
        open={settingsOpen}
        settings={settings}
        onSave={saveSettings}
        onClose={() => setSettingsOpen(false)}
      />
    </div>
  );
}

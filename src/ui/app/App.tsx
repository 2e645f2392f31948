// The page: connects to the engine once and wires its parts together. State lives in small hooks.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import '../features/privacy/privacy.css';
import type { EngineSettings, LockState, SearchResult, SettingsRefusal } from '../../engine/api/index.ts';
import type { SearchMode } from '../../engine/api/index.ts';
import { DocumentViewer, type DocumentLoader, type OriginalLoader, type ViewerTarget } from '../features/viewer/DocumentViewer.tsx';
import './library-tools.css';
import { BackupPanel } from '../features/backup/BackupPanel.tsx';
import { CollectionsBar } from '../features/collections/CollectionsBar.tsx';
import { DropZone } from '../features/ingest/DropZone.tsx';
import { FolderSummary } from '../features/ingest/FolderSummary.tsx';
import { RecordPreviewDialog, isRecordFile } from '../features/ingest/RecordPreviewDialog.tsx';
import { EmptyLibrary } from '../features/library/EmptyLibrary.tsx';
import { EngineBanner, type EngineNotice } from './EngineBanner.tsx';
import { connect, errorMessage, loadLibraryMap, onEngineEvent, type Connection } from '../client/engine-client.ts';
import { MapPanel } from '../features/map/MapPanel.tsx';
import { FilterBar } from '../features/search/FilterBar.tsx';
import { loadFilters, saveFilters, toSearchFilter, type Filters } from '../features/search/filters.ts';
import { applyUpdate, onUpdateAvailable } from '../client/pwa-update.ts';
import { Footer } from './Footer.tsx';
import { Header } from './Header.tsx';
import { JobList } from '../features/ingest/JobList.tsx';
import { LibraryPanel } from '../features/library/LibraryPanel.tsx';
import { LockScreen } from '../features/privacy/LockScreen.tsx';
import { PrivacyDialog } from '../features/privacy/PrivacyDialog.tsx';
import { ModelsView } from '../features/models/ModelsView.tsx';
import { RefusedNotice } from './RefusedNotice.tsx';
import { SearchBar } from '../features/search/SearchBar.tsx';
import { SearchResults } from '../features/search/SearchResults.tsx';
import { SettingsDialog } from '../features/settings/SettingsDialog.tsx';
import { useIngest } from '../features/ingest/useIngest.ts';
import { useLibrary } from '../features/library/useLibrary.ts';
import { useCollections } from '../features/collections/useCollections.ts';
import { useModelStatus } from './useModelStatus.ts';
import { useSearch } from '../features/search/useSearch.ts';
import { mayNotFit, useStorage } from '../features/backup/useStorage.ts';
import { useUrlSearch } from '../client/useUrlSearch.ts';
import { CopyContext } from '../features/search/CopyContext.tsx';
import { DEFAULT_TUNING, type SearchTuning } from '../features/search/search-tuning.ts';
import { SearchTuningControls } from '../features/search/SearchTuningControls.tsx';
import { useReranker } from '../features/search/useReranker.ts';
import { HealthPanel } from '../features/health/HealthPanel.tsx';
import { EvaluateView } from '../features/evaluate/EvaluateView.tsx';

export function App() {
  const [connection, setConnection] = useState<Connection>();
  const [startError, setStartError] = useState<string>();
  const [settings, setSettings] = useState<EngineSettings>();
  const [lock, setLock] = useState<LockState>();
  const [refused, setRefused] = useState<SettingsRefusal[]>([]);
  useEffect(() => {
    connect().then(
      (value) => {
        setConnection(value);
        setSettings(value.settings);
        setLock(value.lock);
        setRefused(value.refused);
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

  const targetId = collections.target;
  const currentTarget = useCallback(() => targetId, [targetId]);
  const ingest = useIngest(libraryChanged, currentTarget);

  // Engine-wide news: another tab changed the library (refresh), upgraded it (reload), or the worker died.
  const [notice, setNotice] = useState<EngineNotice>();
  // A new version waits until the user says so: one session never mixes two versions of the app.
  useEffect(
    () =>
      onUpdateAvailable(() =>
        setNotice((current) => current ?? { kind: 'update', message: 'A new version of Trove is ready. Reload to use it.' }),
      ),
    [],
  );
  const { failUnfinished } = ingest;
  useEffect(
    () =>
      onEngineEvent((event) => {
        if (event.type === 'changed') libraryChanged();
        else if (event.type === 'stale') setNotice({ kind: 'stale', message: event.message });
        else if (event.type === 'locked') {
          // Locked from another tab: this one shows nothing of the library either.
          setLock('locked');
          setQuery('');
        }
        else if (event.type === 'died') {
          failUnfinished(event.message);
          setNotice({ kind: 'restarting', message: `${event.message.replace(/ it was restarted\.$/, '')} Restarting it…` });
        } else {
          setConnection(event.connection);
          setSettings(event.connection.settings);
          setLock(event.connection.lock);
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

  // The query, mode and document filter live in the URL: bookmarkable, and Back steps through searches.
  const [{ query, mode, documentIds }, setSearch] = useUrlSearch();
  const setQuery = useCallback((value: string) => setSearch({ query: value }), [setSearch]);
  const setMode = useCallback((value: SearchMode) => setSearch({ mode: value }), [setSearch]);
  const clearFilter = useCallback(() => setSearch({ documentIds: [] }), [setSearch]);
  // ── reranking, fusion and context (issue 8) ──
  const reranker = useReranker(engine, settings?.rerankerId);
  const [tuning, setTuning] = useState<SearchTuning>(DEFAULT_TUNING);
  const tuningTouched = useRef(false);
  const rerankDefault = reranker?.state === 'ready' ? reranker.enabledByDefault : undefined;
  useEffect(() => {
    // On by default only when the calibration found it fast enough here, unless the user already chose.
    if (rerankDefault !== undefined && !tuningTouched.current) setTuning((t) => ({ ...t, rerank: rerankDefault }));
  }, [rerankDefault]);
  const changeTuning = useCallback((next: SearchTuning) => {
    tuningTouched.current = true;
    setTuning(next);
  }, []);
  const [filters, setFiltersState] = useState<Filters>(() => loadFilters());
  const setFilters = useCallback((next: Filters) => {
    setFiltersState(next);
    saveFilters(next);
  }, []);
  const search = useSearch(engine, query, mode, revision, documentIds, tuning, toSearchFilter(filters));

  // The document viewer opens a result in its document (Enter on a result, or its Open button).
  const loadDocument = useCallback<DocumentLoader>(
    (id) => (engine ? engine.getDocument(id) : Promise.reject(new Error('The search engine has not started.'))),
    [engine],
  );
  const [viewing, setViewing] = useState<ViewerTarget>();
  // ── original files (issue 13) ── the kept file, for the PDF page view and "download original"
  const loadOriginal = useCallback<OriginalLoader>(
    (id) => (engine ? engine.getOriginal(id) : Promise.reject(new Error('The search engine has not started.'))),
    [engine],
  );
  // The embedding map (on demand: projecting a large library takes a while) and where its passages sit.
  const [mapOpen, setMapOpen] = useState(false);
  const mapSpans = useRef(new Map<number, { start: number; end: number }>());
  const loadMap = useCallback(
    async (signal: AbortSignal, onProgress: (progress: { stage: string; fraction: number }) => void) => {
      if (!engine) throw new Error('The search engine is still starting.');
      const map = await loadLibraryMap(engine, signal, onProgress);
      mapSpans.current = new Map(Array.from(map.chunkIds, (id, i) => [id, { start: map.starts[i], end: map.ends[i] }]));
      return map;
    },
    [engine],
  );
  const openResult = useCallback(
    (result: SearchResult) => setViewing({ documentId: result.documentId, start: result.start, end: result.end, query }),
    [query],
  );
  const closeViewer = useCallback(() => {
    setViewing(undefined);
    document.querySelector<HTMLElement>('[data-testid="result"][tabindex="0"]')?.focus();
  }, []);

  // Ask early that the browser keep the library (once it holds something worth keeping).
  const { requestPersistence } = storage;
  const holdsDocuments = (library.documents?.length ?? 0) > 0;
  useEffect(() => {
    if (holdsDocuments) requestPersistence();
  }, [holdsDocuments, requestPersistence]);

  // Warn before adding files that may not fit in what the browser leaves this site.
  const storageStatus = storage.status;
  const roomFor = useCallback(
    (files: File[]) => {
      const bytes = files.reduce((sum, f) => sum + f.size, 0);
      if (!mayNotFit(storageStatus, bytes)) return true;
      const left = storageStatus?.available ?? 0;
      return window.confirm(
        `These files (${(bytes / 1e6).toFixed(1)} MB) may not fit: the browser leaves this site about ${(left / 1e6).toFixed(1)} MB. Add them anyway?`,
      );
    },
    [storageStatus],
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

  // ── library view ──
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
  const loadPassages = useCallback(
    (id: number, offset: number, limit: number) =>
      engine ? engine.listPassages(id, offset, limit) : Promise.reject(new Error('The search engine has not started.')),
    [engine],
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

  // ── devices you can trust ──
  const answerDtypeChange = useCallback(
    async (accept: boolean) => {
      if (!engine) return;
      await engine.confirmDtypeChange(accept);
      refreshModel();
    },
    [engine, refreshModel],
  );

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

  const [privacyOpen, setPrivacyOpen] = useState(false);
  const [modelsOpen, setModelsOpen] = useState(false); // ── models view ──
  const lockNow = useCallback(async () => {
    if (!engine) return;
    await engine.lock();
    setLock('locked');
    setQuery('');
    refreshModel();
  }, [engine, refreshModel]);
  const unlocked = useCallback(() => {
    setLock('unlocked');
    libraryChanged();
  }, [libraryChanged]);
  // Tables and JSON files wait for the user's choice of text fields; other files go straight in.
  const [previewQueue, setPreviewQueue] = useState<File[]>([]);
  const { addFiles } = ingest;
  const addChosenFiles = useCallback(
    (files: File[]) => {
      if (!roomFor(files)) return;
      addFiles(files.filter((f) => !isRecordFile(f)));
      const records = files.filter(isRecordFile);
      if (records.length > 0) setPreviewQueue((q) => [...q, ...records]);
    },
    [addFiles, roomFor],
  );
  const previewDone = useCallback((file: File) => setPreviewQueue((q) => q.filter((f) => f !== file)), []);

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
        onDtypeChange={answerDtypeChange}
        onOpenSettings={() => setSettingsOpen(true)}
        lock={lock}
        onLock={() => void lockNow()}
        onOpenPrivacy={() => setPrivacyOpen(true)}
        onOpenModels={() => setModelsOpen(true)}
      />
      <EngineBanner notice={notice} onDismiss={() => setNotice(undefined)} onUpdate={() => void applyUpdate()} />
      <RefusedNotice
        refused={refused}
        onAllowDownloads={() => saveSettings({ allowRemoteModels: true }).then(() => setRefused([]))}
        onDismiss={() => setRefused([])}
      />
      {lock === 'locked' && engine ? (
        <main className="main">
          <LockScreen engine={engine} onUnlocked={unlocked} />
        </main>
      ) : (
      <main className="main">
        <CollectionsBar
          collections={collections}
          searched={filters.collections}
          onSearched={(ids) => setFilters({ ...filters, collections: ids })}
        />
        <DropZone onFiles={addChosenFiles} onFolder={ingest.addFolder} compact={hasDocuments} />
        {stats?.mostlyNonEnglish && settings && !settings.modelId.startsWith('multilingual') && (
          <p className="hint" data-testid="multilingual-suggestion">
            Most of your library is not in English. The multilingual-e5-small model understands about 100 languages:{' '}
            <button type="button" className="link-button" onClick={() => void saveSettings({ modelId: 'multilingual-e5-small' })}>
              switch to it
            </button>
            .
          </p>
        )}
        <FolderSummary summary={ingest.folderSummary} jobs={ingest.jobs} onDismiss={ingest.dismissFolderSummary} />
        <JobList
          jobs={ingest.jobs}
          onCancel={ingest.cancel}
          onDismiss={ingest.dismiss}
          onClearFinished={ingest.clearFinished}
          onDuplicate={ingest.resolveDuplicate}
          meter={ingest.meter}
          summary={ingest.summary}
          onDismissSummary={ingest.dismissSummary}
          onRetry={ingest.retry}
        />
        <SearchBar
          query={query}
          mode={mode}
          busy={search.pending}
          onQuery={setQuery}
          onMode={setMode}
          tuning={<SearchTuningControls tuning={tuning} reranker={reranker} onChange={changeTuning} />}
        />
        {hasDocuments && (
          <FilterBar filters={filters} onFilters={setFilters} documents={documents ?? []} collections={collections.list} />
        )}
        {showEmpty ? (
          <EmptyLibrary />
        ) : (
          <>
            <SearchResults
              query={query}
              search={search}
              stats={stats}
              onMode={setMode}
              documentIds={documentIds}
              onClearFilter={clearFilter}
              onOpen={openResult}
              titles={titles}
            />
            {engine && search.response && search.response.results.length > 0 && (
              <CopyContext engine={engine} question={query} chunkIds={search.response.results.map((r) => r.chunkId)} />
            )}
            <section className="map-section" aria-label="Embedding map">
              <button
                type="button"
                className="button button--small button--quiet"
                data-testid="map-toggle"
                aria-expanded={mapOpen}
                onClick={() => setMapOpen((open) => !open)}
              >
                {mapOpen ? 'Hide the map' : 'Map of the library'}
              </button>
              {mapOpen && (
                <MapPanel
                  load={loadMap}
                  results={search.response?.results}
                  onOpen={(chunkId, documentId) => {
                    const span = mapSpans.current.get(chunkId);
                    if (span) setViewing({ documentId, start: span.start, end: span.end, query });
                  }}
                  onFilter={(ids) => setSearch({ documentIds: ids })}
                />
              )}
            </section>
            <LibraryPanel
              documents={documents}
              stats={stats}
              error={library.error}
              onDelete={deleteDocument}
              onRetry={retryDocument}
              collectionNames={collectionNames}
              onTags={setTags}
              onDeleteMany={deleteDocuments}
              loadPassages={loadPassages}
              modelId={model.status?.modelId}
            />
          </>
        )}
        {/* An evaluation set can be the first thing added: these show with an empty library too. */}
        {engine && <EvaluateView engine={engine} onChanged={libraryChanged} />}
        {engine && hasDocuments && <HealthPanel engine={engine} onChanged={libraryChanged} />}
        <BackupPanel engine={engine} collections={collections.list} storage={storage.status} onImported={libraryChanged} />
      </main>
      )}
      <Footer onOpenPrivacy={() => setPrivacyOpen(true)} />
      <RecordPreviewDialog
        engine={engine}
        queue={previewQueue}
        onChoose={(file, textFields) => {
          previewDone(file);
          addFiles([{ file, textFields }]);
        }}
        onSkip={previewDone}
      />
      <SettingsDialog
        open={settingsOpen}
        settings={settings}
        onSave={saveSettings}
        onClose={() => setSettingsOpen(false)}
        engine={engine}
        lock={lock}
        documentCount={documents?.length ?? 0}
        onLockChanged={(state) => {
          setLock(state);
          libraryChanged();
        }}
        onOpenModels={() => {
          setSettingsOpen(false);
          setModelsOpen(true);
        }}
      />
      <DocumentViewer target={viewing} load={loadDocument} onClose={closeViewer} loadOriginal={loadOriginal} />
      <PrivacyDialog open={privacyOpen} onClose={() => setPrivacyOpen(false)} engine={engine} settings={settings} lock={lock} />
      <ModelsView
        open={modelsOpen}
        onClose={() => setModelsOpen(false)}
        engine={engine}
        status={model.status}
        onSaveSettings={saveSettings}
        onSettingsChanged={setSettings}
      />
    </div>
  );
}

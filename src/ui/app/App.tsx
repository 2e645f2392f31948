// The page: lays out the features and wires what one hands to another (a result opens in the viewer, the map
// narrows the search, collections pick what is searched). What a feature keeps to itself lives in its own hooks;
// what the whole page shares about the engine comes from EngineProvider. Each view sits in an error boundary, so
// one that fails to render leaves the rest usable.
import { useCallback, useMemo, useState } from 'react';
import type { SearchResult } from '../../engine/api/index.ts';
import { useEngine } from '../client/engine-context.ts';
import { AnswerPanel } from '../features/answers/AnswerPanel.tsx';
import { BackupPanel } from '../features/backup/BackupPanel.tsx';
import { useStorage } from '../features/backup/useStorage.ts';
import { CollectionsBar } from '../features/collections/CollectionsBar.tsx';
import { useCollections } from '../features/collections/useCollections.ts';
import { EvaluateView } from '../features/evaluate/EvaluateView.tsx';
import { HealthPanel } from '../features/health/HealthPanel.tsx';
import { DropZone } from '../features/ingest/DropZone.tsx';
import { JobList } from '../features/ingest/JobList.tsx';
import { RecordPreview } from '../features/ingest/RecordPreview.tsx';
import { useChosenFiles } from '../features/ingest/useChosenFiles.ts';
import { useIngest } from '../features/ingest/useIngest.ts';
import { EmptyLibrary } from '../features/library/EmptyLibrary.tsx';
import { Library } from '../features/library/Library.tsx';
import { useLibrary } from '../features/library/useLibrary.ts';
import { LiveFolders } from '../features/live-folders/LiveFolders.tsx';
import { LibraryMap } from '../features/map/LibraryMap.tsx';
import { ModelSwapConfirm } from '../features/models/ModelSwapConfirm.tsx';
import { ModelsView } from '../features/models/ModelsView.tsx';
import { MultilingualSuggestion } from '../features/models/MultilingualSuggestion.tsx';
import { LockScreen } from '../features/privacy/LockScreen.tsx';
import { PrivacyDialog } from '../features/privacy/PrivacyDialog.tsx';
import { ImageQueryDrop } from '../features/pictures/ImageQueryDrop.tsx';
import { ImageSearchSetting } from '../features/pictures/ImageSearchSetting.tsx';
import { Pictures } from '../features/pictures/Pictures.tsx';
import { useImageQuery } from '../features/pictures/useImageQuery.ts';
import { CopyContext } from '../features/search/CopyContext.tsx';
import { FilterBar } from '../features/search/FilterBar.tsx';
import { SearchBar } from '../features/search/SearchBar.tsx';
import { SearchResults } from '../features/search/SearchResults.tsx';
import { SearchTuningControls } from '../features/search/SearchTuningControls.tsx';
import { toSearchFilter } from '../features/search/filters.ts';
import { tuningOptions } from '../features/search/search-tuning.ts';
import { useCurrentSearch } from '../features/search/useCurrentSearch.ts';
import { SettingsDialog } from '../features/settings/SettingsDialog.tsx';
import type { ViewerTarget } from '../features/viewer/DocumentViewer.tsx';
import { LibraryDocumentViewer } from '../features/viewer/LibraryDocumentViewer.tsx';
import { EngineBanner } from './EngineBanner.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { Footer } from './Footer.tsx';
import { Header } from './Header.tsx';
import { RefusedNotice } from './RefusedNotice.tsx';

export function App() {
  const { engine, connection, lock, setLock, refreshModel, settings } = useEngine();
  const library = useLibrary();
  const documents = library.documents;
  const hasDocuments = (documents?.length ?? connection?.stats.documents ?? 0) > 0;
  const collections = useCollections();
  const storage = useStorage((documents?.length ?? 0) > 0);
  const ingest = useIngest(collections.target);
  const chosen = useChosenFiles(ingest.addFiles, storage.roomFor);
  const search = useCurrentSearch();
  const { answer, query, filters } = search;
  const pictureFilter = useMemo(
    () => (filters.collections?.length ? { collections: [...filters.collections] } : undefined),
    [filters.collections],
  );
  const imageQuery = useImageQuery(pictureFilter);
  const setQuery = search.setQuery;
  const clearImageQuery = imageQuery.clear;
  const typeQuery = useCallback(
    (value: string) => {
      clearImageQuery();
      setQuery(value);
    },
    [clearImageQuery, setQuery],
  );

  // The document viewer opens a result in its document (Enter on a result, or its Open button), or a map point.
  const [viewing, setViewing] = useState<ViewerTarget>();
  const openResult = useCallback(
    (result: SearchResult) =>
      setViewing({ documentId: result.documentId, start: result.start, end: result.end, query }),
    [query],
  );
  const closeViewer = useCallback(() => {
    setViewing(undefined);
    document.querySelector<HTMLElement>('[data-testid="result"][tabindex="0"]')?.focus();
  }, []);

  const [settingsOpen, setSettingsOpen] = useState(false);
  const [privacyOpen, setPrivacyOpen] = useState(false);
  const [modelsOpen, setModelsOpen] = useState(false);
  const lockNow = async () => {
    if (!engine) return;
    await engine.lock();
    setLock('locked');
    search.setQuery('');
    refreshModel();
  };

  const showEmpty = !hasDocuments && ingest.jobs.length === 0 && documents !== undefined;

  // Decided by the library as the page opened: the order does not jump when the first file of a folder lands.
  const [openedWithDocuments, setOpenedWithDocuments] = useState<boolean>();
  if (openedWithDocuments === undefined && documents !== undefined) setOpenedWithDocuments(documents.length > 0);
  const searchFirst = openedWithDocuments ?? (connection?.stats.documents ?? 0) > 0;
  const searching = (
    <ErrorBoundary key="search" name="the search">
      <ImageQueryDrop enabled={settings?.imageSearch ?? false} onPicture={(file) => void imageQuery.run(file)}>
        <SearchBar
          query={query}
          mode={search.mode}
          busy={answer.pending}
          onQuery={typeQuery}
          onMode={search.setMode}
          tuning={
            <SearchTuningControls tuning={search.tuning} reranker={search.reranker} onChange={search.changeTuning} />
          }
        />
      </ImageQueryDrop>
      {hasDocuments && (
        <FilterBar
          filters={filters}
          onFilters={search.setFilters}
          documents={documents ?? []}
          collections={collections.list}
        />
      )}
    </ErrorBoundary>
  );
  const adding = (
    <ErrorBoundary key="adding" name="adding files">
      <DropZone onFiles={chosen.addChosenFiles} onFolder={ingest.addFolder} compact={hasDocuments} />
      <RecordPreview
        queue={chosen.previewQueue}
        onChoose={chosen.choose}
        onSkip={chosen.skip}
        alwaysSuggested={chosen.alwaysSuggested}
        onAlwaysSuggested={chosen.setAlwaysSuggested}
      />
      <MultilingualSuggestion stats={library.stats} />
      <JobList
        jobs={ingest.jobs}
        groups={ingest.groups}
        jobsById={ingest.jobsById}
        singles={ingest.singles}
        onCancel={ingest.cancel}
        onCancelGroup={ingest.cancelGroup}
        onDismiss={ingest.dismiss}
        onDismissGroup={ingest.dismissGroup}
        onClearFinished={ingest.clearFinished}
        onDuplicate={ingest.resolveDuplicate}
        meter={ingest.meter}
        summary={ingest.summary}
        onDismissSummary={ingest.dismissSummary}
        onRetry={ingest.retry}
        onRetryGroup={ingest.retryGroup}
      />
    </ErrorBoundary>
  );
  const live = (
    <ErrorBoundary key="live-folders" name="live folders">
      {engine && <LiveFolders collection={collections.target} />}
    </ErrorBoundary>
  );

  return (
    <div className="app">
      <a className="skip-link" href="#search-input">
        Skip to search
      </a>
      <Header
        onOpenSettings={() => setSettingsOpen(true)}
        onLock={() => void lockNow()}
        onOpenPrivacy={() => setPrivacyOpen(true)}
        onOpenModels={() => setModelsOpen(true)}
      />
      <EngineBanner />
      <RefusedNotice />
      {lock === 'locked' && engine ? (
        <main className="main">
          <ErrorBoundary name="the lock screen">
            <LockScreen />
          </ErrorBoundary>
        </main>
      ) : (
        <main className="main">
          <ErrorBoundary name="the collections">
            <CollectionsBar
              collections={collections}
              searched={filters.collections}
              onSearched={(ids) => search.setFilters({ ...filters, collections: ids })}
            />
          </ErrorBoundary>
          {/* A returning user meets the search box first; a new one the place to add files. Keyed, so the two swap
              places without losing their state. */}
          {searchFirst ? [searching, adding, live] : [adding, live, searching]}
          {showEmpty ? (
            <EmptyLibrary />
          ) : (
            <>
              <ErrorBoundary name="the answers">
                {engine && (
                  <AnswerPanel
                    searchOptions={{
                      mode: search.mode,
                      ...tuningOptions(search.tuning),
                      filter: {
                        ...toSearchFilter(filters),
                        ...(search.documentIds.length > 0 && { documentIds: [...search.documentIds] }),
                      },
                    }}
                    rerank={search.tuning.rerank}
                    onOpen={(result, question) =>
                      setViewing({
                        documentId: result.documentId,
                        start: result.start,
                        end: result.end,
                        query: question,
                      })
                    }
                  />
                )}
              </ErrorBoundary>
              <ErrorBoundary name="the pictures">
                <Pictures
                  response={answer.response}
                  imageQuery={imageQuery.query}
                  onClearImageQuery={clearImageQuery}
                  onOpenDocument={(target) => setViewing({ ...target, query })}
                />
              </ErrorBoundary>
              <ErrorBoundary name="the results">
                <SearchResults
                  query={query}
                  search={answer}
                  stats={library.stats}
                  onMode={search.setMode}
                  documentIds={search.documentIds}
                  onClearFilter={() => search.setDocumentIds([])}
                  onOpen={openResult}
                  titles={library.titles}
                />
                {engine && answer.response && answer.response.results.length > 0 && (
                  <CopyContext question={query} chunkIds={answer.response.results.map((r) => r.chunkId)} />
                )}
              </ErrorBoundary>
              <ErrorBoundary name="the map">
                <LibraryMap
                  results={answer.response?.results}
                  onOpen={(passage) => setViewing({ ...passage, query })}
                  onFilter={search.setDocumentIds}
                />
              </ErrorBoundary>
              <ErrorBoundary name="the library">
                <Library library={library} collectionNames={collections.names} />
              </ErrorBoundary>
            </>
          )}
          {/* An evaluation set can be the first thing added: these show with an empty library too. */}
          <ErrorBoundary name="the evaluation">{engine && <EvaluateView />}</ErrorBoundary>
          <ErrorBoundary name="the health report">{engine && hasDocuments && <HealthPanel />}</ErrorBoundary>
          <ErrorBoundary name="backup and storage">
            <BackupPanel collections={collections.list} storage={storage.status} />
          </ErrorBoundary>
        </main>
      )}
      <Footer onOpenPrivacy={() => setPrivacyOpen(true)} />
      <ErrorBoundary name="the settings">
        <SettingsDialog
          open={settingsOpen}
          onClose={() => setSettingsOpen(false)}
          documentCount={documents?.length ?? 0}
          onOpenModels={() => {
            setSettingsOpen(false);
            setModelsOpen(true);
          }}
          swapConfirm={(props) => <ModelSwapConfirm {...props} />}
          imageSearch={<ImageSearchSetting />}
        />
      </ErrorBoundary>
      <ErrorBoundary name="the document viewer">
        <LibraryDocumentViewer target={viewing} onClose={closeViewer} />
      </ErrorBoundary>
      <ErrorBoundary name="the privacy page">
        <PrivacyDialog open={privacyOpen} onClose={() => setPrivacyOpen(false)} />
      </ErrorBoundary>
      <ErrorBoundary name="the models">
        <ModelsView open={modelsOpen} onClose={() => setModelsOpen(false)} />
      </ErrorBoundary>
    </div>
  );
}

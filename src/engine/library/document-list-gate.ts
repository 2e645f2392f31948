// A start from the keyword snapshot answers keyword search and the counts before the document list is read; the
// calls below need every document record (directly, or through a write that checks it first), so they wait until
// the list is in (just after, see catalogue.load).
import type { TroveApi } from '../api/index.ts';
import type { LibraryCatalogue } from './catalogue.ts';

// prettier-ignore
const AFTER_DOCUMENTS = [
  'listDocuments', 'getDocument', 'listPassages', 'getOriginal', 'setTags', 'deleteDocument', 'deleteDocuments',
  'listCollections', 'createCollection', 'renameCollection', 'deleteCollection', 'ingest', 'retryDocument',
  'rerank', 'assembleContext', 'evaluate', 'compareModels', 'health', 'fixHealth', 'exportLibrary', 'importLibrary',
  'projectMap', 'lock', 'enableEncryption', 'changePassphrase', 'forgetEverything', 'updateSettings', 'loadModel',
  'confirmDtypeChange', 'syncFolder', 'searchByImage', 'getPicture',
  // Cancels queue behind the calls they cancel, so a cancel sent right after its start is never lost.
  'cancel', 'cancelEvaluation', 'cancelModelComparison', 'cancelBackup', 'cancelMap', 'stopFolderSync',
] as const satisfies ReadonlyArray<keyof TroveApi>;

/** Replaces those calls on `api` (own properties, as comlink calls them) by ones that first wait for the list. */
export function waitForDocumentList(api: TroveApi, catalogue: LibraryCatalogue): void {
  for (const name of AFTER_DOCUMENTS) {
    const call = api[name] as (...args: unknown[]) => Promise<unknown>;
    const waiting = async (...args: unknown[]) => {
      if (catalogue.readingDocuments) await catalogue.documents();
      return call(...args);
    };
    Object.defineProperty(api, name, { value: waiting });
  }
}

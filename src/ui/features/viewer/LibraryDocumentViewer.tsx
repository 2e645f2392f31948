// The document viewer over the library: documents and kept originals come from the engine.
import { useCallback } from 'react';
import { useEngine } from '../../client/engine-context.ts';
import { DocumentViewer, type DocumentLoader, type OriginalLoader, type ViewerTarget } from './DocumentViewer.tsx';

interface Props {
  target: ViewerTarget | undefined;
  onClose: () => void;
}

export function LibraryDocumentViewer({ target, onClose }: Props) {
  const { engine } = useEngine();
  const load = useCallback<DocumentLoader>(
    (id) => (engine ? engine.getDocument(id) : Promise.reject(new Error('The search engine has not started.'))),
    [engine],
  );
  // The kept file, for the PDF page view and "download original".
  const loadOriginal = useCallback<OriginalLoader>(
    (id) => (engine ? engine.getOriginal(id) : Promise.reject(new Error('The search engine has not started.'))),
    [engine],
  );
  return <DocumentViewer target={target} load={load} onClose={onClose} loadOriginal={loadOriginal} />;
}

// ?demo=viewer (&format=text): the document viewer over a built-in document, until the engine serves stored ones.
// The Markdown sample carries a remote image, a link and raw <script>/<img onerror>, which must stay inert text.
// (Uses the Markdown parser's block scanner, a pure function, so the blocks are what ingest would store.)
import { useCallback, useMemo, useState } from 'react';
import { markdownBlocks } from '../../../engine/public.ts';
import { DocumentViewer, type ViewerDocument, type ViewerTarget } from '../../features/viewer/DocumentViewer.tsx';
import { DEMO_MARKDOWN, DEMO_TEXT } from './demo-data.ts';

export function ViewerDemo() {
  const format = new URLSearchParams(location.search).get('format') === 'text' ? 'text' : 'markdown';
  const doc = useMemo<ViewerDocument>(
    () =>
      format === 'text'
        ? { name: 'notes.txt', format: 'text', text: DEMO_TEXT, blocks: [] }
        : { name: 'bicycle-care.md', format: 'markdown', text: DEMO_MARKDOWN, blocks: markdownBlocks(DEMO_MARKDOWN) },
    [format],
  );
  const passage = format === 'text' ? 'Line 42: oil the chain' : 'Oil the chain after wet rides.';
  const start = doc.text.indexOf(passage);
  const initial = useMemo<ViewerTarget>(
    () => ({ documentId: 1, start, end: start + passage.length, query: 'chain oil' }),
    [start, passage],
  );
  const [target, setTarget] = useState<ViewerTarget | undefined>(initial);
  const load = useCallback(async () => doc, [doc]);

  return (
    <main className="main demo">
      <h1 className="section-title">Document viewer demo</h1>
      <p>
        <button type="button" className="button" data-testid="viewer-reopen" onClick={() => setTarget(initial)}>
          Open the document
        </button>
      </p>
      <DocumentViewer target={target} load={load} onClose={() => setTarget(undefined)} />
    </main>
  );
}

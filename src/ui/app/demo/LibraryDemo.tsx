// ?demo=library&documents=2000: the library view over generated documents (no engine), to try and to test it at
// the size of a large library.
import { useCallback, useMemo, useState } from 'react';
import type { DocumentSummary, PassagePage } from '../../../engine/api/index.ts';
import type { DocumentFormat } from '../../../engine/api/index.ts';
import { LibraryPanel } from '../../features/library/LibraryPanel.tsx';
import { seeded } from './demo-data.ts';

const FORMATS: DocumentFormat[] = ['pdf', 'markdown', 'text', 'html', 'docx', 'csv'];
const WORDS = [
  'harbour',
  'kelp',
  'ledger',
  'orchard',
  'piano',
  'kayak',
  'soil',
  'tiles',
  'bread',
  'chain',
  'tax',
  'river',
];
const TAGS = ['work', 'home', 'archive', 'todo', 'reading'];

/** `count` documents, seeded: names, formats, sizes, passages, tags, and a few failed or pending ones. */
export function demoDocuments(count: number, seed = 5): DocumentSummary[] {
  const random = seeded(seed);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const format = pick(FORMATS);
    const roll = random();
    const failed = roll < 0.02;
    const pending = !failed && roll < 0.06;
    const doc: DocumentSummary = {
      id: i + 1,
      name: `${pick(WORDS)}-${pick(WORDS)}-${i + 1}.${format === 'markdown' ? 'md' : format === 'text' ? 'txt' : format}`,
      format,
      size: Math.floor(2_000 + random() * 5_000_000),
      addedAt: Date.UTC(2026, 0, 1) + i * 3_600_000,
      chunkCount: i % 500 === 0 ? 5_000 : Math.floor(1 + random() * 400),
      status: failed ? 'failed' : 'ready',
      embedded: !failed && !pending,
      collection: i % 7 === 0 ? 'work' : 'default',
      tags: random() < 0.3 ? [pick(TAGS)] : [],
    };
    if (failed) doc.error = { code: 'PARSE_FAILED', message: `“${doc.name}” could not be read (demo).` };
    if (random() < 0.05) doc.warnings = ['Some pages had no text layer (demo).'];
    return doc;
  });
}

export function LibraryDemo() {
  const count = Math.min(20_000, Math.max(1, Number(new URLSearchParams(location.search).get('documents')) || 2_000));
  const [documents, setDocuments] = useState(() => demoDocuments(count));
  const names = useMemo(
    () =>
      new Map([
        ['default', 'My library'],
        ['work', 'Work'],
      ]),
    [],
  );
  const stats = useMemo(
    () => ({ documents: documents.length, chunks: documents.reduce((n, d) => n + d.chunkCount, 0), vectors: 0 }),
    [documents],
  );
  const loadPassages = useCallback(
    async (id: number, offset: number, limit: number): Promise<PassagePage> => {
      const doc = documents.find((d) => d.id === id);
      const total = doc?.chunkCount ?? 0;
      const passages = [];
      for (let index = offset; index < Math.min(total, offset + limit); index++) {
        passages.push({
          chunkId: id * 100_000 + index,
          index,
          text: `Passage ${index + 1} of ${doc?.name}: generated text.`,
          start: index * 40,
          end: index * 40 + 38,
        });
      }
      return { documentId: id, total, offset, passages };
    },
    [documents],
  );
  const remove = useCallback(async (ids: number[]) => {
    const gone = new Set(ids);
    setDocuments((list) => list.filter((d) => !gone.has(d.id)));
  }, []);
  const tag = useCallback(async (ids: number[], tags: string[], mode: 'add' | 'remove' | 'set') => {
    const chosen = new Set(ids);
    setDocuments((list) =>
      list.map((d) => {
        if (!chosen.has(d.id)) return d;
        const next =
          mode === 'set'
            ? tags
            : mode === 'add'
              ? [...new Set([...d.tags, ...tags])]
              : d.tags.filter((t) => !tags.includes(t));
        return { ...d, tags: next };
      }),
    );
  }, []);
  return (
    <main className="main" data-testid="library-demo">
      <LibraryPanel
        documents={documents}
        stats={stats}
        error={undefined}
        onDelete={(id) => remove([id])}
        onDeleteMany={remove}
        onRetry={async () => undefined}
        onTags={tag}
        collectionNames={names}
        loadPassages={loadPassages}
        modelId="demo-model"
      />
    </main>
  );
}

// How fast a model embeds this library's passages here: the time a re-embed would take, shown before the user
// accepts a dtype change.
import type { Embedder } from '../embed/embedder.ts';
import type { Store } from '../store/store.ts';
import type { LibraryCatalogue } from './catalogue.ts';

const SAMPLE = 16;

/** Passages per second of `embedder` on up to 16 of the library's passages; undefined when there are none. */
export async function embedSpeed(
  embedder: Embedder,
  store: Store | null,
  catalogue: LibraryCatalogue,
): Promise<number | undefined> {
  const ids: number[] = [];
  for (const docId of catalogue.docs.keys()) {
    ids.push(...catalogue.chunksOf(docId).slice(0, SAMPLE - ids.length));
    if (ids.length >= SAMPLE) break;
  }
  if (ids.length === 0 || !store) return undefined;
  const texts = (await store.getChunks(ids)).map((chunk) => chunk.text);
  if (texts.length === 0) return undefined;
  const started = performance.now();
  await embedder.embedPassages(texts);
  const seconds = (performance.now() - started) / 1000;
  return seconds > 0 ? texts.length / seconds : undefined;
}

// An embedder that reports every passage call it completes (when, how long, how many), so the model status can show
// the pace of vectors being added in the background without the ingest pipeline measuring anything itself.
import type { Embedder } from './embedder.ts';
import type { EmbedSample } from './vector-rate.ts';

/**
 * Wraps `embedder`: embedPassages calls that succeed are passed to `record`; everything else (properties set later
 * by the loader included) reads through to the embedder itself.
 */
export function meteredEmbedder(
  embedder: Embedder,
  record: (sample: EmbedSample) => void,
  now: () => number = () => performance.now(),
): Embedder {
  const embedPassages: Embedder['embedPassages'] = async (texts, options) => {
    const start = now();
    const vectors = await embedder.embedPassages(texts, options);
    if (texts.length > 0) record({ start, end: now(), passages: texts.length });
    return vectors;
  };
  return new Proxy(embedder, {
    get(target, property) {
      if (property === 'embedPassages') return embedPassages;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

// Generated data for the demo pages (?demo=map, ?demo=viewer): no engine, no stored library. Seeded, so every
// load and every test sees the same points.

/** mulberry32. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  'bicycle chains',
  'sourdough bread',
  'kelp forests',
  'tax returns',
  'garden soil',
  'jazz piano',
  'sea kayaks',
  'roof tiles',
];
const VERBS = ['explains', 'compares', 'lists', 'questions', 'summarises', 'describes'];

export interface MapData {
  points: Float32Array;
  /** Cluster (document) of each point, 0-based. */
  clusters: Uint16Array;
  /** Centre of each cluster. */
  centres: Float32Array;
}

/** `count` points in `clusters` Gaussian blobs of different sizes and spreads. */
export function mapData(count: number, clusters = 40, seed = 7): MapData {
  const random = seeded(seed);
  const centres = new Float32Array(clusters * 2);
  const spread = new Float32Array(clusters);
  for (let c = 0; c < clusters; c++) {
    centres[c * 2] = random() * 20 - 10;
    centres[c * 2 + 1] = random() * 20 - 10;
    spread[c] = 0.25 + random() * 0.9;
  }
  const points = new Float32Array(count * 2);
  const of = new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    // Zipf-ish cluster sizes: low cluster numbers are picked more often.
    const c = Math.min(clusters - 1, Math.floor(clusters * random() ** 1.6));
    const r = Math.sqrt(-2 * Math.log(1 - random())) * spread[c]!;
    const a = 2 * Math.PI * random();
    points[i * 2] = centres[c * 2]! + r * Math.cos(a);
    points[i * 2 + 1] = centres[c * 2 + 1]! + r * Math.sin(a);
    of[i] = c;
  }
  return { points, clusters: of, centres };
}

/** A passage-like sentence for point `index` of cluster `cluster`, made on demand (no 20,000 strings up front). */
export function passageFor(index: number, cluster: number): string {
  const topic = TOPICS[cluster % TOPICS.length]!;
  const verb = VERBS[index % VERBS.length]!;
  return `Passage ${index + 1} of document ${cluster + 1}: this part ${verb} ${topic}, with notes on what to check first and what can wait until later.`;
}

/** A Markdown document with every kind of markup, and hostile HTML that must stay text. */
export const DEMO_MARKDOWN = `Bicycle care
============

A short guide to keeping a bicycle quiet and **fast**. See [the shop](https://shop.example.invalid/guide) for parts.

![tracking pixel](https://tracker.example.invalid/pixel.png)

<script>document.title = 'pwned'</script>
<img src="https://tracker.example.invalid/img.png" onerror="document.title='pwned'">

## Tyres

Check the pressure every week; a soft tyre wears fast and *feels* slow.

Chain Lubrication
-----------------

Oil the chain after wet rides. Wipe the chain first, put one drop of oil on each roller, then wipe off the excess oil
so the chain does not collect grit.

## Brakes

Pads wear out; replace them before the metal shows. A squeal usually means oil on the rim, so keep chain oil away.
`;

/** A plain-text document, for the numbered-lines view. */
export const DEMO_TEXT = Array.from({ length: 60 }, (_, i) =>
  i === 41
    ? 'Line 42: oil the chain after wet rides, then wipe it.'
    : `Line ${i + 1}: notes about ${TOPICS[i % TOPICS.length]}.`,
).join('\n');

/** `count` vectors of `dims` floats in `clusters` blobs (unit centres plus noise), and each one's cluster. */
export function vectorData(
  count: number,
  dims = 384,
  clusters = 40,
  seed = 11,
): { vectors: Float32Array; clusters: Uint16Array } {
  const random = seeded(seed);
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = random() * 2 - 1;
  const vectors = new Float32Array(count * dims);
  const of = new Uint16Array(count);
  for (let r = 0; r < count; r++) {
    const c = Math.min(clusters - 1, Math.floor(clusters * random() ** 1.6));
    of[r] = c;
    for (let i = 0; i < dims; i++) vectors[r * dims + i] = centres[c * dims + i]! + (random() * 2 - 1) * 0.9;
  }
  return { vectors, clusters: of };
}

// A generated library for the soak benchmark: documents of short passages on varied topics, built from common
// English words (all in the GloVe fixture's 5,000-word vocabulary, so the test model gives them real vectors).
// Deterministic per (seed, document number), and free of Node imports: the Chromium worker generates the same text.

/** xorshift32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const TOPICS: Record<string, string[]> = {
  finance:
    'bank money interest market price stock tax budget cost loan credit pay fund trade investment profit debt cash dollar economy'.split(
      ' ',
    ),
  sport:
    'football team players game season coach match league goal win score fans championship cup ball field victory race club training'.split(
      ' ',
    ),
  weather:
    'weather rain snow wind storm cold winter summer temperature sun cloud heat ice forecast spring air dry warm season water'.split(
      ' ',
    ),
  food: 'food dinner kitchen cook bread meat fish fruit wine restaurant meal chicken sugar milk coffee taste rice cheese salt fresh'.split(
    ' ',
  ),
  travel:
    'travel train plane airport hotel trip city road car bus journey visit tourists flight station map ship coast border bridge'.split(
      ' ',
    ),
  health:
    'health doctor hospital patients disease medical drug care treatment heart cancer blood nurse virus body brain pain clinic study'.split(
      ' ',
    ),
  music:
    'music song band album singer guitar concert piano rock stage sound dance jazz record radio tour audience voice festival play'.split(
      ' ',
    ),
  film: 'film movie actor director cinema scene story television star character screen camera studio drama comedy actress role series show'.split(
    ' ',
  ),
  science:
    'science research energy space earth light scientists theory experiment data nature physics chemical laboratory model evidence cell planet ocean'.split(
      ' ',
    ),
  politics:
    'government election president vote party law minister policy council parliament court state campaign leader rights reform senate public power'.split(
      ' ',
    ),
  school:
    'school students teacher education university class college learning children library exam book reading lesson teaching program study degree campus'.split(
      ' ',
    ),
  computer:
    'computer software internet network data system user program online web phone technology digital video device code security email machine'.split(
      ' ',
    ),
  garden:
    'garden tree flowers plants grass soil seeds farm forest green leaves water land trees wood field farmers crop grow natural'.split(
      ' ',
    ),
  history:
    'history war king ancient century empire army battle church castle museum old city kingdom soldiers peace period royal land culture'.split(
      ' ',
    ),
  home: 'house home family room door window wall floor bed garden building street neighbors kitchen roof apartment rent owner furniture town'.split(
    ' ',
  ),
};
export const TOPIC_NAMES = Object.keys(TOPICS);

const CONNECT =
  'the a this that our their its new old local large small recent important major several many each'.split(' ');
const VERBS =
  'said reported showed found made took gave brought saw changed moved opened held started raised left kept added helped asked'.split(
    ' ',
  );
const LINKS = 'and but while after before because although since when as'.split(' ');
const PLACES =
  'in the north|in the city|near the river|across the country|at the center|in the south|around the world|in the region|on the island|along the coast'.split(
    '|',
  );

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}

/** One sentence of 10–16 words about a topic. */
function sentence(r: () => number, words: string[]): string {
  const a = pick(r, words);
  const b = pick(r, words);
  const c = pick(r, words);
  const text =
    `${pick(r, CONNECT)} ${a} ${pick(r, VERBS)} ${pick(r, CONNECT)} ${b} ${pick(r, PLACES)} ` +
    `${pick(r, LINKS)} ${pick(r, CONNECT)} ${c} ${pick(r, VERBS)} more ${pick(r, words)}`;
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

/**
 * One passage: a paragraph of three sentences (about 40 words), mostly on the document's topic with a few words
 * from a second one. With chunkTokens 64 and no overlap, each passage is exactly one chunk (two never fit together).
 */
function passage(r: () => number, topic: string, second: string): string {
  const main = TOPICS[topic]!;
  const mixed = [...main, ...main, ...TOPICS[second]!];
  return [sentence(r, main), sentence(r, mixed), sentence(r, main)].join(' ');
}

export interface GeneratedDocument {
  name: string;
  text: string;
  passages: number;
}

/** Document `n` of the library (the same for the same seed): `passages` paragraphs separated by blank lines. */
export function generateDocument(seed: number, n: number, passages: number, prefix = 'doc'): GeneratedDocument {
  const r = rng((seed * 0x01000193) ^ (n * 0x9e3779b1) ^ prefix.length);
  const topic = TOPIC_NAMES[n % TOPIC_NAMES.length]!;
  const second = pick(r, TOPIC_NAMES);
  const paragraphs: string[] = [];
  for (let i = 0; i < passages; i++) paragraphs.push(passage(r, topic, i % 3 === 0 ? second : topic));
  return { name: `${prefix}-${String(n).padStart(5, '0')}-${topic}.txt`, text: paragraphs.join('\n\n'), passages };
}

/** Varied queries: one to four topic words, sometimes across two topics, sometimes with a stop word. */
export function generateQueries(seed: number, count: number): string[] {
  const r = rng(seed ^ 0x51ed);
  const queries: string[] = [];
  for (let i = 0; i < count; i++) {
    const topic = TOPICS[pick(r, TOPIC_NAMES)]!;
    const other = TOPICS[pick(r, TOPIC_NAMES)]!;
    const length = 1 + Math.floor(r() * 4);
    const words = Array.from({ length }, (_, j) => pick(r, j === 2 ? other : topic));
    if (r() < 0.2) words.unshift('the');
    queries.push(words.join(' '));
  }
  return queries;
}

/** Chunking settings under which each generated passage is one chunk (see passage()). */
export const PASSAGE_CHUNKING = { chunkTokens: 64, chunkOverlapTokens: 0 };

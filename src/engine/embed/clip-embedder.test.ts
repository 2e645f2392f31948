// Loads the generated CLIP-shaped fixture (scripts/make-clip-fixture.mjs) through the production loader in Node:
// pictures decoded by RawImage (sharp), the image tower and the text tower in one space.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLOURS, colourPng, makeClipFixture, pictureFixtures } from '../../../scripts/make-clip-fixture.mjs';
import { decodePicture } from '../ingest/pictures/decode-picture.ts';
import { TEST_IMAGE_MODEL_ID } from '../models/image-model-registry.ts';
import { loadClipEmbedder, type ClipEmbedder } from './clip-embedder.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MODELS = path.join(REPO_ROOT, 'public/models') + '/';

let clip: ClipEmbedder;

beforeAll(async () => {
  makeClipFixture();
  clip = await loadClipEmbedder({
    modelId: TEST_IMAGE_MODEL_ID,
    allowRemoteModels: false,
    localModelPath: MODELS,
    device: 'auto',
  });
});

afterAll(async () => {
  await clip?.dispose();
});

function dot(a: Float32Array, i: number, b: Float32Array, j: number, dims: number): number {
  let sum = 0;
  for (let d = 0; d < dims; d++) sum += a[i * dims + d] * b[j * dims + d];
  return sum;
}

/** Names ranked by cosine against row `row` of `query`. */
function ranked(query: Float32Array, row: number, names: string[], vectors: Float32Array): string[] {
  const dims = clip.dims;
  return names
    .map((name, i) => ({ name, score: dot(query, row, vectors, i, dims) }))
    .sort((a, b) => b.score - a.score)
    .map((r) => r.name);
}

describe('ClipEmbedder on the colour CLIP fixture', () => {
  const pictures = pictureFixtures();
  const names = Object.keys(pictures).filter((n) => n !== 'lake-again.png');

  it('loads both towers through the production path on the native CPU backend', () => {
    expect(clip.device).toBe('cpu');
    expect(clip.dims).toBe(4);
    expect(clip.fingerprint).toBe('image:trove/colour-clip@local|fp32|4');
  });

  it('ranks the red picture first for the query "red", and the yellow one for "a yellow door"', async () => {
    const decoded = await Promise.all(names.map((n) => decodePicture(pictures[n], n)));
    const vectors = await clip.embedImages(decoded);
    const queries = await clip.embedTexts(['red', 'a photo of a yellow door']);
    expect(ranked(queries, 0, names, vectors)[0]).toBe('kite.png');
    expect(ranked(queries, 1, names, vectors)[0]).toBe('door.png');
  });

  it('ranks a near-duplicate picture first for an image query (its twin, not another colour)', async () => {
    const decoded = await Promise.all(names.map((n) => decodePicture(pictures[n], n)));
    const vectors = await clip.embedImages(decoded);
    const query = await clip.embedImages([await decodePicture(pictures['lake-again.png'], 'copy')]);
    const order = ranked(query, 0, names, vectors);
    expect(order[0]).toBe('lake.png');
    expect(dot(query, 0, vectors, names.indexOf('lake.png'), clip.dims)).toBeGreaterThan(0.99);
  });

  it('gives the same vectors batched and one by one, and unit-length rows', async () => {
    const many = Array.from({ length: 11 }, (_, i) =>
      colourPng({ width: 20 + i, height: 30, rgb: Object.values(COLOURS)[i % Object.keys(COLOURS).length] }),
    );
    const decoded = await Promise.all(many.map((bytes, i) => decodePicture(bytes, `p${i}.png`)));
    const all = await clip.embedImages(decoded);
    for (let i = 0; i < decoded.length; i++) {
      const one = await clip.embedImages([decoded[i]]);
      for (let d = 0; d < clip.dims; d++) expect(all[i * clip.dims + d]).toBeCloseTo(one[d], 5);
      expect(dot(all, i, all, i, clip.dims)).toBeCloseTo(1, 5);
    }
  });

  it('embeds a query of no colour words to a zero row, never NaN', async () => {
    const v = await clip.embedTexts(['quarterly invoice']);
    expect([...v]).toEqual([0, 0, 0, 0]);
  });
});

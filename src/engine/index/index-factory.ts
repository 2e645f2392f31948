// Creates and reloads vector indexes by kind, so the engine never names a concrete index class.
import { FlatIndex } from './flat.ts';
import { HnswIndex } from './hnsw.ts';
import type { IndexKind, IndexPage, PersistentVectorIndex } from './index-pages.ts';
import type { Quantization } from './vector-storage.ts';

export interface IndexOptions {
  kind: IndexKind;
  dims: number;
  quantization: Quantization;
  /** HNSW: links per node (M), candidate list size while building (efConstruction) and searching (ef). */
  M: number;
  efConstruction: number;
  ef: number;
}

/** What an index was built as; stored with its pages so reloading needs no guessing. */
export interface IndexDescriptor extends IndexOptions {
  format: 1;
}

const DESCRIPTOR_PAGE = 'trove/descriptor';

export function createIndex(options: IndexOptions): PersistentVectorIndex {
  if (options.kind === 'flat') return new FlatIndex(options.dims, { quantization: options.quantization });
  return new HnswIndex({
    dims: options.dims,
    M: options.M,
    efConstruction: options.efConstruction,
    ef: options.ef,
    quantization: options.quantization,
    seed: 1,
  });
}

export function descriptorPage(options: IndexOptions): IndexPage {
  const descriptor: IndexDescriptor = { format: 1, ...options };
  return { name: DESCRIPTOR_PAGE, bytes: new TextEncoder().encode(JSON.stringify(descriptor)) };
}

/** Reloads an index from its pages, or returns undefined when they are not a complete index of this build. */
export function loadIndex(
  pages: IndexPage[],
): { index: PersistentVectorIndex; descriptor: IndexDescriptor } | undefined {
  const descriptorBytes = pages.find((p) => p.name === DESCRIPTOR_PAGE)?.bytes;
  if (!descriptorBytes) return undefined;
  let descriptor: IndexDescriptor;
  try {
    descriptor = JSON.parse(new TextDecoder().decode(descriptorBytes)) as IndexDescriptor;
  } catch {
    return undefined;
  }
  if (descriptor.format !== 1) return undefined;
  const own = pages.filter((p) => p.name !== DESCRIPTOR_PAGE);
  try {
    const index = descriptor.kind === 'flat' ? FlatIndex.fromPages(own) : HnswIndex.fromPages(own);
    return { index, descriptor };
  } catch {
    return undefined; // damaged or incomplete pages: the caller rebuilds from the stored vectors
  }
}

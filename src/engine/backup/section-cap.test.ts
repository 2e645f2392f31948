// A library part larger than one .trove section may hold is refused with the document's name and a TroveError,
// never a bare RangeError. The cap is lowered here so the test needs kilobytes, not half a gigabyte.
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { IndexedDbStore } from '../store/indexeddb-store.ts';
import { encodeSection } from './container.ts';
import { storeBackupSource } from './store-backup.ts';
import { backupToBytes } from './write-backup.ts';

vi.mock('./container.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./container.ts')>()),
  MAX_SECTION_BYTES: 4096,
}));

describe('.trove section over the size cap', () => {
  it('export of a document larger than a section refuses with a TroveError naming the document', async () => {
    const store = await IndexedDbStore.open('section-cap');
    const text = 'long passage text '.repeat(1000);
    await store.createDocument(
      { name: 'huge-notes.txt', format: 'text', size: text.length, addedAt: 1 },
      { text, blocks: [] },
    );
    const error = await backupToBytes(storeBackupSource(store, { appVersion: 'test' })).then(
      () => undefined,
      (e: unknown) => e,
    );
    store.close();
    expect(error).toBeInstanceOf(TroveError);
    expect((error as TroveError).code).toBe('INVALID_ARGUMENT');
    expect((error as TroveError).message).toMatch(
      /“huge-notes\.txt” is too large to export \(1 MiB; .* at most 1 MiB\)/,
    );
  });

  it('encodeSection refuses an oversized payload with a TroveError, not a RangeError', async () => {
    // The real cap (512 MiB) still applies inside container.ts; a payload just above it is a view, not a copy.
    const { MAX_SECTION_BYTES } = await vi.importActual<typeof import('./container.ts')>('./container.ts');
    const payload = { byteLength: MAX_SECTION_BYTES + 1 } as Uint8Array;
    await expect(encodeSection('DOCU', payload)).rejects.toSatisfy(
      (e) => e instanceof TroveError && e.code === 'INVALID_ARGUMENT' && /more than a \.trove section/.test(e.message),
    );
  });
});

// A live folder's record sealed under the library lock. The page keeps its folders in a database of its own (a
// directory handle can only be kept by IndexedDB), so the engine, which alone holds the key, seals and opens each
// record for it, bound to the folder's id as the store's records are bound to their place: a record copied onto
// another folder's id does not open.
import { TroveError } from '../core/errors.ts';
import type { LibraryHandle } from '../library/library-handle.ts';

/** Longer ids are not the page's (it makes UUIDs). */
const MAX_ID_LENGTH = 128;
/** A record is a name, counts and a few error lines: anything larger is not one. */
const MAX_RECORD_BYTES = 1024 * 1024;

export class FolderRecords {
  constructor(private readonly library: LibraryHandle) {}

  async seal(folderId: string, record: object): Promise<Uint8Array | undefined> {
    checkedId(folderId);
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new TroveError('INVALID_ARGUMENT', 'A live folder record must be an object.');
    }
    const sealer = this.library.opened().sealer();
    if (!sealer) return undefined;
    if (new TextEncoder().encode(JSON.stringify(record)).byteLength > MAX_RECORD_BYTES) {
      throw new TroveError('INVALID_ARGUMENT', 'A live folder record may hold at most 1 MB.');
    }
    return sealer.sealOutside({ kind: 'live-folder', field: 'record', folderId }, record);
  }

  async open(folderId: string, sealed: Uint8Array): Promise<unknown> {
    checkedId(folderId);
    if (!(sealed instanceof Uint8Array)) throw new TroveError('DECRYPT_FAILED', 'A sealed record must be bytes.');
    const sealer = this.library.opened().sealer();
    if (!sealer) {
      throw new TroveError('INVALID_ARGUMENT', 'This library is not encrypted: there is nothing sealed to open.');
    }
    return sealer.openOutside({ kind: 'live-folder', field: 'record', folderId }, sealed);
  }
}

function checkedId(folderId: unknown): void {
  if (typeof folderId !== 'string' || folderId.length === 0 || folderId.length > MAX_ID_LENGTH) {
    throw new TroveError('INVALID_ARGUMENT', 'A live folder id must be a short string.');
  }
}

// Writes a library as a .trove file, piece by piece: a caller streams the pieces to a file, a download or a
// Blob without holding the whole library as one buffer.
import { TroveError, throwIfAborted } from '../core/errors.ts';
import {
  BACKUP_FORMAT_VERSION,
  type BackupEntry,
  type BackupManifest,
  type BackupOptions,
  type BackupSource,
} from './backup-types.ts';
import { MAX_SECTION_BYTES, encodeSection, fileHeader, jsonBytes } from './container.ts';
import { EntryRules, encodeEntry, isCounts } from './entry-codec.ts';

export async function* writeBackup(source: BackupSource, options: BackupOptions = {}): AsyncGenerator<Uint8Array> {
  const { signal, onProgress } = options;
  const manifest: BackupManifest = {
    format: 'trove-library',
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    ...(await source.describe()),
  };
  const fail = (reason: string) => new TroveError('INVALID_ARGUMENT', `The library cannot be exported: ${reason}.`);
  if (!isCounts(manifest.counts)) throw fail('its counts are missing');
  const rules = new EntryRules(manifest, fail);
  let bytes = 0;
  const emit = (piece: Uint8Array): Uint8Array => {
    bytes += piece.byteLength;
    onProgress?.({ phase: 'export', bytes, totalDocuments: manifest.counts.documents, ...rules.counts });
    return piece;
  };
  yield emit(fileHeader(BACKUP_FORMAT_VERSION));
  yield emit(await encodeSection('MANI', jsonBytes(manifest)));
  for await (const entry of source.entries(signal)) {
    throwIfAborted(signal);
    rules.check(entry);
    const [kind, payload] = encodeEntry(entry);
    if (payload.byteLength > MAX_SECTION_BYTES) throw fail(`${entryName(entry)} ${tooLarge(payload.byteLength)}`);
    yield emit(await encodeSection(kind, payload));
  }
  throwIfAborted(signal);
  // The library changed between describe() and the last entry: the manifest would lie.
  const mismatch = rules.mismatch(manifest.counts);
  if (mismatch) throw fail(`it changed during the export (${mismatch}); export again`);
  // A file without saved threads is written as before they travelled, so older readers take it unchanged.
  const { threads, ...counts } = rules.counts;
  yield emit(await encodeSection('END.', jsonBytes(threads > 0 ? rules.counts : counts)));
}

function entryName(entry: BackupEntry): string {
  if (entry.kind === 'document') return `the document “${entry.document.name}”`;
  if (entry.kind === 'chunks') return `the passages of document ${entry.docId}`;
  if (entry.kind === 'vectors') return `a vector batch of document ${entry.batch.docId}`;
  if (entry.kind === 'thread') return `the saved thread “${entry.thread.title}”`;
  return 'an index page';
}

function tooLarge(bytes: number): string {
  const mib = (n: number) => `${Math.ceil(n / 2 ** 20)} MiB`;
  return `is too large to export (${mib(bytes)}; one part of a .trove file holds at most ${mib(MAX_SECTION_BYTES)})`;
}

/** The whole file as one buffer (tests, small libraries, Node). */
export async function backupToBytes(source: BackupSource, options: BackupOptions = {}): Promise<Uint8Array> {
  const pieces: Uint8Array[] = [];
  let length = 0;
  for await (const piece of writeBackup(source, options)) {
    pieces.push(piece);
    length += piece.byteLength;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const piece of pieces) {
    bytes.set(piece, offset);
    offset += piece.byteLength;
  }
  return bytes;
}

/** The file as a Blob (in a browser, Blob parts may live on disk rather than in the worker's memory). */
export async function backupToBlob(source: BackupSource, options: BackupOptions = {}): Promise<Blob> {
  const pieces: BlobPart[] = [];
  for await (const piece of writeBackup(source, options)) pieces.push(piece as Uint8Array<ArrayBuffer>);
  return new Blob(pieces, { type: 'application/octet-stream' });
}

/** The file as a ReadableStream, e.g. to pipe into a FileSystemWritableFileStream from showSaveFilePicker(). */
export function backupStream(source: BackupSource, options: BackupOptions = {}): ReadableStream<Uint8Array> {
  const pieces = writeBackup(source, options);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
}

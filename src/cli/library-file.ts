// Node side of .trove files for the command line: stream pieces to a file (atomically) and read one back.
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import type { BackupInput } from '../engine/backup/container.ts';
import { TroveError } from '../engine/core/errors.ts';

/** Writes pieces to `path` through a temporary file, so a failed or cancelled write leaves no half file. */
export async function writePieces(
  path: string,
  pieces: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): Promise<number> {
  const temporary = `${path}.part-${process.pid}`;
  await mkdir(dirname(path), { recursive: true });
  const file = await open(temporary, 'w');
  let bytes = 0;
  try {
    for await (const piece of pieces) {
      const data = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      await file.write(data);
      bytes += data.byteLength;
    }
    await file.close();
    await rename(temporary, path);
    return bytes;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** A library file as a re-readable input (a fresh stream per read) with its size, for progress. */
export async function libraryInput(path: string): Promise<BackupInput & { size: number }> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new TroveError('NOT_FOUND', `No library file at ${path}.`);
  return { size: info.size, stream: () => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array> };
}

// A folder held in memory, for the live-folder tests and benchmarks: files are written, edited, moved and deleted
// between scans, each write moving the clock on (as a disk's modification times do), and every read is counted.
import type { FolderEntry, FolderSource } from '../api/folders.ts';

export class MemoryFolder implements FolderSource {
  private readonly files = new Map<string, { bytes: Uint8Array; lastModified: number }>();
  private clock = 1_700_000_000_000;
  /** Paths read, in order. */
  readonly reads: string[] = [];
  /** Paths whose read fails (a file locked or gone between listing and reading). */
  readonly unreadable = new Set<string>();

  write(path: string, text: string | Uint8Array): this {
    const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    this.files.set(path, { bytes, lastModified: (this.clock += 1000) });
    return this;
  }

  /** Writes a file with a given modification time (metadata-only listings at scale). */
  put(path: string, bytes: Uint8Array, lastModified: number): void {
    this.files.set(path, { bytes, lastModified });
  }

  text(path: string): string {
    const file = this.files.get(path);
    if (!file) throw new Error(`no file ${path}`);
    return new TextDecoder().decode(file.bytes);
  }

  /** Moves a file, keeping its content and modification time (as `mv` does). */
  move(from: string, to: string): this {
    const file = this.files.get(from);
    if (!file) throw new Error(`no file ${from}`);
    this.files.delete(from);
    this.files.set(to, file);
    return this;
  }

  /** A newer modification time, same content (`touch`). */
  touch(path: string): this {
    const file = this.files.get(path);
    if (!file) throw new Error(`no file ${path}`);
    file.lastModified = this.clock += 1000;
    return this;
  }

  remove(path: string): this {
    this.files.delete(path);
    return this;
  }

  async list(): Promise<FolderEntry[]> {
    return [...this.files].map(([path, file]) => ({
      path,
      size: file.bytes.byteLength,
      lastModified: file.lastModified,
    }));
  }

  async read(path: string): Promise<{ data: ArrayBuffer; size: number; lastModified: number }> {
    this.reads.push(path);
    const file = this.files.get(path);
    if (!file || this.unreadable.has(path)) throw new Error(`cannot read ${path}`);
    const data = file.bytes.slice().buffer as ArrayBuffer;
    return { data, size: file.bytes.byteLength, lastModified: file.lastModified };
  }
}

// The parts of the File System Access API live folders use, typed here: TypeScript's DOM library does not have
// the picker, permissions or async iteration of directories. Present in Chromium; elsewhere `canPickFolders` is false.

export type Permission = 'granted' | 'denied' | 'prompt';

export interface DirectoryHandle {
  readonly kind: 'directory';
  readonly name: string;
  values(): AsyncIterable<DirectoryHandle | FileHandle>;
  getDirectoryHandle(name: string): Promise<DirectoryHandle>;
  getFileHandle(name: string): Promise<FileHandle>;
  queryPermission?(options: { mode: 'read' }): Promise<Permission>;
  requestPermission?(options: { mode: 'read' }): Promise<Permission>;
}

export interface FileHandle {
  readonly kind: 'file';
  readonly name: string;
  getFile(): Promise<File>;
}

type Picker = (options?: { mode?: 'read'; id?: string }) => Promise<DirectoryHandle>;

function picker(): Picker | undefined {
  const pick = (globalThis as { showDirectoryPicker?: Picker }).showDirectoryPicker;
  return typeof pick === 'function' ? pick : undefined;
}

export function canPickFolders(): boolean {
  return picker() !== undefined;
}

/** Asks the user for a folder (a user gesture must be running); undefined when they cancel. */
export async function pickFolder(): Promise<DirectoryHandle | undefined> {
  const pick = picker();
  if (!pick) return undefined;
  try {
    return await pick({ mode: 'read', id: 'trove-live-folder' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return undefined;
    throw error;
  }
}

/** Whether the page may read the folder now (origin-private folders, and browsers without the call, always may). */
export async function readPermission(handle: DirectoryHandle, ask: boolean): Promise<Permission> {
  const call = ask ? handle.requestPermission : handle.queryPermission;
  if (typeof call !== 'function') return 'granted';
  return call.call(handle, { mode: 'read' });
}

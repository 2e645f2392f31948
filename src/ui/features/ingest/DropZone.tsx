// Where files come in: drag and drop (anywhere on the page) of files or folders, the file picker, or the folder
// picker. Folders are walked recursively (folder-walk.ts): hidden and unsupported files are skipped and reported.
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { SUPPORTED_EXTENSIONS } from '../../../engine/public.ts';
import { entriesOfDrop, walkEntries, walkFileList, type FolderWalkResult, type SkippedEntry } from './folder-walk.ts';

export const ACCEPT = SUPPORTED_EXTENSIONS.join(',');

export interface FolderFiles {
  files: Array<{ file: File; folder?: string }>;
  skipped: SkippedEntry[];
}

function folderFiles(walk: FolderWalkResult): FolderFiles {
  return { files: walk.files.map((f) => ({ file: f.file, folder: f.folder || undefined })), skipped: walk.skipped };
}

interface Props {
  onFiles: (files: File[]) => void;
  /** A dropped or chosen folder, walked: its files with their folder paths, and what was skipped. */
  onFolder: (walk: FolderFiles) => void;
  /** A slimmer zone once the library has documents; search is then the main thing. */
  compact: boolean;
}

export function DropZone({ onFiles, onFolder, compact }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const dragging = useFileDrag(onFiles, onFolder);

  useEffect(() => {
    // Not a React prop: set the attribute that turns the picker into a folder picker.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []);
    event.target.value = ''; // so choosing the same file again still fires
    onFiles(files);
  };

  const pickedFolder = (event: ChangeEvent<HTMLInputElement>) => {
    const files = Array.from(event.target.files ?? []);
    event.target.value = '';
    if (files.length > 0) onFolder(folderFiles(walkFileList(files, { extensions: SUPPORTED_EXTENSIONS })));
  };

  return (
    <section
      className={['drop-zone', compact && 'drop-zone--compact', dragging && 'drop-zone--active']
        .filter(Boolean)
        .join(' ')}
      data-testid="drop-zone"
      aria-label="Add documents"
    >
      <UploadIcon />
      <div className="drop-zone__text">
        {dragging ? (
          <p className="drop-zone__title">Drop to add to your library</p>
        ) : (
          <p className="drop-zone__title">
            Drop files here
            <span className="drop-zone__or"> or </span>
            <button type="button" className="button button--primary" onClick={() => input.current?.click()}>
              Choose files
            </button>
            <button
              type="button"
              className="button"
              onClick={() => folderInput.current?.click()}
              data-testid="choose-folder"
            >
              Choose folder
            </button>
          </p>
        )}
        <p className="drop-zone__hint">
          Text, Markdown, HTML, PDF (scans too), Word, EPUB, CSV/TSV, JSON, source code and images of text — files or
          whole folders. They are read on this device only.
        </p>
      </div>
      <input
        ref={input}
        className="visually-hidden"
        type="file"
        accept={ACCEPT}
        multiple
        tabIndex={-1}
        aria-label="Choose files to add"
        data-testid="file-input"
        onChange={picked}
      />
      <input
        ref={folderInput}
        className="visually-hidden"
        type="file"
        tabIndex={-1}
        aria-label="Choose a folder to add"
        data-testid="folder-input"
        onChange={pickedFolder}
      />
      {dragging && <div className="drop-overlay" aria-hidden="true" />}
    </section>
  );
}

/**
 * Accepts file drops anywhere on the page. Without this, a file dropped beside the zone makes the browser
 * navigate away to show it.
 */
function useFileDrag(onFiles: (files: File[]) => void, onFolder: (walk: FolderFiles) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const latest = useRef(onFiles);
  const latestFolder = useRef(onFolder);
  useEffect(() => {
    latest.current = onFiles;
    latestFolder.current = onFolder;
  }, [onFiles, onFolder]);

  useEffect(() => {
    let depth = 0; // dragenter/dragleave fire for every child element crossed
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const leave = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      if (!event.dataTransfer) return;
      // Entries are readable only during the drop event: take them now, walk the folders afterwards.
      const plain = Array.from(event.dataTransfer.files);
      const { entries, files } = entriesOfDrop(event.dataTransfer);
      if (!entries.some((e) => e.isDirectory)) {
        latest.current(plain);
        return;
      }
      void walkEntries(entries, { extensions: SUPPORTED_EXTENSIONS }, files).then(
        (walk) => latestFolder.current(folderFiles(walk)),
        () => latest.current(plain),
      );
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return dragging;
}

function UploadIcon() {
  return (
    <svg className="drop-zone__icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
      <path
        d="M12 15V4m0 0-4 4m4-4 4 4M5 14v4a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-4"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

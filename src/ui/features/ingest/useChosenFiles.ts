// Files the user picked or dropped: tables and JSON files wait for the user's choice of text fields (the record
// preview, one at a time); other files go straight in. Nothing is added when the user declines a size warning.
import { useCallback, useState } from 'react';
import { isRecordFile } from './RecordPreviewDialog.tsx';
import type { IncomingFile } from './useIngest.ts';

export function useChosenFiles(
  addFiles: (files: Array<File | IncomingFile>) => void,
  roomFor: (files: File[]) => boolean,
): {
  addChosenFiles: (files: File[]) => void;
  /** Record files waiting for a choice; the first is shown. */
  previewQueue: File[];
  /** Adds a previewed file with the fields chosen as text. */
  choose: (file: File, textFields: string[] | undefined) => void;
  /** Leaves a previewed file out. */
  skip: (file: File) => void;
} {
  const [previewQueue, setPreviewQueue] = useState<File[]>([]);
  const addChosenFiles = useCallback(
    (files: File[]) => {
      if (!roomFor(files)) return;
      addFiles(files.filter((f) => !isRecordFile(f)));
      const records = files.filter(isRecordFile);
      if (records.length > 0) setPreviewQueue((q) => [...q, ...records]);
    },
    [addFiles, roomFor],
  );
  const skip = useCallback((file: File) => setPreviewQueue((q) => q.filter((f) => f !== file)), []);
  const choose = useCallback(
    (file: File, textFields: string[] | undefined) => {
      skip(file);
      addFiles([{ file, textFields }]);
    },
    [addFiles, skip],
  );
  return { addChosenFiles, previewQueue, choose, skip };
}

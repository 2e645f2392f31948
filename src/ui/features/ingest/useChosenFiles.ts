// Files the user picked or dropped. Several at once go straight in as one batch: a table or JSON file among them
// takes the suggested text fields (it never waits for the chooser). A table or JSON file added on its own is
// previewed in the page, unless the user chose "always use the suggestion". Nothing is added when the user declines
// a size warning.
import { useCallback, useState } from 'react';
import { isRecordFile } from './record-files.ts';
import { loadAlwaysSuggested, saveAlwaysSuggested } from './record-fields-choice.ts';
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
  alwaysSuggested: boolean;
  setAlwaysSuggested: (value: boolean) => void;
} {
  const [previewQueue, setPreviewQueue] = useState<File[]>([]);
  const [alwaysSuggested, setAlways] = useState(() => loadAlwaysSuggested());
  const setAlwaysSuggested = useCallback((value: boolean) => {
    saveAlwaysSuggested(value);
    setAlways(value);
  }, []);
  const addChosenFiles = useCallback(
    (files: File[]) => {
      if (!roomFor(files)) return;
      const [only] = files;
      if (files.length === 1 && isRecordFile(only) && !alwaysSuggested) {
        setPreviewQueue((q) => [...q, only]);
        return;
      }
      addFiles(files);
    },
    [addFiles, roomFor, alwaysSuggested],
  );
  const skip = useCallback((file: File) => setPreviewQueue((q) => q.filter((f) => f !== file)), []);
  const choose = useCallback(
    (file: File, textFields: string[] | undefined) => {
      skip(file);
      addFiles([{ file, textFields }]);
    },
    [addFiles, skip],
  );
  return { addChosenFiles, previewQueue, choose, skip, alwaysSuggested, setAlwaysSuggested };
}

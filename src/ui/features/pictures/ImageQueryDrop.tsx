// Around the search box: a picture dropped here is the query (instead of being added to the library).
import { useState, type DragEvent, type ReactNode } from 'react';

const PICTURE_TYPES = /^image\/(png|jpeg|webp|gif)$/;

interface Props {
  enabled: boolean;
  onPicture: (file: File) => void;
  children: ReactNode;
}

export function ImageQueryDrop({ enabled, onPicture, children }: Props) {
  const [over, setOver] = useState(false);
  const carriesFiles = (event: DragEvent) => enabled && [...event.dataTransfer.types].includes('Files');
  return (
    <div
      className={over ? 'pictures__drop pictures__drop--over' : 'pictures__drop'}
      data-testid="image-query-drop"
      onDragOver={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        if (!carriesFiles(event)) return;
        event.preventDefault();
        event.stopPropagation();
        setOver(false);
        const file = [...event.dataTransfer.files].find((f) => PICTURE_TYPES.test(f.type));
        if (file) onPicture(file);
      }}
    >
      {children}
      {over && <p className="pictures__drop-hint">Drop a picture to find pictures like it</p>}
    </div>
  );
}

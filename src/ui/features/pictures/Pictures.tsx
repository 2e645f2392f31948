// The Pictures view: the strip above the passages and the picture viewer it opens. The app mounts it and wraps the
// search box in ImageQueryDrop with the same image-query state (usePictures).
import { useEffect, useState } from 'react';
import type { SearchResponse } from '../../../engine/api/index.ts';
import { useEngine } from '../../client/engine-context.ts';
import './pictures.css';
import { PicturesStrip } from './PicturesStrip.tsx';
import { PictureViewer } from './PictureViewer.tsx';
import type { ImageQuery } from './useImageQuery.ts';

interface Props {
  response: SearchResponse | undefined;
  imageQuery: ImageQuery | undefined;
  onClearImageQuery: () => void;
  /** Opens a document at a span of its text (from the viewer of a picture inside it). */
  onOpenDocument?: (target: { documentId: number; start: number; end: number }) => void;
}

export function Pictures({ response, imageQuery, onClearImageQuery, onOpenDocument }: Props) {
  const [open, setOpen] = useState<{ documentId: number; n: number }>();
  const { engine, settings } = useEngine();
  const on = settings?.imageSearch ?? false;
  // With image search on, the model starts loading with the page, not at the first search.
  useEffect(() => {
    if (engine && on) void engine.loadImageModel().catch(() => undefined);
  }, [engine, on]);
  return (
    <>
      <PicturesStrip
        response={response}
        imageQuery={imageQuery}
        onOpen={(picture) => setOpen({ documentId: picture.documentId, n: picture.n })}
        onClearImageQuery={onClearImageQuery}
      />
      <PictureViewer
        documentId={open?.documentId}
        n={open?.n ?? 0}
        onClose={() => setOpen(undefined)}
        onOpenDocument={onOpenDocument}
      />
    </>
  );
}

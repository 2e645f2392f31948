// A picture's thumbnail, read from the engine as bytes and shown through an object URL (never markup built from
// the file), revoked when it goes.
import { useEffect, useState } from 'react';
import { useEngine } from '../../client/engine-context.ts';

interface Props {
  documentId: number;
  /** Which picture of the document (0: a picture document's own). */
  n?: number;
  alt: string;
  width?: number;
  height?: number;
}

export function PictureThumbnail({ documentId, n = 0, alt, width, height }: Props) {
  const { engine } = useEngine();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!engine) return;
    let live = true;
    let made: string | undefined;
    engine.getPicture(documentId, n).then(
      (picture) => {
        if (!live || !picture) return;
        made = URL.createObjectURL(new Blob([picture.thumbnail.bytes], { type: picture.thumbnail.type }));
        setUrl(made);
      },
      () => undefined,
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [engine, documentId, n]);
  return url ? (
    <img className="pictures__image" src={url} alt={alt} width={width} height={height} data-testid="picture-image" />
  ) : (
    <span className="pictures__image pictures__image--empty" aria-hidden="true" />
  );
}

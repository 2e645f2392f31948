// With image search on, a picture is a document even when OCR finds no words in it: found by what it shows.
import { TroveError } from '../../core/errors.ts';
import type { FileParsing } from '../file-parsing.ts';
import { sniffPicture } from './decode-picture.ts';

type ParseFn = FileParsing['parse'];

/**
 * The parse step with image search on: a picture in which OCR found no text (or OCR is off) is still a document,
 * found by what it shows; its text is its file name, so it is listed, filtered and found by name like any other.
 */
export function withPictureDocuments(parse: ParseFn, imageSearch: () => boolean): ParseFn {
  return async (data, fileName, mimeType, signal, context) => {
    try {
      return await parse(data, fileName, mimeType, signal, context);
    } catch (error) {
      const noText = error instanceof TroveError && ['EMPTY_DOCUMENT', 'UNSUPPORTED_FORMAT'].includes(error.code);
      if (!noText || !imageSearch() || !sniffPicture(data)) throw error;
      const text = `Picture: ${fileName}`;
      return {
        format: 'image',
        text,
        blocks: [{ start: 0, end: text.length, kind: 'paragraph', page: 1 }],
        pageCount: 1,
        warnings: ['No text was recognised in this picture: it is found by its name and by what it shows.'],
      };
    }
  };
}

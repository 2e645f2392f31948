import { describe, expect, it } from 'vitest';
import { pictureLabel } from './picture-label.ts';

describe('pictureLabel', () => {
  it('names the page of a picture inside a document, and only the document otherwise', () => {
    expect(pictureLabel({ documentName: 'report.pdf', n: 2, page: 3 })).toBe('report.pdf · p. 3');
    expect(pictureLabel({ documentName: 'report.docx', n: 1 })).toBe('report.docx');
    expect(pictureLabel({ documentName: 'kite.png', n: 0 })).toBe('kite.png');
    expect(pictureLabel({ documentName: 'book.epub', n: 4, page: 2, pageUnit: 'chapter' })).toBe('book.epub · ch. 2');
    expect(pictureLabel({ documentName: 'scan.pdf', n: 1, page: 7, pageUnit: 'page' })).toBe('scan.pdf · p. 7');
  });
});

import { describe, expect, it } from 'vitest';
import { pictureLabel } from './picture-label.ts';

describe('pictureLabel', () => {
  it('names the page of a picture inside a document, and only the document otherwise', () => {
    expect(pictureLabel({ documentName: 'report.pdf', n: 2, page: 3 })).toBe('report.pdf · p. 3');
    expect(pictureLabel({ documentName: 'report.docx', n: 1 })).toBe('report.docx');
    expect(pictureLabel({ documentName: 'kite.png', n: 0 })).toBe('kite.png');
  });
});

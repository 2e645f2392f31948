import { describe, expect, it } from 'vitest';
import { viewableType } from './viewer-original.ts';

describe('which originals may open in a tab', () => {
  it('PDFs and raster images, when the type and the name agree', () => {
    expect(viewableType('application/pdf', 'report.pdf')).toBe('application/pdf');
    expect(viewableType('image/jpeg', 'scan.JPG')).toBe('image/jpeg');
    expect(viewableType('', 'scan.png')).toBe('image/png');
  });

  it('never HTML, SVG or XML, whatever the name or type claims', () => {
    expect(viewableType('text/html', 'page.html')).toBeUndefined();
    expect(viewableType('image/svg+xml', 'logo.svg')).toBeUndefined();
    expect(viewableType('application/xml', 'feed.xml')).toBeUndefined();
    expect(viewableType('image/png', 'page.html')).toBeUndefined();
    expect(viewableType('text/html', 'fake.pdf')).toBeUndefined();
    expect(viewableType('', 'page.svg')).toBeUndefined();
    expect(viewableType('text/markdown', 'notes.md')).toBeUndefined();
  });
});

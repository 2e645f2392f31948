import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockProblems } from '../../testing/ingest-test-utils.ts';
import { declaredCharset, htmlParser, htmlToText } from './html.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../../../e2e/fixtures/${name}`, import.meta.url)));

function outline(html: string) {
  const { text, blocks } = htmlToText(html);
  return blocks.map((b) =>
    b.kind === 'heading' ? `h${b.level}:${text.slice(b.start, b.end)}` : text.slice(b.start, b.end),
  );
}

describe('html parser', () => {
  it('extracts visible text only: no script, style, noscript, hidden or markup', async () => {
    const doc = await htmlParser.parse(fixture('injection.html'), 'injection.html');
    expect(doc.format).toBe('html');
    expect(doc.title).toBe('Lighthouse Keeping & Fog Signals');
    expect(doc.text).not.toMatch(
      /alert\('script ran'\)|document\.|injected by script|color: red|enable JavaScript|Hidden paragraph/,
    );
    expect(doc.text).not.toContain('broken image');
    // Escaped markup in the page is text, and stays inert text: decoded, never re-parsed.
    expect(doc.text).toContain('Markup shown as text must stay text: <img src=x onerror=alert(1)> is just a string.');
    expect(doc.text).toContain('trims the wick at dusk — a clean flame');
    expect(blockProblems(doc)).toEqual([]);
    const headings = doc.blocks
      .filter((b) => b.kind === 'heading')
      .map((b) => [b.level, doc.text.slice(b.start, b.end)]);
    expect(headings).toEqual([
      [1, 'Lighthouse Keeping'],
      [2, 'Fog Signals'],
    ]);
    expect(doc.blocks.map((b) => doc.text.slice(b.start, b.end)).slice(-2)).toEqual(['Brass polish', 'Spare lenses']);
  });

  it('makes block elements paragraphs, keeps inline elements inline, collapses whitespace', () => {
    const html =
      '<div>One <b>bold</b>\n\n   word<i>s</i></div><p>Two<br>lines</p><h3> Three </h3><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>';
    expect(outline(html)).toEqual(['One bold words', 'Two\nlines', 'h3:Three', 'a b\nc']);
    expect(htmlToText(html).text).toBe('One bold words\n\nTwo\nlines\n\nThree\n\na b\nc');
  });

  it('keeps whitespace inside <pre>', () => {
    expect(outline('<p>Code:</p><pre>  a = 1\n  b = 2</pre>')).toEqual(['Code:', 'a = 1\n  b = 2']);
  });

  it('decodes entities and uses the first h1 as title when there is no <title>', () => {
    const { text, title } = htmlToText('<h1>Caf&eacute; &amp; Bar</h1><p>&lt;b&gt; &#169; &#x263A; &nbsp;</p>');
    expect(title).toBe('Café & Bar');
    expect(text).toBe('Café & Bar\n\n<b> © ☺ \u00a0');
  });

  it('survives broken markup', () => {
    expect(outline('<p>open <b>never closed<p>next</i></div><script>x')).toEqual(['open never closed', 'next']);
  });

  it('honours a declared charset', async () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('<meta charset="windows-1252"><p>'), 0x93, 0x41, 0x94]);
    expect(declaredCharset(bytes)).toBe('windows-1252');
    const doc = await htmlParser.parse(bytes, 'x.html');
    expect(doc.text).toBe('“A”');
    expect(doc.warnings).toBeUndefined();
  });

  it('rejects a page without visible text', async () => {
    const bytes = new TextEncoder().encode(
      '<html><head><title>t</title><script>x()</script></head><body> </body></html>',
    );
    await expect(htmlParser.parse(bytes, 'x.html')).rejects.toMatchObject({ code: 'EMPTY_DOCUMENT' });
  });
});

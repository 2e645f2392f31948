import { describe, expect, it } from 'vitest';
import { analyze, analyzeWithOffsets } from './analyzer.ts';
import { splitIdentifier } from './identifiers.ts';

const parts = (w: string) => splitIdentifier(w).map((p) => p.text);

describe('splitIdentifier', () => {
  it('splits camelCase, PascalCase, acronyms, snake_case and SCREAMING_CASE; digits stay with their word', () => {
    expect(parts('parseHttpHeader')).toEqual(['parse', 'Http', 'Header']);
    expect(parts('HTTPServerError')).toEqual(['HTTP', 'Server', 'Error']);
    expect(parts('lunar_declination')).toEqual(['lunar', 'declination']);
    expect(parts('MAX_RETRY_COUNT')).toEqual(['MAX', 'RETRY', 'COUNT']);
    expect(parts('utf8Decoder')).toEqual(['utf8', 'Decoder']);
    expect(parts('getX')).toEqual(['get', 'X']);
    expect(parts('__init__')).toEqual([]); // one part only
  });

  it('leaves plain words, capitalised words and acronyms alone', () => {
    for (const w of ['header', 'Header', 'HTTP', 'x2', 'année']) expect(parts(w)).toEqual([]);
  });

  it('gives offsets inside the identifier', () => {
    expect(splitIdentifier('readFile')).toEqual([
      { text: 'read', start: 0, end: 4 },
      { text: 'File', start: 4, end: 8 },
    ]);
  });
});

describe('analyzer with splitIdentifiers', () => {
  it('keeps the whole identifier and adds its stemmed parts, each with its own offsets', () => {
    expect(analyze('const h = parseHttpHeader(line);', { splitIdentifiers: true })).toEqual([
      'const',
      'h',
      'parsehttphead',
      'pars',
      'http',
      'header',
      'line',
    ]);
    const spans = analyzeWithOffsets('x.parseHttpHeader', { splitIdentifiers: true });
    expect(spans.map((s) => [s.term, s.start, s.end])).toEqual([
      ['x', 0, 1],
      ['parsehttphead', 2, 17],
      ['pars', 2, 7],
      ['http', 7, 11],
      ['header', 11, 17],
    ]);
  });

  it('lets a query in words find an identifier, and the identifier find itself', () => {
    const doc = new Set(analyze('function parseHttpHeader(line) {}', { splitIdentifiers: true }));
    expect(analyze('parse the HTTP header').every((t) => doc.has(t))).toBe(true);
    expect(analyze('parseHttpHeader').every((t) => doc.has(t))).toBe(true);
  });

  it('splits non-ASCII identifiers too, and drops stop-word parts', () => {
    expect(analyze('größeBerechnen is_a_test', { splitIdentifiers: true })).toEqual([
      'größeberechnen',
      'größe',
      'berechnen',
      'is_a_test',
      'test',
    ]);
  });

  it('is off by default: English analysis is unchanged', () => {
    expect(analyze('parseHttpHeader lunar_declination')).toEqual(['parsehttphead', 'lunar_declin']);
  });
});

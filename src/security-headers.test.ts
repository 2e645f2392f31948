import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  headersFile,
} from './security-headers.ts';

const directives = (policy: string) => new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...v]) => [name, v.join(' ')]));

describe('security headers', () => {
  it('has the directives the privacy promise rests on', () => {
    const csp = directives(CONTENT_SECURITY_POLICY);
    expect(csp.get('worker-src')).toBe("'self' blob:");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('default-src')).toBe("'self'");
    expect(SECURITY_HEADERS['Referrer-Policy']).toBe('no-referrer');
    expect(SECURITY_HEADERS['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });

  it('gives the meta tag the same policy without frame-ancestors (ignored in a meta tag)', () => {
    const header = directives(CONTENT_SECURITY_POLICY);
    header.delete('frame-ancestors');
    expect(directives(META_CONTENT_SECURITY_POLICY)).toEqual(header);
  });

  it('writes every header in the _headers file under /*', () => {
    const lines = headersFile().split('\n');
    expect(lines).toContain('/*');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(lines).toContain(`  ${name}: ${value}`);
  });

  it('keeps the nginx and Caddy snippets in docs/hosting.md in step with the source', () => {
    const doc = readFileSync(new URL('../docs/hosting.md', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect(doc).toContain(`add_header ${name} "${value}" always;`);
      expect(doc).toContain(`${name} "${value}"`);
    }
  });
});

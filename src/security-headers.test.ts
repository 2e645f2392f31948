import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
  contentSecurityPolicy,
  headersFile,
  metaContentSecurityPolicy,
  securityHeaders,
} from './security-headers.ts';
import { parseModelHost } from './engine/models/model-host.ts';

const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...v]) => [name, v.join(' ')]),
  );

describe('security headers', () => {
  it('has the directives the privacy promise rests on', () => {
    const csp = directives(CONTENT_SECURITY_POLICY);
    expect(csp.get('worker-src')).toBe("'self'");
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    expect(csp.get('default-src')).toBe("'self'");
    expect(SECURITY_HEADERS['Referrer-Policy']).toBe('no-referrer');
    expect(SECURITY_HEADERS['Cross-Origin-Embedder-Policy']).toBe('require-corp');
  });

  it('CSP form-action none, no unsafe-inline styles, no blob: workers, in the header, the meta tag and _headers', () => {
    // The e2e suite (OCR, models, WebGPU, offline) runs without them: nothing needs inline styles or blob workers.
    for (const policy of [CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY, headersFile()]) {
      expect(policy).not.toContain("'unsafe-inline'");
      expect(policy).not.toMatch(/worker-src[^;]*blob:/);
    }
    for (const policy of [CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY]) {
      expect(directives(policy).get('form-action')).toBe("'none'");
      expect(directives(policy).get('style-src')).toBe("'self'");
    }
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

  it('lets the default build connect to the hub and its download redirects', () => {
    expect(directives(CONTENT_SECURITY_POLICY).get('connect-src')).toBe(
      "'self' blob: data: https://huggingface.co https://*.huggingface.co https://*.hf.co",
    );
  });

  it('lets a mirror build connect to that origin only, in the header, the meta tag and _headers', () => {
    const host = parseModelHost('https://models.example.org');
    const expected = "'self' blob: data: https://models.example.org";
    expect(directives(contentSecurityPolicy(host)).get('connect-src')).toBe(expected);
    expect(directives(metaContentSecurityPolicy(host)).get('connect-src')).toBe(expected);
    expect(headersFile(host)).toContain(
      `  Content-Security-Policy: ${securityHeaders(host)['Content-Security-Policy']}`,
    );
    expect(headersFile(host)).not.toMatch(/huggingface|hf\.co/);
  });

  it("gives a self build connect-src 'self' blob: data: only", () => {
    const host = parseModelHost('self');
    expect(directives(contentSecurityPolicy(host)).get('connect-src')).toBe("'self' blob: data:");
    expect(headersFile(host)).not.toMatch(/https:/);
  });

  it("documents VITE_TROVE_MODEL_HOST and the self build's policy in docs/hosting.md", () => {
    const doc = readFileSync(new URL('../docs/hosting.md', import.meta.url), 'utf8');
    expect(doc).toContain('VITE_TROVE_MODEL_HOST');
    expect(doc).toContain(
      `connect-src ${directives(contentSecurityPolicy(parseModelHost('self'))).get('connect-src')}`,
    );
  });
});

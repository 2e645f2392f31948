// The Ollama origin is a build-time opt-in: only VITE_TROVE_OLLAMA_ORIGIN widens connect-src, by exactly that origin.
import { afterEach, describe, expect, it, vi } from 'vitest';

async function freshHeaders() {
  vi.resetModules();
  return import('./security-headers.ts');
}
const connectSrc = (policy: string) =>
  policy
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('connect-src '));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('the Ollama origin in the CSP', () => {
  it('is absent unless the build asks for it', async () => {
    vi.stubEnv('VITE_TROVE_OLLAMA_ORIGIN', '');
    const headers = await freshHeaders();
    expect(connectSrc(headers.CONTENT_SECURITY_POLICY)).not.toMatch(/11434|localhost/);
  });

  it('adds exactly the origin the build names to connect-src, in the header and the meta tag', async () => {
    vi.stubEnv('VITE_TROVE_OLLAMA_ORIGIN', 'http://localhost:11434/');
    const headers = await freshHeaders();
    for (const policy of [
      headers.CONTENT_SECURITY_POLICY,
      headers.META_CONTENT_SECURITY_POLICY,
      headers.SECURITY_HEADERS['Content-Security-Policy'],
    ]) {
      expect(connectSrc(policy)).toMatch(/^connect-src 'self' .* http:\/\/localhost:11434$/);
    }
    // Nothing else widened: scripts still only from this site.
    expect(headers.CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(headers.headersFile()).toContain('http://localhost:11434');
  });

  it('refuses anything but an http(s) origin, saying what it expects', async () => {
    const { ollamaConnectSource } = await freshHeaders();
    expect(ollamaConnectSource('http://127.0.0.1:11434')).toBe('http://127.0.0.1:11434');
    expect(ollamaConnectSource(undefined)).toBeUndefined();
    expect(() => ollamaConnectSource('localhost:11434')).toThrow(/http\(s\) origin/);
    expect(() => ollamaConnectSource('http://localhost:11434/api/embed')).toThrow(/VITE_TROVE_OLLAMA_ORIGIN/);
    expect(() => ollamaConnectSource('*')).toThrow(/VITE_TROVE_OLLAMA_ORIGIN/);
  });
});

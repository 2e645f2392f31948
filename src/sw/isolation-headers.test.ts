import { describe, expect, it } from 'vitest';
import {
  ISOLATION_HEADERS,
  modelsPathForScope,
  navigationDenylist,
  withIsolationHeaders,
} from './isolation-headers.ts';

describe('withIsolationHeaders', () => {
  it('adds COOP, COEP and CORP to a response that lacks them, keeping status, body and other headers', async () => {
    const original = new Response('<!doctype html>', {
      status: 200,
      statusText: 'OK',
      headers: { 'content-type': 'text/html' },
    });
    const response = withIsolationHeaders(original);
    expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<!doctype html>');
  });

  it('keeps what the host sent (a host with credentialless COEP stays credentialless)', () => {
    const headers = {
      'Cross-Origin-Embedder-Policy': 'credentialless',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    const original = new Response('x', { headers });
    const response = withIsolationHeaders(original);
    expect(response).toBe(original);
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('credentialless');
  });

  it('rebuilds a null-body status without a body', () => {
    const response = withIsolationHeaders(new Response(null, { status: 204 }));
    expect(response.status).toBe(204);
    expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe(
      ISOLATION_HEADERS['Cross-Origin-Embedder-Policy'],
    );
  });

  it('leaves an error (status 0) response alone', () => {
    const error = Response.error();
    expect(withIsolationHeaders(error)).toBe(error);
  });
});

describe('navigation fallback under a base path', () => {
  it('denies only the models folder of the scope', () => {
    expect(modelsPathForScope('https://example.github.io/trove/')).toBe('/trove/models/');
    const [rule] = navigationDenylist('https://example.github.io/trove/');
    expect(rule.test('/trove/models/trove/glove-50d-static/config.json')).toBe(true);
    expect(rule.test('/trove/')).toBe(false);
    expect(rule.test('/models/x')).toBe(false);
    expect(navigationDenylist('http://127.0.0.1:4317/')[0].test('/models/x')).toBe(true);
  });

  it('escapes regex characters in the base path', () => {
    const [rule] = navigationDenylist('https://h.example/a.b+c/');
    expect(rule.test('/a.b+c/models/x')).toBe(true);
    expect(rule.test('/aXb+c/models/x')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { appBasePath, defaultLocalModelPath } from '../src/ui/client/base-path.ts';

describe('base-aware model path', () => {
  it('is /models/ at the root and <base>models/ under a sub-path', () => {
    expect(defaultLocalModelPath('/', 'https://host.example/')).toBe('/models/');
    expect(defaultLocalModelPath('/trove/', 'https://user.github.io/trove/')).toBe('/trove/models/');
    expect(defaultLocalModelPath('/trove', 'https://user.github.io/trove/')).toBe('/trove/models/');
  });

  it('resolves a relative base against the page, not the worker script', () => {
    expect(appBasePath('./', 'https://user.github.io/trove/index.html')).toBe('/trove/');
    expect(defaultLocalModelPath('./', 'https://user.github.io/trove/?q=x')).toBe('/trove/models/');
  });
});

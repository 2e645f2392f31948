import { describe, expect, it } from 'vitest';
import { ReleasingLru } from './thumbnail-cache.ts';

describe('the map thumbnail cache (least recently used, releasing)', () => {
  const cache = () => {
    const revoked: string[] = [];
    const lru = new ReleasingLru<number, string>(3, (url) => revoked.push(url));
    return { lru, revoked };
  };

  it('evicting past its capacity revokes the least recently used URL, and only that', () => {
    const { lru, revoked } = cache();
    lru.set(1, 'blob:1');
    lru.set(2, 'blob:2');
    lru.set(3, 'blob:3');
    expect(revoked).toEqual([]);
    lru.get(1); // used: 2 is now the oldest
    lru.set(4, 'blob:4');
    expect(revoked).toEqual(['blob:2']);
    expect([lru.has(1), lru.has(2), lru.has(3), lru.has(4)]).toEqual([true, false, true, true]);
    expect(lru.size).toBe(3);
  });

  it('replacing an entry revokes the old URL; clearing (the map unmounted) revokes every one left', () => {
    const { lru, revoked } = cache();
    lru.set(1, 'blob:1');
    lru.set(1, 'blob:1b');
    expect(revoked).toEqual(['blob:1']);
    lru.set(2, 'blob:2');
    lru.clear();
    expect(revoked.sort()).toEqual(['blob:1', 'blob:1b', 'blob:2']);
    expect(lru.size).toBe(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new ReleasingLru(0, () => undefined)).toThrow(RangeError);
  });
});

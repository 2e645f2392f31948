import { describe, expect, it } from 'vitest';
import { MapThumbnailStore, type ThumbnailLoader } from './thumbnail-store.ts';

/** A store over a loader that answers when told to, with object URLs counted instead of made. */
function setup(capacity = 3) {
  const calls: number[] = [];
  const answers = new Map<number, (blob: Blob | undefined) => void>();
  const load: ThumbnailLoader = (documentId) => {
    calls.push(documentId);
    return new Promise((resolve) => answers.set(documentId, resolve));
  };
  const live = new Set<string>();
  const revoked: string[] = [];
  let arrivals = 0;
  const store = new MapThumbnailStore<string>({
    load,
    capacity,
    open: async (blob) => {
      const url = `blob:${await blob.text()}`;
      live.add(url);
      return { url, image: `image of ${url}` };
    },
    revoke: (url) => {
      live.delete(url);
      revoked.push(url);
    },
    onArrive: () => arrivals++,
  });
  /** Answers document `id`'s fetch with a thumbnail (or none), then lets the store take it. */
  const answer = async (id: number, has = true) => {
    answers.get(id)!(has ? new Blob([String(id)]) : undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { store, calls, answer, live, revoked, arrivals: () => arrivals };
}

describe('the map thumbnail store', () => {
  it('fetches each wanted thumbnail once, and only those wanted', async () => {
    const { store, calls, answer, arrivals } = setup();
    store.want([1, 2]);
    store.want([1, 2]); // on their way: not asked again
    expect(calls).toEqual([1, 2]);
    await answer(1);
    await answer(2, false);
    expect(store.image(1)).toBe('image of blob:1');
    expect(store.image(2)).toBeUndefined();
    store.want([1, 2]); // kept, with or without a picture: not asked again
    expect(calls).toEqual([1, 2]);
    expect(arrivals()).toBe(1);
  });

  it('revokes the URL of a thumbnail evicted past its capacity, keeping those in view', async () => {
    const { store, answer, live, revoked } = setup(3);
    for (const id of [1, 2, 3]) {
      store.want([id]);
      await answer(id);
    }
    store.want([1]); // 1 in view again: 2 is now the least recently used
    store.want([4]);
    await answer(4);
    expect(revoked).toEqual(['blob:2']);
    expect([...live].sort()).toEqual(['blob:1', 'blob:3', 'blob:4']);
  });

  it('bug guard: disposing (the map unmounted) revokes every URL, and one arriving afterwards at once', async () => {
    const { store, answer, live, calls } = setup();
    store.want([1, 2]);
    await answer(1);
    store.dispose();
    expect(live.size).toBe(0);
    await answer(2);
    expect(live.size).toBe(0);
    store.want([3]);
    expect(calls).toEqual([1, 2]);
  });

  it('a loader that fails (a locked library) leaves a plain point and no URL', async () => {
    const live = new Set<string>();
    const store = new MapThumbnailStore<string>({
      load: () => Promise.reject(new Error('LOCKED')),
      capacity: 2,
      open: async () => {
        live.add('blob:x');
        return { url: 'blob:x', image: 'x' };
      },
      revoke: (url) => live.delete(url),
      onArrive: () => undefined,
    });
    store.want([1]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.image(1)).toBeUndefined();
    expect(live.size).toBe(0);
  });
});

// A bounded least-recently-used cache whose entries hold something to release (the map's thumbnails: an object URL
// each, which keeps its bytes alive until revoked). Eviction, replacement and clear() release what they drop, so
// panning about a large library of pictures holds at most `capacity` thumbnails.

export class ReleasingLru<K, V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<K, V>();

  constructor(
    readonly capacity: number,
    private readonly release: (value: V, key: K) => void,
  ) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value, marked as just used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key)!;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores a value (releasing one it replaces), then releases the least recently used beyond capacity. */
  set(key: K, value: V): void {
    if (this.entries.has(key)) {
      const old = this.entries.get(key)!;
      this.entries.delete(key);
      if (old !== value) this.release(old, key);
    }
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [K, V];
      this.entries.delete(oldestKey);
      this.release(oldest, oldestKey);
    }
  }

  /** Releases everything (the map went away). */
  clear(): void {
    const all = [...this.entries];
    this.entries.clear();
    for (const [key, value] of all) this.release(value, key);
  }
}

// Tells the other tabs that the library changed, so they catch up without a reload. The message is only a nudge:
// what changed is read from the store's change log (see Store.changesSince), so a lost or late message costs
// freshness, never correctness.

export interface LibraryChannel {
  /** Announces a write (the library version it produced). */
  announce(version: number): void;
  onAnnouncement(listener: (version: number) => void): void;
  /** Announces that the library was locked: every tab forgets its key and content, not only the one that locked. */
  announceLocked?(): void;
  onLocked?(listener: () => void): void;
  close(): void;
}

interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

/** A BroadcastChannel (pages, workers and Node ≥ 18) when present; otherwise a channel that stays silent. */
export function broadcastLibraryChannel(name: string): LibraryChannel {
  const Channel = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel;
  if (!Channel) return { announce: () => undefined, onAnnouncement: () => undefined, close: () => undefined };
  const channel = new Channel(name);
  const listeners = new Set<(version: number) => void>();
  const lockListeners = new Set<() => void>();
  channel.addEventListener('message', (event) => {
    const data = event.data as { type?: string; version?: unknown } | null;
    if (data?.type === 'library-locked') for (const listener of lockListeners) listener();
    if (data?.type !== 'library-changed' || typeof data.version !== 'number') return;
    for (const listener of listeners) listener(data.version);
  });
  return {
    announce: (version) => channel.postMessage({ type: 'library-changed', version }),
    onAnnouncement: (listener) => listeners.add(listener),
    announceLocked: () => channel.postMessage({ type: 'library-locked' }),
    onLocked: (listener) => lockListeners.add(listener),
    close: () => channel.close(),
  };
}

// The page's listeners of one kind of event (job progress, library events). A listener that throws is dropped: it
// is the comlink proxy of a page that went away, and it would throw at every later event too.
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): void {
    this.listeners.add(listener);
  }

  /** Tells every listener. */
  emit(value: T): void {
    for (const listener of this.listeners) this.tell(listener, value);
  }

  /** Tells one listener (e.g. a late subscriber what it missed). */
  tell(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch {
      this.listeners.delete(listener);
    }
  }
}

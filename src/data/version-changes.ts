/**
 * The changes of the data a backend serves, as they happen: what the `dataVersionChanged` subscription streams to
 * dashboards. Backend-neutral on purpose: the reloader (reloader.ts) feeds it when it swaps a new store in; a
 * database backend would feed it from its own notifications (PostgreSQL's LISTEN/NOTIFY, a change stream), once
 * the new data serves requests. Nothing here knows about HTTP or GraphQL.
 */

/** One change: the version now served, the one served before, and when the new one began to be served. */
export interface DataVersionChange {
  /** The version now served (what `extensions.dataVersion` reports from now on). */
  dataVersion: string;
  /** The version served until this change. */
  previousDataVersion: string;
  /** When the new version began to serve requests. */
  changedAt: Date;
}

/** What a backend whose data changes under a running server offers. */
export interface DataVersionChanges {
  /**
   * Calls `listener` after every change, once requests are answered from the new data; returns the function that
   * stops calling it. A listener must not throw (what it throws is caught and dropped) and must not block.
   */
  onChange(listener: (change: DataVersionChange) => void): () => void;
}

/** The listeners of a backend's changes, for a backend to implement DataVersionChanges with. */
export class DataVersionListeners implements DataVersionChanges {
  private readonly listeners = new Set<(change: DataVersionChange) => void>();

  onChange(listener: (change: DataVersionChange) => void): () => void {
    // A wrapper per call: the same function registered twice is called twice and removed once per call.
    const entry = (change: DataVersionChange) => listener(change);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  /** Tells every listener of `change`; one that throws does not keep the others from hearing of it. */
  emit(change: DataVersionChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own (see onChange); the backend's change stands.
      }
    }
  }

  /** Listeners registered now. */
  get size(): number {
    return this.listeners.size;
  }
}

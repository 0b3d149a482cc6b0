/**
 * The events of the `dataVersionChanged` subscription: one stream per subscriber, fed by the backend's
 * DataVersionChanges (the reloader, or a database's notifications). A stream starts with the version served when
 * it opens, so a client that reconnects learns of a change it missed, then reports each change. A subscriber that
 * has not taken its last event yet when another change comes gets only the newest (a dashboard needs the version
 * now served, not every version it missed): nothing queues up behind a slow client.
 */
import type { DataVersionChanges } from './data/version-changes.js';

/** One event, as the subscription sends it. */
export interface DataVersionEvent {
  /** The version served now. */
  dataVersion: string;
  /** The version this stream reported before (null in its first event). */
  previousDataVersion: string | null;
  /** When `dataVersion` began to be served (ISO 8601, UTC). */
  changedAt: string;
}

interface Served {
  dataVersion: string;
  since: string;
}

/** One subscriber's stream: an async iterator that ends when the subscriber or the server ends it. */
class VersionStream implements AsyncIterableIterator<DataVersionEvent> {
  /** The version this stream reported last (null before its first event). */
  private reported: string | null = null;
  /** The version to report next, if it differs from `reported`. */
  private latest: Served;
  private waiting: ((result: IteratorResult<DataVersionEvent>) => void) | null = null;
  private pending: Promise<IteratorResult<DataVersionEvent>> | null = null;
  private done = false;

  constructor(
    served: Served,
    private readonly onEnd: (stream: VersionStream) => void,
  ) {
    this.latest = served;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** A new version is served: the next event reports it (the newest one only, if several come meanwhile). */
  push(served: Served): void {
    if (this.done) return;
    this.latest = served;
    const waiting = this.waiting;
    if (!waiting) return;
    const event = this.take();
    if (!event) return;
    this.waiting = null;
    waiting({ done: false, value: event });
  }

  /** The event that reports `latest`, or null when it is the version reported last. */
  private take(): DataVersionEvent | null {
    const { dataVersion, since } = this.latest;
    if (dataVersion === this.reported) return null;
    const event = { dataVersion, previousDataVersion: this.reported, changedAt: since };
    this.reported = dataVersion;
    return event;
  }

  next(): Promise<IteratorResult<DataVersionEvent>> {
    if (this.done) return Promise.resolve({ done: true, value: undefined });
    // Consumers (graphql-js, yoga's SSE) take events one at a time: a call made while one waits gets the same event.
    if (this.pending) return this.pending;
    const event = this.take();
    if (event) return Promise.resolve({ done: false, value: event });
    this.pending = new Promise((resolve) => {
      this.waiting = (result) => {
        this.pending = null;
        resolve(result);
      };
    });
    return this.pending;
  }

  /** Ends the stream (the subscriber left, or the server is closing): a waiting `next` gets done. */
  return(): Promise<IteratorResult<DataVersionEvent>> {
    if (!this.done) {
      this.done = true;
      this.waiting?.({ done: true, value: undefined });
      this.waiting = null;
      this.onEnd(this);
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(): Promise<IteratorResult<DataVersionEvent>> {
    return this.return();
  }
}

/**
 * Every open stream of one app, and the version it serves (followed from the backend's changes from the start, so
 * each event says when its version began to be served). `close` (server shutdown) ends every stream, and a stream
 * opened after it ends at once.
 */
export class DataVersionEvents {
  private served: Served;
  private readonly streams = new Set<VersionStream>();
  private readonly stopListening: () => void;
  private closed = false;

  /**
   * `dataVersion` is the version served now, since `since` (the server's start); `changes` the backend's changes
   * (null: the data never changes, and a stream reports the version served, then waits until it is closed).
   */
  constructor(dataVersion: string, changes: DataVersionChanges | null, since: Date = new Date()) {
    this.served = { dataVersion, since: since.toISOString() };
    this.stopListening =
      changes?.onChange(({ dataVersion: version, changedAt }) => {
        this.served = { dataVersion: version, since: changedAt.toISOString() };
        for (const stream of this.streams) stream.push(this.served);
      }) ?? (() => {});
  }

  /** A new subscriber's stream: the version served now, then every change. */
  stream(): AsyncIterableIterator<DataVersionEvent> {
    const stream = new VersionStream(this.served, (ended) => this.streams.delete(ended));
    if (this.closed) void stream.return();
    else this.streams.add(stream);
    return stream;
  }

  /** Streams open now. */
  get size(): number {
    return this.streams.size;
  }

  /** Ends every stream, and every stream opened later (the server is shutting down), and stops listening. */
  close(): void {
    this.closed = true;
    this.stopListening();
    for (const stream of [...this.streams]) void stream.return();
  }
}

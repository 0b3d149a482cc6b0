/**
 * Data that changes under a running server. The holder gives each request the store current when the
 * request starts; a reload builds and validates a complete new store first and only then swaps it in,
 * so requests in flight finish on the store they started with and a bad edit never replaces good data.
 * A reload reads, validates and indexes in a worker thread (see reload-worker.ts), within a time limit, so
 * requests keep being served meanwhile and a reload that hangs is abandoned rather than blocking the next.
 */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_RELOAD_TIMEOUT_MS } from '../config.js';
import type { NewsDataSource } from './contract.js';
import type { Dataset } from './load-fixtures.js';
import { loadStore } from './load-store.js';
import { MemoryStore } from './memory/memory-store.js';
import { SearchIndex } from './memory/search-index.js';
import type { TextIndexData } from './memory/text-index.js';
import type { DatasetList, ReloadAck, ReloadMessage, ReloadRequest } from './reload-worker.js';
import { type DataVersionChanges, DataVersionListeners } from './version-changes.js';
import { workerScript } from './worker-module.js';

export interface SourceHolder {
  /** The store new requests should use. */
  current(): NewsDataSource;
  /** The version served and how the last reload went, for /ready (a holder that never reloads has no reload). */
  status(): DataStatus;
  /** Whether the data can be read now (a database's connection); a holder without it always can. */
  isAvailable?(): boolean;
}

export interface ReloadLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export type ReloadResult =
  | { ok: true; version: string; changed: boolean; ms: number }
  | { ok: false; error: string; ms: number };

/**
 * What /ready reports: the version served, and how the last reload went. `problem` is a summary (which files
 * were refused, or that the reload timed out), never file content; the log has the validator's full message.
 */
export interface DataStatus {
  dataVersion: string;
  lastReload?: { ok: true; at: string; ms: number } | { ok: false; at: string; ms: number; problem: string };
}

/** The reload worker's bootstrap (see workerScript). */
const WORKER_BOOTSTRAP = workerScript(import.meta.url, 'reload-worker');

/** A reload refused by the validator, with the files at fault. */
class RefusedReload extends Error {
  constructor(
    message: string,
    readonly files: string[],
  ) {
    super(message);
  }
}

/** Lets requests waiting on the event loop run between two long steps of this thread. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The one worker thread reloads run in, started at the first reload and kept for the next ones; ended when a
 * reload times out (a new one starts at the next reload) and when the holder closes. It does not keep the
 * process alive.
 */
class ReloadWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  /** Ends the reload running in the worker, if any, with this error. */
  private abort: ((error: Error) => void) | null = null;

  /** Loads `directory` in the worker: the dataset and its full-text index, or the reason it was refused. */
  run(directory: string, timeoutMs: number): Promise<{ data: Dataset; textIndex: TextIndexData }> {
    if (!this.worker) {
      this.worker = new Worker(WORKER_BOOTSTRAP, { eval: true });
      this.worker.unref();
    }
    const worker = this.worker;
    const id = this.nextId++;
    const lists: Partial<Record<DatasetList, unknown[]>> = {};
    return new Promise((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onFailure);
        worker.off('exit', onExit);
        this.abort = null;
      };
      const onMessage = (message: ReloadMessage) => {
        if (message.id !== id) return;
        if (message.kind === 'records') {
          const list = lists[message.list] ?? [];
          for (const record of message.records) list.push(record);
          lists[message.list] = list;
          // The next message after the requests waiting meanwhile (see ReloadAck).
          setImmediate(() => worker.postMessage({ ack: id } satisfies ReloadAck));
          return;
        }
        finish();
        if (message.kind === 'failed') {
          reject(message.files ? new RefusedReload(message.error, message.files) : new Error(message.error));
          return;
        }
        const data = { version: message.version } as Record<string, unknown>;
        for (const list of DATASET_LISTS) data[list] = lists[list] ?? [];
        resolve({ data: data as unknown as Dataset, textIndex: message.textIndex });
      };
      const onFailure = (error: Error) => {
        finish();
        this.stop();
        reject(error);
      };
      const onExit = (code: number) => onFailure(new Error(`the reload worker exited with code ${code}`));
      this.abort = onFailure;
      const timer = setTimeout(
        () => onFailure(new Error(`the reload did not finish within ${timeoutMs} ms and was abandoned`)),
        timeoutMs,
      );
      worker.on('message', onMessage);
      worker.once('error', onFailure);
      worker.once('exit', onExit);
      worker.postMessage({ id, directory } satisfies ReloadRequest);
    });
  }

  /** Ends the worker, and the reload running in it with `error`. */
  stop(error?: Error): void {
    if (error) this.abort?.(error);
    void this.worker?.terminate();
    this.worker = null;
  }
}

const DATASET_LISTS: readonly DatasetList[] = [
  'articles',
  'persons',
  'organizations',
  'events',
  'affiliations',
  'participations',
  'involvements',
  'organizationRelations',
  'eventRelations',
  'mentions',
  'claims',
];

export interface DataHolderOptions {
  /** How long a reload may take before it is abandoned (default DEFAULT_RELOAD_TIMEOUT_MS). */
  reloadTimeoutMs?: number;
}

/** Stops watching the data directory. */
export interface DataWatcher {
  close(): void;
}

export class DataHolder implements SourceHolder {
  private store: NewsDataSource;
  private readonly listeners = new DataVersionListeners();
  /** Every reload that changed the version, once the new store serves requests (the subscription's events). */
  readonly changes: DataVersionChanges = this.listeners;
  /** Reloads run one at a time. */
  private running: Promise<ReloadResult> | null = null;
  /** The one reload queued behind the running one, shared by every caller that asked meanwhile. */
  private queued: Promise<ReloadResult> | null = null;
  private readonly worker = new ReloadWorker();
  private readonly reloadTimeoutMs: number;
  private lastReload: DataStatus['lastReload'];
  private closed = false;

  constructor(
    private readonly directory: string,
    initial: NewsDataSource,
    private readonly logger?: ReloadLogger,
    options: DataHolderOptions = {},
  ) {
    this.store = initial;
    this.reloadTimeoutMs = options.reloadTimeoutMs ?? DEFAULT_RELOAD_TIMEOUT_MS;
  }

  static async load(directory: string, logger?: ReloadLogger, options?: DataHolderOptions): Promise<DataHolder> {
    return new DataHolder(directory, await loadStore(directory), logger, options);
  }

  current(): NewsDataSource {
    return this.store;
  }

  status(): DataStatus {
    return { dataVersion: this.store.version, ...(this.lastReload ? { lastReload: this.lastReload } : {}) };
  }

  /** Ends a reload in progress and refuses new ones (shutdown). */
  close(): void {
    this.closed = true;
    this.worker.stop(new Error('the reload was stopped: the server is shutting down'));
  }

  /**
   * Loads, validates and indexes the directory, then swaps the new store in; on any problem keeps the old one.
   * `timeoutMs` (default: the holder's) bounds this reload, not one queued behind it.
   */
  reload(options: { timeoutMs?: number } = {}): Promise<ReloadResult> {
    if (!this.running) {
      this.running = this.reloadOnce(options.timeoutMs ?? this.reloadTimeoutMs).finally(() => {
        this.running = null;
      });
      return this.running;
    }
    // The running reload may have read the files before this caller's change: queue one more after it.
    this.queued ??= this.running.then(() => {
      this.queued = null;
      return this.reload();
    });
    return this.queued;
  }

  private async reloadOnce(timeoutMs: number): Promise<ReloadResult> {
    const started = performance.now();
    const at = new Date().toISOString();
    try {
      if (this.closed) throw new Error('the data holder is closed');
      const { data, textIndex } = await this.worker.run(this.directory, timeoutMs);
      // The worker did the reading, validating and indexing; what is left here are two short steps, with a
      // turn of the event loop before each for the requests that are waiting.
      await nextTurn();
      const searchIndex = new SearchIndex(
        [...data.persons, ...data.organizations, ...data.events],
        data.articles,
        textIndex,
      );
      await nextTurn();
      const next = new MemoryStore(data, Promise.resolve(searchIndex));
      const previous = this.store.version;
      const changed = next.version !== previous;
      this.store = next; // one assignment: a request sees the old store or the new one, never a mix
      if (changed)
        this.listeners.emit({ dataVersion: next.version, previousDataVersion: previous, changedAt: new Date() });
      const ms = Math.round(performance.now() - started);
      this.lastReload = { ok: true, at, ms };
      this.logger?.info({ dataVersion: next.version, changed, ms }, changed ? 'data reloaded' : 'data unchanged');
      return { ok: true, version: next.version, changed, ms };
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const message = error instanceof Error ? error.message : String(error);
      const problem =
        error instanceof RefusedReload
          ? `the data was refused (problems in ${error.files.join(', ')}); the log has the details`
          : message;
      this.lastReload = { ok: false, at, ms, problem };
      this.logger?.error(
        { dataVersion: this.store.version, ms, err: message },
        'data reload refused: still serving the last good data',
      );
      return { ok: false, error: message, ms };
    }
  }

  /**
   * Reloads when a file in the directory changes, after a short quiet period (editors write in bursts). The
   * parent directory is watched too: a watch on a directory that is moved away or deleted sees nothing of the
   * one made in its place, so when an entry of that name appears the directory is watched again and reloaded.
   */
  watch(debounceMs = 200): DataWatcher {
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(), debounceMs);
    };
    let directoryWatcher: FSWatcher | null = null;
    const watchDirectory = () => {
      directoryWatcher?.close();
      directoryWatcher = null;
      try {
        const watcher = watch(this.directory, schedule);
        // Gone (deleted, unmounted): the parent's watcher sees it come back.
        watcher.on('error', () => watcher.close());
        directoryWatcher = watcher;
      } catch {
        // Not there at the moment: the parent's watcher sees it come back.
      }
    };
    watchDirectory();
    const name = path.basename(this.directory);
    const parentWatcher = watch(path.dirname(this.directory), (_event, entry) => {
      if (entry !== name) return;
      watchDirectory();
      schedule();
    });
    parentWatcher.on('error', () => parentWatcher.close());
    return {
      close() {
        clearTimeout(timer);
        directoryWatcher?.close();
        parentWatcher.close();
      },
    };
  }
}

/** A holder for a store that never changes (tests, benchmarks). */
export function fixedSource(source: NewsDataSource): SourceHolder {
  return { current: () => source, status: () => ({ dataVersion: source.version }) };
}

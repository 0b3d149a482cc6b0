/**
 * Data that changes under a running server. The holder gives each request the store current when the
 * request starts; a reload builds and validates a complete new store first and only then swaps it in,
 * so requests in flight finish on the store they started with and a bad edit never replaces good data.
 */
import { type FSWatcher, watch } from 'node:fs';
import { FixtureError, loadDataset } from './load-fixtures.js';
import { MemoryStore } from './memory-store.js';
import { SearchIndexBuild } from './search-index.js';
import type { NewsDataSource } from './source.js';

export interface SourceHolder {
  /** The store new requests should use. */
  current(): NewsDataSource;
}

export interface ReloadLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export type ReloadResult =
  | { ok: true; version: string; changed: boolean; ms: number }
  | { ok: false; error: string; ms: number };

/**
 * The worker's share of the search index when it starts while the main thread still has the mentions and the
 * store's other indexes to build (measured at 100,000 articles: it then finishes with the main thread's share).
 */
const EARLY_WORKER_SHARE = 0.65;

/**
 * Loads, validates and indexes a fixture directory into a store. The search index starts building in a worker
 * as soon as the documents are known, while the rest is validated and the store's other indexes are built.
 */
export async function loadStore(directory: string): Promise<MemoryStore> {
  let build: SearchIndexBuild | undefined;
  try {
    const data = await loadDataset(directory, {
      onIndexable: (entities, articles) => {
        build = new SearchIndexBuild(entities, articles, { workerShare: EARLY_WORKER_SHARE });
      },
    });
    return await MemoryStore.create(data, build);
  } catch (error) {
    build?.cancel();
    throw error;
  }
}

export class DataHolder implements SourceHolder {
  private store: NewsDataSource;
  /** Reloads run one at a time. */
  private running: Promise<ReloadResult> | null = null;
  /** The one reload queued behind the running one, shared by every caller that asked meanwhile. */
  private queued: Promise<ReloadResult> | null = null;

  constructor(
    private readonly directory: string,
    initial: NewsDataSource,
    private readonly logger?: ReloadLogger,
  ) {
    this.store = initial;
  }

  static async load(directory: string, logger?: ReloadLogger): Promise<DataHolder> {
    return new DataHolder(directory, await loadStore(directory), logger);
  }

  current(): NewsDataSource {
    return this.store;
  }

  /** Loads, validates and indexes the directory, then swaps the new store in; on any problem keeps the old one. */
  reload(): Promise<ReloadResult> {
    if (!this.running) {
      this.running = this.reloadOnce().finally(() => {
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

  private async reloadOnce(): Promise<ReloadResult> {
    const started = performance.now();
    try {
      const next = await loadStore(this.directory);
      const changed = next.version !== this.store.version;
      this.store = next; // one assignment: a request sees the old store or the new one, never a mix
      const ms = Math.round(performance.now() - started);
      this.logger?.info({ dataVersion: next.version, changed, ms }, changed ? 'data reloaded' : 'data unchanged');
      return { ok: true, version: next.version, changed, ms };
    } catch (error) {
      const ms = Math.round(performance.now() - started);
      const message = error instanceof FixtureError ? error.message : String(error);
      this.logger?.error(
        { dataVersion: this.store.version, ms, err: message },
        'data reload refused: still serving the last good data',
      );
      return { ok: false, error: message, ms };
    }
  }

  /** Reloads when a file in the directory changes, after a short quiet period (editors write in bursts). */
  watch(debounceMs = 200): FSWatcher {
    let timer: NodeJS.Timeout | undefined;
    const watcher = watch(this.directory, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(), debounceMs);
    });
    watcher.on('close', () => clearTimeout(timer));
    return watcher;
  }
}

/** A holder for a store that never changes (tests, benchmarks). */
export function fixedSource(source: NewsDataSource): SourceHolder {
  return { current: () => source };
}

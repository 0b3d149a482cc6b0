/**
 * The one way to build a store from a fixture directory (the server at start-up, the tests, the benchmarks and
 * the scripts): read, validate and index it. A reload builds its store in a worker thread instead (reloader.ts).
 */
import { loadDataset } from './load-fixtures.js';
import { MemoryStore } from './memory/memory-store.js';
import { SearchIndexBuild } from './memory/search-index.js';

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

/**
 * Every cache a yoga instance keeps of what clients send, each an LRU bounded by entries and by bytes: the
 * response cache, query costs, parsed documents and parse errors (yoga's parser cache), and graphql-jit's
 * compiled queries.
 */
import type { DocumentNode } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { BoundedCache } from '../bounded-cache.js';
import type { OperationPrice } from './cost.js';
import { tokenCount } from './documents.js';
import type { JitQuery } from './jit-executor.js';
import type { CachedAnswer, ResponseCacheLimits } from './response-cache.js';

/**
 * What a cached document costs on the heap, per lexical token: a parsed document measured 290-490 bytes per
 * token (operations/EntityPage.graphql: 196 tokens, 72 KB). The caches count documents by their tokens (at most
 * MAX_TOKENS each), not their characters.
 */
const DOCUMENT_BYTES_PER_TOKEN = 500;

/** The sizes of the caches a yoga instance keeps, as each counts them (for tests and operators). */
export interface CacheSizes {
  entries: number;
  bytes: number;
  maxBytes: number;
}

export function createCaches(
  responseLimits: ResponseCacheLimits,
  persistedQueryLimits = { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 },
) {
  const caches = {
    response:
      responseLimits.maxEntries > 0 && responseLimits.maxBytes > 0
        ? new BoundedCache<CachedAnswer>(responseLimits.maxEntries, responseLimits.maxBytes)
        : null,
    cost: new BoundedCache<OperationPrice>(10_000, 4 * 1024 * 1024),
    // yoga's default: 1,024 documents, however large; here also at most 64 MB of them.
    documents: new BoundedCache<DocumentNode>(1_024, 64 * 1024 * 1024),
    parseErrors: new BoundedCache<unknown>(1_024, 8 * 1024 * 1024),
    jit: new BoundedCache<JitQuery | null>(1_024, 64 * 1024 * 1024),
    // Documents registered by Automatic Persisted Queries (each at most the document length limit).
    persistedQueries: new BoundedCache<string>(persistedQueryLimits.maxEntries, persistedQueryLimits.maxBytes),
  };
  /** yoga's parser cache, in the bounded caches. */
  const parserAndValidationCache: YogaServerOptions<object, object>['parserAndValidationCache'] = {
    documentCache: {
      get: (query) => caches.documents.get(query),
      set: (query, document) =>
        void caches.documents.set(query, document, DOCUMENT_BYTES_PER_TOKEN * tokenCount(document)),
    },
    // A parse error: its message and location, and the key.
    errorCache: {
      get: (query) => caches.parseErrors.get(query),
      set: (query, error) => void caches.parseErrors.set(query, error, 1_000),
    },
  };
  /** The caches' sizes as they count them: entries, bytes, and their byte bound. */
  const sizes = (): Record<string, CacheSizes> =>
    Object.fromEntries(
      Object.entries(caches).flatMap(([name, cache]) =>
        cache ? [[name, { entries: cache.size, bytes: cache.bytes, maxBytes: cache.maxBytes }]] : [],
      ),
    );
  return { ...caches, parserAndValidationCache, sizes };
}

/**
 * The yoga instance over a data source, as a list of plugins, each in its own module under src/plugins/.
 * Testable without a port: tests call `yoga.fetch`. The HTTP-level limits (body size, timeouts) are in server.ts.
 */

import { createHash } from 'node:crypto';
import { useEngine } from '@envelop/core';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type DocumentNode, execute, printSchema } from 'graphql';
import { createYoga, type YogaLogger } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { BoundedCache } from './bounded-cache.js';
import {
  DEFAULT_HTTP_CACHE_MAX_AGE_SECONDS,
  DEFAULT_HTTP_CACHE_STALE_WHILE_REVALIDATE_SECONDS,
  DEFAULT_LIMITS,
  type QueryLimits,
} from './config.js';
import { type Context, type ContextOptions, createContext } from './context.js';
import { fixedSource, type SourceHolder } from './data/reloader.js';
import type { NewsDataSource } from './data/source.js';
import { GRAPHIQL_OPTIONS, memoizedGraphiQL } from './graphiql.js';
import { corsFor, varyOnOriginPlugin } from './plugins/cors.js';
import { costPlugin } from './plugins/cost.js';
import { tokenCount } from './plugins/documents.js';
import { errorCodesPlugin } from './plugins/error-codes.js';
import { graphiqlPagePlugin } from './plugins/graphiql-page.js';
import {
  CSRF_HEADER,
  emptyRefusalsPlugin,
  knownOperationTypesPlugin,
  requestShapePlugin,
} from './plugins/graphql-over-http.js';
import { type HttpCacheSettings, httpCachingPlugin } from './plugins/http-caching.js';
import { type JitQuery, jitExecutor, withJitResolveTypes } from './plugins/jit-executor.js';
import { documentLimitPlugins } from './plugins/limits.js';
import {
  dataVersionPlugin,
  errorCounter,
  metricsEndpointPlugin,
  prometheusPlugin,
  readinessPlugin,
} from './plugins/operations.js';
import { type OperationsOptions, persistedQueriesPlugin, trustedDocuments } from './plugins/persisted-queries.js';
import { cachedExecutor, type ResponseCacheLimits } from './plugins/response-cache.js';
import { executionTimeoutPlugin } from './plugins/timeout.js';
import { schema } from './schema/index.js';

export { CSRF_HEADER } from './plugins/graphql-over-http.js';
export { MAX_INPUT_DEPTH } from './plugins/limits.js';
export type { ResponseCacheLimits } from './plugins/response-cache.js';

export interface NewsYogaOptions extends ContextOptions {
  /** The data: a fixed store, or a holder whose store can be swapped by a reload. */
  source: NewsDataSource | SourceHolder;
  limits?: Partial<QueryLimits>;
  /** Allow introspection (default true); when off, field suggestions are hidden too. */
  introspection?: boolean;
  /** Browser origins allowed by CORS (default: all). */
  corsOrigins?: string[];
  /** yoga's logger (default: none, as in tests). */
  logger?: YogaLogger | false;
  /** Prometheus registry for /metrics (default: a fresh one per instance). */
  registry?: Registry;
  /** Serve /metrics on this instance's port (default true). */
  metricsEndpoint?: boolean;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>` (401 otherwise). */
  metricsToken?: string;
  /** Readiness for /ready (default: always ready). */
  isReady?: () => boolean;
  /** Compile documents executed more than once with graphql-jit (default true); false: graphql-js only. */
  jit?: boolean;
  /** The response cache's size (default: no cache; the server's defaults are in config.ts). */
  responseCache?: ResponseCacheLimits;
  /** Cache-Control of successful GET answers (default: config.ts's defaults). */
  httpCache?: HttpCacheSettings;
  /** Which documents run (default: any, with client/persisted-operations.json served by hash). */
  operations?: OperationsOptions;
  /** The bounds of the store of documents registered by Automatic Persisted Queries (default: 10,000 and 16 MB). */
  persistedQueryStore?: { maxEntries: number; maxBytes: number };
}

/**
 * What a cached document costs on the heap, per lexical token: a parsed document measured 290-490 bytes per
 * token (operations/EntityPage.graphql: 196 tokens, 72 KB). The caches count documents by their tokens (at most MAX_TOKENS each), not their characters.
 */
const DOCUMENT_BYTES_PER_TOKEN = 500;

/** The sizes of the caches a yoga instance keeps, as each counts them (for tests and operators). */
export interface CacheSizes {
  entries: number;
  bytes: number;
  maxBytes: number;
}

function isHolder(source: NewsDataSource | SourceHolder): source is SourceHolder {
  return typeof (source as SourceHolder).current === 'function';
}

export function createNewsYoga(options: NewsYogaOptions) {
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const holder = isHolder(options.source) ? options.source : fixedSource(options.source);
  const registry = options.registry ?? new Registry();
  const origins = options.corsOrigins ?? ['*'];
  // Every cache keyed by what clients send, each bounded by entries and bytes.
  const responseLimits = options.responseCache ?? { maxEntries: 0, maxBytes: 0 };
  const caches = {
    response:
      responseLimits.maxEntries > 0 && responseLimits.maxBytes > 0
        ? new BoundedCache<string>(responseLimits.maxEntries, responseLimits.maxBytes)
        : null,
    cost: new BoundedCache<number>(10_000, 4 * 1024 * 1024),
    // yoga's default: 1,024 documents, however large; here also at most 64 MB of them.
    documents: new BoundedCache<DocumentNode>(1_024, 64 * 1024 * 1024),
    parseErrors: new BoundedCache<unknown>(1_024, 8 * 1024 * 1024),
    jit: new BoundedCache<JitQuery | null>(1_024, 64 * 1024 * 1024),
    // Documents registered by Automatic Persisted Queries (each at most the document length limit).
    persistedQueries: new BoundedCache<string>(
      options.persistedQueryStore?.maxEntries ?? 10_000,
      options.persistedQueryStore?.maxBytes ?? 16 * 1024 * 1024,
    ),
  };
  const operations = options.operations ?? { mode: 'any' };
  const trusted = trustedDocuments(operations);
  const cacheSizes = (): Record<string, CacheSizes> =>
    Object.fromEntries(
      Object.entries(caches).flatMap(([name, cache]) =>
        cache ? [[name, { entries: cache.size, bytes: cache.bytes, maxBytes: cache.maxBytes }]] : [],
      ),
    );

  // What, beside the data and the request, decides an answer: the schema and the settings that refuse or change
  // answers. Part of every ETag (computed once, when first needed).
  let fingerprint: string | undefined;
  const serverFingerprint = () => {
    fingerprint ??= createHash('sha256')
      .update(JSON.stringify([printSchema(schema), limits, options.introspection ?? true, operations.mode]))
      .digest('base64url');
    return fingerprint;
  };

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema: withJitResolveTypes(schema),
    // The store is read once, when the request starts: a reload never changes the data under a request.
    context: () => createContext(holder.current(), options),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // Never send stack traces or library messages, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    logging: options.logger ?? false,
    // Arrays of operations are refused (BAD_REQUEST): one request, one operation, one cost.
    batching: false,
    // The body limit is enforced in server.ts from Content-Length, at no cost per request; yoga's own
    // check pipes every body through a counting stream. (yoga.fetch in tests has no body limit.)
    maxRequestBodySize: false,
    // No file uploads: multipart requests are refused (415) rather than parsed.
    multipart: false,
    cors: corsFor(origins),
    renderGraphiQL: memoizedGraphiQL,
    graphiql: GRAPHIQL_OPTIONS,
    parserAndValidationCache: {
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
    },
    plugins: [
      // graphql-jit, or graphql-js's own executor: both keep response keys in the order of the query (GraphQL
      // spec §7.2.2), which the @graphql-tools executor version that runs on Node 20 does not.
      useEngine({
        execute: cachedExecutor(options.jit === false ? execute : jitExecutor(1, caches.jit), caches.response),
      }),
      errorCodesPlugin(limits, errorCounter(registry)),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      ...documentLimitPlugins(limits, options.introspection ?? true),
      persistedQueriesPlugin(operations.mode, trusted, caches.persistedQueries),
      knownOperationTypesPlugin(),
      costPlugin(limits.maxCost, caches.cost),
      executionTimeoutPlugin(limits.executionTimeoutMs),
      dataVersionPlugin(),
      readinessPlugin(holder, options.isReady ?? (() => true)),
      requestShapePlugin(),
      httpCachingPlugin(
        holder,
        options.httpCache ?? {
          maxAgeSeconds: DEFAULT_HTTP_CACHE_MAX_AGE_SECONDS,
          staleWhileRevalidateSeconds: DEFAULT_HTTP_CACHE_STALE_WHILE_REVALIDATE_SECONDS,
        },
        serverFingerprint,
      ),
      emptyRefusalsPlugin(),
      graphiqlPagePlugin(() => memoizedGraphiQL(GRAPHIQL_OPTIONS)),
      ...(origins.includes('*') ? [] : [varyOnOriginPlugin()]),
      ...(options.metricsEndpoint === false ? [] : [metricsEndpointPlugin(registry, options.metricsToken)]),
      prometheusPlugin(registry),
    ],
  });
  /** The caches' sizes as they count them: entries, bytes, and their byte bound. */
  return Object.assign(yoga, { cacheSizes });
}

export type NewsYoga = ReturnType<typeof createNewsYoga>;

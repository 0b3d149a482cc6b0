/**
 * The yoga instance, as a list of plugins, each in its own module under src/plugins/. Its options are resolved
 * already: src/app.ts makes them from the configuration and the data source (createNewsgraph). Testable without
 * a port: tests call `yoga.fetch`. The HTTP-level limits (body size, timeouts) are in server.ts.
 */

import { useEngine } from '@envelop/core';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { execute, type GraphQLSchema, printSchema, subscribe } from 'graphql';
import { createYoga, type YogaLogger } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import type { QueryLimits } from './config.js';
import type { Context } from './context.js';
import type { SourceHolder } from './data/reloader.js';
import { GRAPHIQL_OPTIONS, memoizedGraphiQL } from './graphiql.js';
import { QueryLane } from './http/query-lane.js';
import type { ReplayCache } from './http/replay-cache.js';
import { type CacheSizes, createCaches } from './plugins/caches.js';
import { corsFor, varyOnOriginPlugin } from './plugins/cors.js';
import { costPlugin } from './plugins/cost.js';
import { dashboardPagePlugin } from './plugins/dashboard-page.js';
import { errorCodesPlugin } from './plugins/error-codes.js';
import { graphiqlPagePlugin } from './plugins/graphiql-page.js';
import {
  CSRF_HEADER,
  emptyRefusalsPlugin,
  knownOperationTypesPlugin,
  requestShapePlugin,
} from './plugins/graphql-over-http.js';
import { type HttpCacheSettings, httpCachingPlugin, serverFingerprint } from './plugins/http-caching.js';
import { jitExecutor } from './plugins/jit-executor.js';
import { documentLimitPlugins } from './plugins/limits.js';
import { dataVersionPlugin, metricsEndpointPlugin, readinessPlugin } from './plugins/operations.js';
import { type OperationsOptions, persistedQueriesPlugin, trustedDocuments } from './plugins/persisted-queries.js';
import { type ClientIdentity, type RateLimiter, rateLimitPlugin } from './plugins/rate-limit.js';
import { type RequestMetrics, requestMetricsPlugin } from './plugins/request-metrics.js';
import { cachedExecutor, type ResponseCacheLimits } from './plugins/response-cache.js';
import { type SubscriptionSlots, subscriptionsPlugin } from './plugins/subscriptions.js';
import { executionTimeoutPlugin } from './plugins/timeout.js';
import { unavailableDataPlugin } from './plugins/unavailable.js';

export interface NewsYogaOptions {
  /** The executable schema (patched for graphql-jit). */
  schema: GraphQLSchema;
  /** Makes each request's context, from the store current when the request starts. */
  context: () => Context;
  /** The data's holder: what /ready reports. */
  holder: SourceHolder;
  limits: QueryLimits;
  /** Allow introspection; when off, field suggestions are hidden too. */
  introspection: boolean;
  /** Browser origins allowed by CORS (`*`: all). */
  corsOrigins: string[];
  /** yoga's logger (false: none). */
  logger: YogaLogger | false;
  /** Prometheus registry for /metrics. */
  registry: Registry;
  /** The request metrics, in that registry. */
  metrics: RequestMetrics;
  /** Serve /metrics on this instance's port. */
  metricsEndpoint: boolean;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>` (401 otherwise). */
  metricsToken: string | undefined;
  /** Readiness for /ready. */
  isReady: () => boolean;
  /** Compile documents executed more than once with graphql-jit; false: graphql-js only. */
  jit: boolean;
  /** The response cache's size (0 entries: no cache). */
  responseCache: ResponseCacheLimits;
  /** The per-client budget (null: none). */
  rateLimiter: RateLimiter | null;
  /** Cache-Control of successful GET answers. */
  httpCache: HttpCacheSettings;
  /** Which documents run (any, with client/persisted-operations.json served by hash; or only those). */
  operations: OperationsOptions;
  /** The bounds of the documents registered by Automatic Persisted Queries (default 10,000 and 16 MB). */
  persistedQueryStore?: { maxEntries: number; maxBytes: number };
  /** The built dashboard served at /dashboard (default dashboard/dist/). */
  dashboardDir?: string;
  /** The subscriptions open, and their limits. */
  subscriptions: SubscriptionSlots;
  /** Who sent a request, for the subscription limits (and the budget, which has its own settings). */
  clients: ClientIdentity;
  /** The replay cache, told which results it may keep. */
  replay: ReplayCache;
  /** Answer JSON POSTs of known queries without yoga's HTTP layer (src/http/query-lane.ts). */
  queryLane: boolean;
}

export function createNewsYoga(options: NewsYogaOptions) {
  const { limits, registry, corsOrigins: origins, responseCache: responseLimits } = options;
  // Every cache keyed by what clients send, each bounded by entries and bytes.
  const caches = createCaches(responseLimits, options.persistedQueryStore);
  const { metrics } = options;
  const countError = metrics.error;
  metrics.subscriptionsOpen(registry, () => options.subscriptions.total);
  const trusted = trustedDocuments(options.operations);
  const lane = new QueryLane({
    enabled: options.queryLane,
    documents: caches.documents,
    maxDocumentLength: limits.maxDocumentLength,
    trustedOnly: options.operations.mode === 'trusted',
    varyOnOrigin: !origins.includes('*'),
    rateLimiter: options.rateLimiter,
    metrics,
    countError,
    onError: (error) => {
      if (options.logger) options.logger.error(error);
    },
  });

  const yoga = createYoga<Record<string, unknown>, Context>({
    schema: options.schema,
    context: options.context,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // Never send stack traces or library messages, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    logging: options.logger,
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
    parserAndValidationCache: caches.parserAndValidationCache,
    plugins: [
      // graphql-jit, or graphql-js's own executor: both keep response keys in the order of the query (GraphQL
      // spec §7.2.2), which the @graphql-tools executor version that runs on Node 20 does not.
      useEngine({
        execute: cachedExecutor(options.jit ? jitExecutor(1, caches.jit) : execute, caches.response),
        subscribe,
      }),
      // The dashboard's page and assets, answered before any plugin reads GraphQL parameters: its URLs carry
      // its own state.
      dashboardPagePlugin(options.dashboardDir),
      // Before any plugin that can answer a request by itself: a client over its budget gets nothing else.
      ...(options.rateLimiter ? [rateLimitPlugin(options.rateLimiter, countError)] : []),
      errorCodesPlugin(limits, countError),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      ...documentLimitPlugins(limits, options.introspection),
      persistedQueriesPlugin(options.operations.mode, trusted, caches.persistedQueries),
      knownOperationTypesPlugin(),
      costPlugin(limits, caches.cost),
      // After the cost, which prices a subscription over the store its context still has.
      subscriptionsPlugin(options.subscriptions, options.clients),
      executionTimeoutPlugin(limits.executionTimeoutMs),
      unavailableDataPlugin(),
      dataVersionPlugin(),
      readinessPlugin(options.holder, options.isReady),
      requestShapePlugin(),
      httpCachingPlugin(
        options.holder,
        options.httpCache,
        serverFingerprint(() => [printSchema(options.schema), limits, options.introspection, options.operations.mode]),
      ),
      emptyRefusalsPlugin(),
      graphiqlPagePlugin(() => memoizedGraphiQL(GRAPHIQL_OPTIONS)),
      ...(origins.includes('*') ? [] : [varyOnOriginPlugin()]),
      ...(options.metricsEndpoint ? [metricsEndpointPlugin(registry, options.metricsToken)] : []),
      requestMetricsPlugin(metrics),
      options.replay.plugin(),
      lane.plugin(),
    ],
  });
  const buckets = options.rateLimiter?.buckets;
  const cacheSizes = (): Record<string, CacheSizes> => ({
    ...caches.sizes(),
    ...(buckets ? { rateLimit: { entries: buckets.size, bytes: buckets.bytes, maxBytes: buckets.maxBytes } } : {}),
    replay: { entries: options.replay.size, bytes: options.replay.bytes, maxBytes: options.replay.maxBytes },
  });
  return Object.assign(yoga, { cacheSizes, lane });
}

export type NewsYoga = ReturnType<typeof createNewsYoga>;

/**
 * The one place the application is assembled: from a validated configuration and a data source, the schema,
 * the per-request context and the yoga instance. The server (server.ts) only listens and shuts down around it;
 * the tests, the benchmarks and the scripts build it here too, so what they run is what is served.
 */
import type { GraphQLSchema } from 'graphql';
import type { YogaLogger } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { type Config, clientSettingsOf, httpOptionsOf, limitsOf, rateLimitOf, subscriptionLimitsOf } from './config.js';
import { type Context, createContext } from './context.js';
import type { NewsDataSource } from './data/contract.js';
import { DataHolder, fixedSource, type SourceHolder } from './data/reloader.js';
import type { DataVersionChanges } from './data/version-changes.js';
import { DataVersionEvents } from './data-version-events.js';
import { ReplayCache } from './http/replay-cache.js';
import { withJitResolveTypes } from './plugins/jit-executor.js';
import { ClientIdentity, RateLimiter, rateLimitBuckets } from './plugins/rate-limit.js';
import { RequestMetrics } from './plugins/request-metrics.js';
import { SubscriptionSlots } from './plugins/subscriptions.js';
import { schema } from './schema/index.js';
import { createNewsYoga, type NewsYoga } from './yoga.js';

export interface NewsgraphOptions {
  config: Config;
  /** The data: a fixed store, or a holder whose store a reload can swap. */
  source: NewsDataSource | SourceHolder;
  /** Where yoga logs (default: nowhere; the server gives it its pino logger through yogaLogger). */
  logger?: YogaLogger;
  /** Readiness for /ready (default: always ready; the server turns it off when it shuts down). */
  isReady?: () => boolean;
  /** The Prometheus registry the metrics go to (default: a fresh one). */
  registry?: Registry;
  /** Compile repeated documents with graphql-jit (default true); false: graphql-js only, to compare the two. */
  jit?: boolean;
  /** The per-client budget's clock, in ms (default performance.now): tests inject time. */
  clock?: () => number;
  /** The bounds of the documents registered by Automatic Persisted Queries (default 10,000 and 16 MB). */
  persistedQueryStore?: { maxEntries: number; maxBytes: number };
  /** The built dashboard served at /dashboard (default dashboard/dist/, written by npm run build:dashboard). */
  dashboardDir?: string;
  /**
   * The data's changes, which the `dataVersionChanged` subscription streams (default: a DataHolder's reloads; none
   * for a fixed store). A backend that changes by other means (a database's notifications) passes its own.
   */
  changes?: DataVersionChanges;
}

export interface Newsgraph {
  yoga: NewsYoga;
  /** The executable schema, as yoga serves it (patched for graphql-jit: the bench's mercurius serves it too). */
  schema: GraphQLSchema;
  /** Makes a request's context over the store current at that moment (a reload never changes a request's data). */
  context: () => Context;
  /** Where the metrics go (the server also serves them on METRICS_PORT). */
  registry: Registry;
  /** The subscriptions' streams: the server ends them all when it shuts down. */
  dataVersionEvents: DataVersionEvents;
  /** The subscriptions open, in all and by client. */
  subscriptions: SubscriptionSlots;
  /** The per-client budget (null when it is off): the server charges the answers it replays to it too. */
  rateLimiter: RateLimiter | null;
  /** The request metrics (the server counts the answers it replays there too). */
  metrics: RequestMetrics;
  /** The replay cache: the server answers repeated requests from it, before yoga. */
  replay: ReplayCache;
}

function isHolder(source: NewsDataSource | SourceHolder): source is SourceHolder {
  return typeof (source as SourceHolder).current === 'function';
}

/** The per-client budget of the configuration, on the given clock (tests inject time), or null when it is off. */
function rateLimiterOf(config: Config, clock: (() => number) | undefined): RateLimiter | null {
  const settings = rateLimitOf(config);
  if (!settings) return null;
  // Buckets by client, bounded like the caches.
  return new RateLimiter({ ...settings, ...(clock ? { clock } : {}) }, rateLimitBuckets(settings.maxClients));
}

export function createNewsgraph(options: NewsgraphOptions): Newsgraph {
  const { config } = options;
  const holder = isHolder(options.source) ? options.source : fixedSource(options.source);
  const registry = options.registry ?? new Registry();
  const contextOptions = { batch: config.batch };
  const changes = options.changes ?? (holder instanceof DataHolder ? holder.changes : null);
  const dataVersionEvents = new DataVersionEvents(holder.current().version, changes);
  const subscriptions = new SubscriptionSlots(subscriptionLimitsOf(config));
  const rateLimiter = rateLimiterOf(config, options.clock);
  const metrics = new RequestMetrics(registry);
  // The naive configuration measures the cost of executing without batching: no replayed answers for it either.
  const replay = new ReplayCache(
    { maxEntries: config.batch ? config.replayCacheMaxEntries : 0, maxBytes: config.replayCacheMaxBytes },
    config.rateLimitKeyHeader || null,
  );
  const context = () => createContext(holder.current(), dataVersionEvents, contextOptions);
  const executable = withJitResolveTypes(schema);
  const yoga = createNewsYoga({
    schema: executable,
    context,
    holder,
    limits: limitsOf(config),
    introspection: config.introspection,
    corsOrigins: config.corsOrigins,
    logger: options.logger ?? false,
    registry,
    metrics,
    metricsEndpoint: config.metricsOnMainPort,
    metricsToken: config.metricsToken || undefined,
    isReady: options.isReady ?? (() => true),
    jit: options.jit ?? true,
    rateLimiter,
    ...httpOptionsOf(config),
    persistedQueryStore: options.persistedQueryStore,
    dashboardDir: options.dashboardDir,
    subscriptions,
    clients: new ClientIdentity(clientSettingsOf(config)),
    replay,
    queryLane: config.queryLane,
    // The naive configuration measures the cost of executing without batching: no cache answers for it.
    responseCache: {
      maxEntries: config.batch ? config.responseCacheMaxEntries : 0,
      maxBytes: config.responseCacheMaxBytes,
    },
  });
  return {
    yoga,
    schema: executable,
    context,
    registry,
    dataVersionEvents,
    subscriptions,
    rateLimiter,
    metrics,
    replay,
  };
}

/**
 * All runtime configuration: environment variables, overridden by command-line flags, validated at
 * start-up with a message that names the bad value. The defaults are the published limits.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import proxyaddr from '@fastify/proxy-addr';
import { z } from 'zod';
import type { HttpCacheSettings } from './plugins/http-caching.js';
import { DEFAULT_MANIFEST_FILE, OPERATIONS_MODES, type OperationsOptions } from './plugins/persisted-queries.js';
import type { SubscriptionLimits } from './plugins/subscriptions.js';

/**
 * The published query limits. Each is about twice what the heaviest legitimate query needs (the README
 * examples and operations/, measured by tests/limits.test.ts), so real clients never meet them and a
 * crafted query cannot cost much more than a real one.
 */
export interface QueryLimits {
  /** Deepest selection (introspection exempt). Relay connections add two levels (edges/nodes, node). */
  maxDepth: number;
  /** Cost computed before execution (src/plugins/cost.ts): objects 1, scalars 0, a connection 2 plus its page. */
  maxCost: number;
  /** The most objects a query can return (every list at its page size or its longest), as GitHub's node limit. */
  maxNodes: number;
  /** Aliased fields per document. */
  maxAliases: number;
  /** Lexical tokens per document. */
  maxTokens: number;
  /** Directives per document. */
  maxDirectives: number;
  /** Characters in the query text. */
  maxDocumentLength: number;
  /** Execution time per request, in milliseconds. */
  executionTimeoutMs: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  // The deepest legitimate query is a natural one with no page argument, 10 deep (Azizi's organizations, their
  // members, the events they took part in and those events' participants); operations/EntityPage.graphql has
  // 2 aliases, no directives, 196 tokens and 1,672 characters. GraphiQL's introspection query has 184 tokens and 2,075 characters (it is
  // exempt from depth and cost). The costliest is a natural analyst query (tests/support/natural-queries.ts):
  // 50 articles with 100 mentions each and the entity of each mention, 10,152; the limit is about 2.5 times that.
  maxDepth: 20,
  maxCost: 25_000,
  // The node cap guards the machine, not fairness: the most objects one request may build, whatever MAX_COST an
  // operator sets. An object of this schema takes 100–300 bytes of JSON, and graphql-js builds a few hundred
  // thousand of them a second on one core of our 2-core machines: 50,000 is a 5–15 MB answer built in a fraction
  // of a second, far within the execution timeout on a machine shared with other requests (GitHub's 500,000 is
  // for a fleet). The default cost limit keeps ordinary queries far under it.
  maxNodes: 50_000,
  // Dashboards combine several aggregates in one request under aliases: room for 10.
  maxAliases: 10,
  maxTokens: 500,
  // @include/@skip on a few fields.
  maxDirectives: 10,
  maxDocumentLength: 5_000,
  // The slowest aggregate takes milliseconds; seconds means something is wrong.
  executionTimeoutMs: 5_000,
};

/** The response cache's default size (see yoga.ts): answers, and characters of JSON in all. */
export const DEFAULT_RESPONSE_CACHE_MAX_ENTRIES = 1_000;
export const DEFAULT_RESPONSE_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The replay cache's default size (src/http/replay-cache.ts): whole responses (body and headers), by request. A
 * dashboard's or a generated client's repeated requests are a few hundred distinct ones; 1,000 answers of 15 KB
 * (a page of articles) are 15 MB, well within the bytes.
 */
export const DEFAULT_REPLAY_CACHE_MAX_ENTRIES = 1_000;
export const DEFAULT_REPLAY_CACHE_MAX_BYTES = 64 * 1024 * 1024;

/** The per-client budget (src/plugins/rate-limit.ts). */
export interface RateLimitSettings {
  /** The bucket: the most cost points a client can spend at once. */
  points: number;
  /** Points given back to every client each second. */
  refillPerSecond: number;
  /** A header whose value names the client instead of its address (an API key set by a gateway), or '' for none. */
  keyHeader: string;
  /** Proxies whose X-Forwarded-For is believed: addresses, CIDR ranges, or loopback, linklocal, uniquelocal. */
  trustedProxies: string[];
  /** The most clients with a bucket at once (least recently charged go first). */
  maxClients: number;
}

/**
 * The budget's defaults. A request is charged the objects it returned: at most maxNodes (50,000), about 10,000
 * for the heaviest natural query: a budget of 50,000 is five of those in a row, and a refill of 1,000 a second
 * pays for one every 10 s (an ordinary one several times a second) indefinitely; a person in GraphiQL, reading each answer, spends
 * far less. A bucket exists only while it is not full (at most 100 s after its client's last request), so
 * 10,000 buckets (about 3 MB) hold every client active in the last 100 s of any realistic load.
 */
export const DEFAULT_RATE_LIMIT = { points: 50_000, refillPerSecond: 1_000, maxClients: 10_000 };

/**
 * Subscriptions open at once (each holds a connection, a file descriptor and a few KB). A dashboard keeps one per
 * page, and a browser at most 6 connections to a server over HTTP/1.1: 10 per client is a few dashboards with room
 * to spare; 1,000 in all is far below the file descriptors a process has (ulimit -n) and a few MB.
 */
export const DEFAULT_SUBSCRIPTIONS = { maxTotal: 1_000, maxPerClient: 10 };

/**
 * How long a GET answer may be reused (Cache-Control): dashboards polling every few seconds are answered by their
 * own cache for 5 s, then revalidate (a 304 while the data has not changed); a cache may serve a stale answer
 * for 30 s more while it revalidates. A reload is seen by every client within max-age.
 */
export const DEFAULT_HTTP_CACHE_MAX_AGE_SECONDS = 5;
export const DEFAULT_HTTP_CACHE_STALE_WHILE_REVALIDATE_SECONDS = 30;

/** How long a data reload may take before it is abandoned (100,000 articles reload in about 20 s). */
export const DEFAULT_RELOAD_TIMEOUT_MS = 120_000;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Each setting: its flag, its environment variable, its default, and how to read and check it. */
const SETTINGS = {
  port: {
    flag: 'port',
    env: 'PORT',
    default: '4000',
    schema: wholeNumber(0, 65_535),
    help: 'port to listen on (0: any free port)',
  },
  host: { flag: 'host', env: 'HOST', default: 'localhost', schema: z.string().min(1), help: 'interface to bind' },
  dataDir: {
    flag: 'data',
    env: 'DATA_DIR',
    default: 'data',
    schema: z
      .string()
      .min(1)
      .transform((dir) => path.resolve(dir)),
    help: 'fixture directory',
  },
  databaseUrl: {
    flag: 'database-url',
    env: 'DATABASE_URL',
    default: '',
    schema: z
      .string()
      .refine(
        (url) => url === '' || /^postgres(ql)?:\/\//.test(url),
        'must be a PostgreSQL connection URL (postgres://user:password@host:port/database)',
      ),
    help: 'serve the dataset imported into this PostgreSQL database (npm run import) instead of the fixture directory (empty: the fixtures)',
  },
  watch: {
    flag: 'watch',
    env: 'WATCH',
    default: 'false',
    schema: boolean(),
    help: 'reload the data when a fixture file changes',
  },
  introspection: {
    flag: 'introspection',
    env: 'INTROSPECTION',
    default: 'true',
    schema: boolean(),
    help: 'allow introspection (GraphiQL and SDK generation need it); off also hides field suggestions',
  },
  corsOrigins: {
    flag: 'cors-origins',
    env: 'CORS_ORIGINS',
    default: '*',
    schema: z
      .string()
      .min(1)
      .transform((list) =>
        list
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    help: 'allowed browser origins, comma-separated, or *',
  },
  logLevel: {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    default: 'info',
    schema: z.enum(LOG_LEVELS),
    help: `log level: ${LOG_LEVELS.join(', ')}`,
  },
  maxBodyBytes: {
    flag: 'max-body-bytes',
    env: 'MAX_BODY_BYTES',
    default: '102400',
    schema: wholeNumber(1, 100_000_000),
    help: 'largest request body accepted, in bytes',
  },
  maxDepth: {
    flag: 'max-depth',
    env: 'MAX_DEPTH',
    default: String(DEFAULT_LIMITS.maxDepth),
    schema: wholeNumber(1, 100),
    help: 'deepest query accepted (introspection exempt)',
  },
  maxCost: {
    flag: 'max-cost',
    env: 'MAX_COST',
    default: String(DEFAULT_LIMITS.maxCost),
    schema: wholeNumber(1, 10_000_000),
    help: 'largest computed query cost accepted',
  },
  maxNodes: {
    flag: 'max-nodes',
    env: 'MAX_NODES',
    default: String(DEFAULT_LIMITS.maxNodes),
    schema: wholeNumber(1, 100_000_000),
    help: 'most objects a query can return (every list at its page size or its longest in the data)',
  },
  maxAliases: {
    flag: 'max-aliases',
    env: 'MAX_ALIASES',
    default: String(DEFAULT_LIMITS.maxAliases),
    schema: wholeNumber(0, 10_000),
    help: 'most aliases in a document',
  },
  maxTokens: {
    flag: 'max-tokens',
    env: 'MAX_TOKENS',
    default: String(DEFAULT_LIMITS.maxTokens),
    schema: wholeNumber(1, 1_000_000),
    help: 'most tokens in a document',
  },
  maxDirectives: {
    flag: 'max-directives',
    env: 'MAX_DIRECTIVES',
    default: String(DEFAULT_LIMITS.maxDirectives),
    schema: wholeNumber(0, 10_000),
    help: 'most directives in a document',
  },
  maxDocumentLength: {
    flag: 'max-document-length',
    env: 'MAX_DOCUMENT_LENGTH',
    default: String(DEFAULT_LIMITS.maxDocumentLength),
    schema: wholeNumber(1, 10_000_000),
    help: 'most characters in the query text',
  },
  executionTimeoutMs: {
    flag: 'execution-timeout-ms',
    env: 'EXECUTION_TIMEOUT_MS',
    default: String(DEFAULT_LIMITS.executionTimeoutMs),
    schema: wholeNumber(1, 600_000),
    help: 'longest execution of one request, in ms',
  },
  responseCacheMaxEntries: {
    flag: 'response-cache-max-entries',
    env: 'RESPONSE_CACHE_MAX_ENTRIES',
    default: String(DEFAULT_RESPONSE_CACHE_MAX_ENTRIES),
    schema: wholeNumber(0, 1_000_000),
    help: 'most successful responses kept in the response cache (least recently used go first); 0 turns it off',
  },
  responseCacheMaxBytes: {
    flag: 'response-cache-max-bytes',
    env: 'RESPONSE_CACHE_MAX_BYTES',
    default: String(DEFAULT_RESPONSE_CACHE_MAX_BYTES),
    schema: wholeNumber(0, 100_000_000_000),
    help: 'most bytes (JSON and keys, as on the heap) kept in the response cache, in all (an answer over a quarter of it is not kept)',
  },
  replayCacheMaxEntries: {
    flag: 'replay-cache-max-entries',
    env: 'REPLAY_CACHE_MAX_ENTRIES',
    default: String(DEFAULT_REPLAY_CACHE_MAX_ENTRIES),
    schema: wholeNumber(0, 1_000_000),
    help: 'most responses kept to be replayed to identical requests without running the pipeline (least recently used go first); 0 turns it off',
  },
  replayCacheMaxBytes: {
    flag: 'replay-cache-max-bytes',
    env: 'REPLAY_CACHE_MAX_BYTES',
    default: String(DEFAULT_REPLAY_CACHE_MAX_BYTES),
    schema: wholeNumber(0, 100_000_000_000),
    help: 'most bytes (bodies, headers and keys) kept by the replay cache, in all (a response over a quarter of it is not kept)',
  },
  rateLimit: {
    flag: 'rate-limit',
    env: 'RATE_LIMIT',
    default: 'true',
    schema: boolean(),
    help: 'a budget of cost points per client (a leaky bucket, charged after each request): over it, 429 RATE_LIMITED',
  },
  rateLimitPoints: {
    flag: 'rate-limit-points',
    env: 'RATE_LIMIT_POINTS',
    default: String(DEFAULT_RATE_LIMIT.points),
    schema: wholeNumber(1, 1_000_000_000),
    help: "the budget: the most cost points a client can spend at once (a request's cost is its extensions.cost)",
  },
  rateLimitRefillPerSecond: {
    flag: 'rate-limit-refill-per-second',
    env: 'RATE_LIMIT_REFILL_PER_SECOND',
    default: String(DEFAULT_RATE_LIMIT.refillPerSecond),
    schema: wholeNumber(1, 1_000_000_000),
    help: 'cost points given back to each client every second',
  },
  rateLimitKeyHeader: {
    flag: 'rate-limit-key-header',
    env: 'RATE_LIMIT_KEY_HEADER',
    default: '',
    schema: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]*$/, 'must be an HTTP header name')
      .transform((name) => name.toLowerCase()),
    help: 'a header naming the client instead of its address, such as x-api-key set by a gateway that checks the keys (empty: none)',
  },
  rateLimitTrustedProxies: {
    flag: 'rate-limit-trusted-proxies',
    env: 'RATE_LIMIT_TRUSTED_PROXIES',
    default: '',
    schema: z
      .string()
      .transform((list) =>
        list
          .split(',')
          .map((entry) => entry.trim())
          .filter(Boolean),
      )
      .refine((entries) => {
        try {
          if (entries.length > 0) proxyaddr.compile(entries);
          return true;
        } catch {
          return false;
        }
      }, 'must be addresses or CIDR ranges (or loopback, linklocal, uniquelocal), comma-separated'),
    help: 'proxies whose X-Forwarded-For names the client: addresses or CIDR ranges, comma-separated (empty: the socket address)',
  },
  rateLimitMaxClients: {
    flag: 'rate-limit-max-clients',
    env: 'RATE_LIMIT_MAX_CLIENTS',
    default: String(DEFAULT_RATE_LIMIT.maxClients),
    schema: wholeNumber(1, 10_000_000),
    help: 'most clients with a bucket at once (about 300 bytes each; the least recently charged go first)',
  },
  subscriptionsMax: {
    flag: 'subscriptions-max',
    env: 'SUBSCRIPTIONS_MAX',
    default: String(DEFAULT_SUBSCRIPTIONS.maxTotal),
    schema: wholeNumber(0, 1_000_000),
    help: 'most subscriptions (Server-Sent Events streams) open at once, in all: one more is refused with 503 TOO_MANY_SUBSCRIPTIONS (0: none)',
  },
  subscriptionsMaxPerClient: {
    flag: 'subscriptions-max-per-client',
    env: 'SUBSCRIPTIONS_MAX_PER_CLIENT',
    default: String(DEFAULT_SUBSCRIPTIONS.maxPerClient),
    schema: wholeNumber(0, 1_000_000),
    help: 'most subscriptions one client (its address, or its key header as the budget counts clients) keeps open at once: one more is refused with 429 TOO_MANY_SUBSCRIPTIONS',
  },
  httpCacheMaxAge: {
    flag: 'http-cache-max-age',
    env: 'HTTP_CACHE_MAX_AGE',
    default: String(DEFAULT_HTTP_CACHE_MAX_AGE_SECONDS),
    schema: wholeNumber(0, 31_536_000),
    help: 'Cache-Control max-age of a successful GET answer, in seconds (0: clients revalidate every time)',
  },
  httpCacheStaleWhileRevalidate: {
    flag: 'http-cache-stale-while-revalidate',
    env: 'HTTP_CACHE_STALE_WHILE_REVALIDATE',
    default: String(DEFAULT_HTTP_CACHE_STALE_WHILE_REVALIDATE_SECONDS),
    schema: wholeNumber(0, 31_536_000),
    help: 'Cache-Control stale-while-revalidate of a successful GET answer, in seconds',
  },
  operations: {
    flag: 'operations',
    env: 'OPERATIONS',
    default: 'any',
    schema: z.enum(OPERATIONS_MODES),
    help: 'which documents run: any (trusted documents and registered APQ hashes also by hash), or trusted (only the trusted documents; GraphiQL does not work)',
  },
  operationsManifest: {
    flag: 'operations-manifest',
    env: 'OPERATIONS_MANIFEST',
    default: path.relative(path.resolve(import.meta.dirname, '..'), DEFAULT_MANIFEST_FILE),
    schema: z
      .string()
      .min(1)
      .transform((file) => path.resolve(file)),
    help: 'the trusted documents (SHA-256 → document), written by npm run codegen',
  },
  shutdownGraceMs: {
    flag: 'shutdown-grace-ms',
    env: 'SHUTDOWN_GRACE_MS',
    default: '10000',
    schema: wholeNumber(0, 600_000),
    help: 'how long SIGTERM waits for requests in flight, in ms',
  },
  shutdownDrainMs: {
    flag: 'shutdown-drain-ms',
    env: 'SHUTDOWN_DRAIN_MS',
    default: '5000',
    schema: wholeNumber(0, 600_000),
    help: 'how long SIGTERM keeps serving, with /ready answering 503, before it stops accepting connections, in ms',
  },
  reloadTimeoutMs: {
    flag: 'reload-timeout-ms',
    env: 'RELOAD_TIMEOUT_MS',
    default: String(DEFAULT_RELOAD_TIMEOUT_MS),
    schema: wholeNumber(1_000, 3_600_000),
    help: 'longest a data reload may take before it is abandoned (the last good data stays), in ms',
  },
  requestTimeoutMs: {
    flag: 'request-timeout-ms',
    env: 'REQUEST_TIMEOUT_MS',
    default: '30000',
    schema: wholeNumber(1_000, 600_000),
    help: 'longest time to receive a whole request (node:http requestTimeout), in ms',
  },
  headersTimeoutMs: {
    flag: 'headers-timeout-ms',
    env: 'HEADERS_TIMEOUT_MS',
    default: '10000',
    schema: wholeNumber(1_000, 600_000),
    help: 'longest time to receive the headers (node:http headersTimeout), in ms',
  },
  batch: {
    flag: 'batch',
    env: 'BATCH',
    default: 'true',
    schema: boolean(),
    help: 'batch data access with DataLoader (false only to measure the naive cost in benchmarks; it also turns the response cache off)',
  },
  queryLane: {
    flag: 'query-lane',
    env: 'QUERY_LANE',
    default: 'true',
    schema: boolean(),
    help: "answer JSON POSTs of queries already validated without yoga's HTTP layer, the same answers at about half the CPU (false: every request through yoga)",
  },
  metricsOnMainPort: {
    flag: 'metrics-on-main-port',
    env: 'METRICS_ON_MAIN_PORT',
    default: 'true',
    schema: boolean(),
    help: 'serve /metrics on the main port (false: only on --metrics-port, or nowhere)',
  },
  metricsPort: {
    flag: 'metrics-port',
    env: 'METRICS_PORT',
    default: 'none',
    schema: z.union([z.literal('none').transform(() => null), wholeNumber(0, 65_535)]),
    help: 'also serve /metrics on this port, on the same interface (none: no such port; 0: any free port)',
  },
  metricsToken: {
    flag: 'metrics-token',
    env: 'METRICS_TOKEN',
    default: '',
    schema: z.string(),
    help: '/metrics answers only requests with Authorization: Bearer <token> (empty: no token needed)',
  },
  keepAliveTimeoutMs: {
    flag: 'keep-alive-timeout-ms',
    env: 'KEEP_ALIVE_TIMEOUT_MS',
    default: '5000',
    schema: wholeNumber(0, 600_000),
    help: 'how long an idle keep-alive connection stays open, in ms',
  },
} as const;

function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d{1,12}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);
}

function boolean() {
  return z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
}

type Settings = typeof SETTINGS;

/** Every setting's flag, environment variable, default and meaning (the README's configuration table). */
export const CONFIG_SETTINGS = Object.values(SETTINGS).map(({ flag, env, default: value, help }) => ({
  flag: `--${flag}`,
  env,
  default: value,
  help,
}));
export type Config = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export const CONFIG_HELP = `Usage: npm start -- [--flag value ...]   (flags override environment variables)
${Object.values(SETTINGS)
  .map((s) => `  --${s.flag.padEnd(22)} ${s.env.padEnd(22)} ${s.help} (default ${s.default})`)
  .join('\n')}`;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  let flags: Record<string, string | boolean | undefined>;
  try {
    ({ values: flags } = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.values(SETTINGS).map((s) => [s.flag, { type: s.flag === 'watch' ? 'boolean' : 'string' }]),
      ) as Record<string, { type: 'string' | 'boolean' }>,
      strict: true,
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${CONFIG_HELP}`);
  }
  return parseSettings((setting) => {
    const flag = flags[setting.flag];
    return typeof flag === 'boolean' ? String(flag) : (flag ?? env[setting.env] ?? setting.default);
  });
}

/**
 * A complete configuration without reading the process's flags or environment: the defaults, with `overrides`
 * checked by the same schemas as loadConfig (for tests, benchmarks and scripts, which set a few values).
 */
export function configFor(overrides: Partial<Config> = {}): Config {
  return parseSettings((setting, key) => {
    if (!Object.hasOwn(overrides, key)) return setting.default;
    // Back to the text a flag would carry: a list comma-separated, no metrics port as `none`.
    const value = overrides[key as keyof Config];
    return value === null ? 'none' : Array.isArray(value) ? value.join(',') : String(value);
  });
}

type Setting = Settings[keyof Settings];

/** Reads every setting's text through its schema; a ConfigError names every value that fails. */
function parseSettings(rawValue: (setting: Setting, key: string) => string): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(SETTINGS)) {
    const raw = rawValue(setting, key);
    const result = (setting.schema as z.ZodType).safeParse(raw);
    if (result.success) config[key] = result.data;
    else
      problems.push(`--${setting.flag} / ${setting.env} = ${JSON.stringify(raw)}: ${result.error.issues[0]?.message}`);
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}\n${CONFIG_HELP}`);
  return config as Config;
}

/** The HTTP settings of a configuration, as createNewsYoga takes them. */
export function httpOptionsOf(config: Config): { httpCache: HttpCacheSettings; operations: OperationsOptions } {
  return {
    operations: { mode: config.operations, manifestFile: config.operationsManifest },
    httpCache: {
      maxAgeSeconds: config.httpCacheMaxAge,
      staleWhileRevalidateSeconds: config.httpCacheStaleWhileRevalidate,
    },
  };
}

/** The subscription limits of a configuration. */
export function subscriptionLimitsOf(config: Config): SubscriptionLimits {
  return { maxTotal: config.subscriptionsMax, maxPerClient: config.subscriptionsMaxPerClient };
}

/** Who a client is, as the budget and the subscription limits count them (whether the budget is on or not). */
export function clientSettingsOf(config: Config): Pick<RateLimitSettings, 'keyHeader' | 'trustedProxies'> {
  return { keyHeader: config.rateLimitKeyHeader, trustedProxies: config.rateLimitTrustedProxies };
}

/** The query limits part of a configuration. */
export function limitsOf(config: Config): QueryLimits {
  return {
    maxDepth: config.maxDepth,
    maxCost: config.maxCost,
    maxNodes: config.maxNodes,
    maxAliases: config.maxAliases,
    maxTokens: config.maxTokens,
    maxDirectives: config.maxDirectives,
    maxDocumentLength: config.maxDocumentLength,
    executionTimeoutMs: config.executionTimeoutMs,
  };
}

/** The per-client budget part of a configuration, or null when it is off. */
export function rateLimitOf(config: Config): RateLimitSettings | null {
  if (!config.rateLimit) return null;
  return {
    points: config.rateLimitPoints,
    refillPerSecond: config.rateLimitRefillPerSecond,
    keyHeader: config.rateLimitKeyHeader,
    trustedProxies: config.rateLimitTrustedProxies,
    maxClients: config.rateLimitMaxClients,
  };
}

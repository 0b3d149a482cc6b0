/** Configuration from flags and environment variables, validated with messages that name the bad value. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_HELP,
  ConfigError,
  configFor,
  DEFAULT_LIMITS,
  httpOptionsOf,
  limitsOf,
  loadConfig,
} from '../src/config.js';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    expect(loadConfig([], {})).toEqual({
      port: 4000,
      host: 'localhost',
      dataDir: path.resolve('data'),
      databaseUrl: '',
      watch: false,
      introspection: true,
      corsOrigins: ['*'],
      logLevel: 'info',
      maxBodyBytes: 102_400,
      ...DEFAULT_LIMITS,
      batch: true,
      queryLane: true,
      responseCacheMaxEntries: 1_000,
      responseCacheMaxBytes: 64 * 1024 * 1024,
      replayCacheMaxEntries: 1_000,
      replayCacheMaxBytes: 64 * 1024 * 1024,
      rateLimit: true,
      rateLimitPoints: 50_000,
      rateLimitRefillPerSecond: 1_000,
      rateLimitKeyHeader: '',
      rateLimitTrustedProxies: [],
      rateLimitMaxClients: 10_000,
      subscriptionsMax: 1_000,
      subscriptionsMaxPerClient: 10,
      httpCacheMaxAge: 5,
      httpCacheStaleWhileRevalidate: 30,
      operations: 'any',
      operationsManifest: path.resolve('client/persisted-operations.json'),
      shutdownGraceMs: 10_000,
      shutdownDrainMs: 5_000,
      reloadTimeoutMs: 120_000,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      metricsOnMainPort: true,
      metricsPort: null,
      metricsToken: '',
    });
    expect(limitsOf(loadConfig([], {}))).toEqual(DEFAULT_LIMITS);
  });

  it('reads the HTTP caching settings', () => {
    const config = loadConfig(['--http-cache-max-age', '0'], { HTTP_CACHE_STALE_WHILE_REVALIDATE: '600' });
    expect(httpOptionsOf(config)).toMatchObject({ httpCache: { maxAgeSeconds: 0, staleWhileRevalidateSeconds: 600 } });
    expect(() => loadConfig([], { HTTP_CACHE_MAX_AGE: '-1' })).toThrow(/HTTP_CACHE_MAX_AGE/);
  });

  it('reads the metrics settings', () => {
    const config = loadConfig(['--metrics-port', '9100'], { METRICS_TOKEN: 't0k', METRICS_ON_MAIN_PORT: 'false' });
    expect(config).toMatchObject({ metricsPort: 9100, metricsToken: 't0k', metricsOnMainPort: false });
    expect(loadConfig([], { METRICS_PORT: 'none' }).metricsPort).toBeNull();
    expect(() => loadConfig([], { METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT/);
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/srv/data',
      MAX_DEPTH: '8',
      WATCH: 'true',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    };
    expect(loadConfig([], env)).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/data',
      maxDepth: 8,
      watch: true,
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
    expect(
      loadConfig(
        ['--port', '0', '--data', 'other', '--max-depth', '20', '--max-cost', '100', '--introspection', 'false'],
        env,
      ),
    ).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dataDir: path.resolve('other'),
      maxDepth: 20,
      maxCost: 100,
      introspection: false,
    });
    expect(loadConfig(['--watch'], {}).watch).toBe(true);
    expect(loadConfig([], { DATABASE_URL: 'postgresql://news@db:5432/news' }).databaseUrl).toBe(
      'postgresql://news@db:5432/news',
    );
    expect(loadConfig(['--database-url', 'postgres://a@b/c'], { DATABASE_URL: 'postgres://x@y/z' }).databaseUrl).toBe(
      'postgres://a@b/c',
    );
  });

  it.each([
    [['--port', ''], {}, '--port / PORT = "": must be a whole number from 0 to 65535'],
    [[], { PORT: '70000' }, '--port / PORT = "70000": must be a whole number'],
    [[], { PORT: '80a' }, '--port / PORT = "80a"'],
    [['--max-depth', '0'], {}, '--max-depth / MAX_DEPTH = "0": must be a whole number from 1 to 100'],
    [[], { MAX_DEPTH: 'deep' }, '--max-depth / MAX_DEPTH = "deep"'],
    [[], { LOG_LEVEL: 'loud' }, '--log-level / LOG_LEVEL = "loud"'],
    [[], { INTROSPECTION: 'maybe' }, '--introspection / INTROSPECTION = "maybe"'],
    [[], { MAX_BODY_BYTES: '0' }, '--max-body-bytes / MAX_BODY_BYTES = "0"'],
    [['--verbose'], {}, "Unknown option '--verbose'"],
    [
      [],
      { DATABASE_URL: 'mysql://db/news' },
      '--database-url / DATABASE_URL = "mysql://db/news": must be a PostgreSQL',
    ],
  ])('refuses %j %j naming the value', (argv, env, message) => {
    expect(() => loadConfig(argv, env)).toThrow(ConfigError);
    expect(() => loadConfig(argv, env)).toThrow(message);
  });

  it('reports every bad value at once, with the help', () => {
    const error = (() => {
      try {
        loadConfig([], { PORT: 'x', MAX_COST: '-1' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.message).toContain('--port / PORT = "x"');
    expect(error?.message).toContain('--max-cost / MAX_COST = "-1"');
    expect(error?.message).toContain(CONFIG_HELP);
  });
});

describe('configFor (a complete configuration for tests, benchmarks and scripts)', () => {
  it('is the documented defaults, whatever the process environment says', () => {
    process.env.MAX_DEPTH = '3';
    try {
      expect(configFor()).toEqual(loadConfig([], {}));
    } finally {
      delete process.env.MAX_DEPTH;
    }
  });

  it('takes overrides, read by the same schemas as flags and environment variables', () => {
    expect(
      configFor({ port: 0, maxDepth: 2, dataDir: 'other', corsOrigins: ['https://a.example'], metricsPort: null }),
    ).toEqual({
      ...loadConfig([], {}),
      port: 0,
      maxDepth: 2,
      dataDir: path.resolve('other'),
      corsOrigins: ['https://a.example'],
      metricsPort: null,
    });
    expect(configFor({ metricsPort: 9100, watch: true }).metricsPort).toBe(9100);
  });

  it.each([
    [{ maxDepth: 0 }, '--max-depth / MAX_DEPTH = "0": must be a whole number from 1 to 100'],
    [{ port: 70_000 }, '--port / PORT = "70000"'],
    [{ maxCost: 1.5 }, '--max-cost / MAX_COST = "1.5"'],
  ])('refuses %j naming the setting', (overrides, message) => {
    expect(() => configFor(overrides)).toThrow(ConfigError);
    expect(() => configFor(overrides)).toThrow(message);
  });
});

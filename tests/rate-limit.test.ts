/**
 * The per-client budget (src/plugins/rate-limit.ts), over HTTP: yoga.fetch with an injected clock and a node
 * request's address in the server context (as yoga's node adapter passes `{ req, res }`), and the real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, DEFAULT_RATE_LIMIT, rateLimitOf } from '../src/config.js';
import { ErrorCode } from '../src/errors.js';
import {
  addressKey,
  type Bucket,
  ClientBudgets,
  chargedCost,
  NO_ADDRESS_KEY,
  type RateLimitOptions,
  rateLimitBuckets,
} from '../src/plugins/rate-limit.js';
import { type RunningServer, startServer } from '../src/server.js';
import { createTestApi, testConfig } from './helpers.js';

/**
 * Returns 11 objects (a connection, 5 edges, 5 persons), which it is charged; requested 12 (the connection 2, and
 * 5 × an edge and its node). The README's smallest query returns 1.
 */
const PERSONS = '{ persons(first: 5) { edges { node { name } } } }';
const PERSONS_COST = 11;
const INTROSPECTION = '{ __schema { types { name } } }';

interface Client {
  address?: string;
  headers?: Record<string, string>;
  forwardedFor?: string;
}

async function budgetApi(options: Partial<RateLimitOptions> = {}) {
  const time = { now: 1_000_000 };
  const settings = { points: 30, refillPerSecond: 2, keyHeader: '', trustedProxies: [], maxClients: 100, ...options };
  const api = await createTestApi(undefined, {
    rateLimit: true,
    rateLimitPoints: settings.points,
    rateLimitRefillPerSecond: settings.refillPerSecond,
    rateLimitKeyHeader: settings.keyHeader,
    rateLimitTrustedProxies: settings.trustedProxies,
    rateLimitMaxClients: settings.maxClients,
    clock: settings.clock ?? (() => time.now),
  });
  /** A POST from `client`: its address as node:http gives it (the socket's, and any X-Forwarded-For). */
  const send = (query: string, client: Client = { address: '203.0.113.1' }) =>
    api.yoga.fetch(
      'http://localhost/graphql',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...client.headers },
        body: JSON.stringify({ query }),
      },
      client.address === undefined
        ? {}
        : {
            req: {
              socket: { remoteAddress: client.address },
              headers: client.forwardedFor ? { 'x-forwarded-for': client.forwardedFor } : {},
            },
          },
    );
  const advance = (seconds: number) => {
    time.now += Math.round(seconds * 1000); // whole milliseconds: 1.9 s is 1,900 ms, not 1,899.99…
  };
  return { ...api, send, advance };
}

const budgetHeaders = (response: Response) => ({
  limit: response.headers.get('ratelimit-limit'),
  remaining: response.headers.get('ratelimit-remaining'),
  reset: response.headers.get('ratelimit-reset'),
  retryAfter: response.headers.get('retry-after'),
});

/** Spends `client`'s budget (30 points) with three requests of 11: the third is served, into debt. */
async function exhaust(api: Awaited<ReturnType<typeof budgetApi>>, client?: Client) {
  for (let i = 0; i < 3; i++) expect((await api.send(PERSONS, client)).status).toBe(200);
}

describe('the per-client budget', () => {
  it('serves a request within the budget, with the budget left in RateLimit-Limit, -Remaining and -Reset', async () => {
    const api = await budgetApi();
    const response = await api.send(PERSONS);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { extensions: { cost: { requested: number; actual: number } } };
    expect(body.extensions.cost).toMatchObject({ requested: 12, actual: PERSONS_COST });
    expect(budgetHeaders(response)).toEqual({ limit: '30', remaining: '19', reset: '6', retryAfter: null });
  });

  it('refuses a client whose bucket is empty with 429 RATE_LIMITED and Retry-After, and nothing else runs', async () => {
    const api = await budgetApi();
    await exhaust(api); // 30 - 33: 3 points of debt
    const calls = api.counter.total();
    const refused = await api.send(PERSONS);
    expect(refused.status).toBe(429);
    // 4 points to regain (from -3 to 1) at 2 a second; the budget is full again after 33 points, 17 s.
    expect(budgetHeaders(refused)).toEqual({ limit: '30', remaining: '0', reset: '17', retryAfter: '2' });
    const body = (await refused.json()) as { data?: unknown; errors: { message: string; extensions: object }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]?.extensions).toEqual({
      code: ErrorCode.RATE_LIMITED,
      limit: 30,
      refillPerSecond: 2,
      retryAfter: 2,
    });
    expect(body.errors[0]?.message).toMatch(/budget of 30 cost points.*retry in 2 s/);
    expect(api.counter.total()).toBe(calls); // refused before the data is read
    // A refusal costs nothing: waiting Retry-After is enough.
    api.advance(1.9);
    expect((await api.send(PERSONS)).status).toBe(429);
    api.advance(0.1);
    expect((await api.send(PERSONS)).status).toBe(200);
    // Counted with the other errors sent, by code.
    const metrics = await (await api.yoga.fetch('http://localhost/metrics')).text();
    expect(metrics).toContain('newsgraph_errors_total{code="RATE_LIMITED"} 2');
  });

  it('refills with time, up to the budget and no further', async () => {
    const api = await budgetApi();
    await exhaust(api);
    api.advance(10); // -3 + 20
    expect(budgetHeaders(await api.send(PERSONS))).toMatchObject({ remaining: '6' });
    api.advance(3_600);
    expect(budgetHeaders(await api.send(PERSONS))).toMatchObject({ remaining: '19' });
  });

  it('gives separate clients separate buckets', async () => {
    const api = await budgetApi();
    await exhaust(api, { address: '203.0.113.1' });
    expect((await api.send(PERSONS, { address: '203.0.113.1' })).status).toBe(429);
    const other = await api.send(PERSONS, { address: '203.0.113.2' });
    expect(other.status).toBe(200);
    expect(budgetHeaders(other).remaining).toBe('19');
  });

  it('separates clients behind one address by the API-key header, when one is configured', async () => {
    const api = await budgetApi({ keyHeader: 'x-api-key' });
    const alice = { address: '198.51.100.9', headers: { 'x-api-key': 'alice-key' } };
    const bob = { address: '198.51.100.9', headers: { 'x-api-key': 'bob-key' } };
    await exhaust(api, alice);
    expect((await api.send(PERSONS, alice)).status).toBe(429);
    expect((await api.send(PERSONS, bob)).status).toBe(200);
    // Without the header, the address's own bucket: neither key's.
    expect(budgetHeaders(await api.send(PERSONS, { address: '198.51.100.9' })).remaining).toBe('19');
    expect(api.yoga.cacheSizes().rateLimit?.entries).toBe(3);
    // The value is kept only as a hash: a key of 2,000 characters takes no more room than any other.
    const before = api.yoga.cacheSizes().rateLimit?.bytes ?? 0;
    await api.send(PERSONS, { address: '198.51.100.9', headers: { 'x-api-key': 'k'.repeat(2_000) } });
    expect((api.yoga.cacheSizes().rateLimit?.bytes ?? 0) - before).toBeLessThan(400);
  });

  it('ignores the API-key header when none is configured: a client cannot pick a fresh bucket', async () => {
    const api = await budgetApi();
    await exhaust(api);
    const response = await api.send(PERSONS, { address: '203.0.113.1', headers: { 'x-api-key': 'fresh' } });
    expect(response.status).toBe(429);
  });

  it('believes X-Forwarded-For only from a trusted proxy', async () => {
    const api = await budgetApi({ trustedProxies: ['10.0.0.0/8'] });
    const viaProxy = (client: string) => ({ address: '10.1.2.3', forwardedFor: client });
    await exhaust(api, viaProxy('192.0.2.7'));
    expect((await api.send(PERSONS, viaProxy('192.0.2.7'))).status).toBe(429);
    expect((await api.send(PERSONS, viaProxy('192.0.2.8'))).status).toBe(200);
    // A spoofed header from a client that is not a trusted proxy is not believed: its own address is the key.
    await exhaust(api, { address: '192.0.2.50', forwardedFor: '192.0.2.51' });
    expect((await api.send(PERSONS, { address: '192.0.2.50', forwardedFor: '192.0.2.99' })).status).toBe(429);
    // Nor a spoofed entry before the proxy's: the nearest address the proxy did not vouch for is the client.
    expect((await api.send(PERSONS, viaProxy('192.0.2.99, 192.0.2.7'))).status).toBe(429);
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const api = await budgetApi();
    await exhaust(api, { address: '10.1.2.3', forwardedFor: '192.0.2.7' });
    expect((await api.send(PERSONS, { address: '10.1.2.3', forwardedFor: '192.0.2.8' })).status).toBe(429);
  });

  it('keys IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', async () => {
    const api = await budgetApi();
    await exhaust(api, { address: '2001:db8:1:2:aaaa::1' });
    expect((await api.send(PERSONS, { address: '2001:db8:1:2:ffff:ffff:ffff:ffff' })).status).toBe(429);
    expect((await api.send(PERSONS, { address: '2001:db8:1:3::1' })).status).toBe(200);
    await exhaust(api, { address: '::ffff:192.0.2.1' });
    expect((await api.send(PERSONS, { address: '192.0.2.1' })).status).toBe(429);
    expect(addressKey('2001:0db8:0001:0002:0000:0000:0000:0001')).toBe('ip:2001:db8:1:2::/64');
    expect(addressKey('::ffff:192.0.2.1')).toBe('ip:192.0.2.1');
    expect(addressKey('not an address')).toMatch(/^addr:[\w-]{22}$/);
  });

  it('puts requests with no address (in-process) in one shared bucket', async () => {
    const api = await budgetApi();
    await exhaust(api, {});
    expect((await api.send(PERSONS, {})).status).toBe(429);
    expect((await api.send(PERSONS)).status).toBe(200);
    expect(NO_ADDRESS_KEY).toBe('no-address');
  });

  it('charges introspection and refusals by earlier limits what the cost plugin says: nothing', async () => {
    const api = await budgetApi();
    for (const query of [INTROSPECTION, '{ persons(', '{ nope }']) {
      const response = await api.send(query);
      expect(response.status).not.toBe(429);
      expect(budgetHeaders(response)).toMatchObject({ remaining: '30', reset: '0' });
    }
    // Nothing charged, nothing kept.
    expect(api.yoga.cacheSizes().rateLimit?.entries).toBe(0);
  });

  it('charges a QUERY_TOO_COMPLEX refusal what it returned, nothing (as refusals by earlier limits), and debt at most one budget', async () => {
    const api = await budgetApi();
    const huge =
      '{ persons(first: 100) { nodes { articles(first: 100) { nodes { persons(first: 100) { nodes { name } } } } } } }';
    const refused = await api.send(huge);
    const body = (await refused.json()) as { errors: { extensions: { code: string; cost: { actual: number } } }[] };
    expect(body.errors[0]?.extensions.code).toBe(ErrorCode.QUERY_TOO_COMPLEX);
    expect(body.errors[0]?.extensions.cost.actual).toBe(0);
    expect(budgetHeaders(refused)).toMatchObject({ remaining: '30', reset: '0' });
    // A charge over the budget (a response far larger than the bucket) leaves at most one budget of debt.
    const budgets = new ClientBudgets(30, 2, rateLimitBuckets(10));
    expect(budgets.charge('client', 2_020_171, 0)).toBe(-30);
  });

  it('limits the GraphQL endpoint only: /health answers a client whose budget is spent', async () => {
    const api = await budgetApi();
    await exhaust(api, {});
    expect((await api.yoga.fetch('http://localhost/graphql/', { method: 'POST' })).status).toBe(429);
    const health = await api.yoga.fetch('http://localhost/health');
    expect(health.status).toBe(200);
    expect(health.headers.get('ratelimit-limit')).toBeNull();
  });

  it('exposes the budget headers to cross-origin browsers, on a 429 too', async () => {
    const api = await budgetApi();
    await exhaust(api, {});
    const response = await api.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://dash.example' },
      body: JSON.stringify({ query: PERSONS }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://dash.example');
    const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(
      expect.arrayContaining(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']),
    );
  });

  it('charges the objects really returned once the cost plugin reports them, else the requested cost', () => {
    expect(chargedCost({ requested: 120, actual: 7, limit: 5_000 })).toBe(7);
    expect(chargedCost({ requested: 120, limit: 5_000 })).toBe(120);
    expect(chargedCost({ requested: 120, actual: 0 })).toBe(0);
    for (const odd of [undefined, null, {}, { requested: -5 }, { requested: 'many' }, { requested: Number.NaN }]) {
      expect(chargedCost(odd)).toBe(0);
    }
  });
});

describe('the buckets stay bounded', () => {
  it('keeps at most maxClients buckets under a rotation of 100,000 addresses, least recently charged first', () => {
    const cache = rateLimitBuckets(1_000);
    const budgets = new ClientBudgets(30, 2, cache);
    const regular = addressKey('198.51.100.1');
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      budgets.charge(addressKey(address), 11, i);
      // A client that keeps using its budget keeps its bucket through the rotation.
      if (i % 500 === 0) budgets.charge(regular, 11, i);
      largest = Math.max(largest, cache.size);
    }
    expect(largest).toBe(1_000);
    expect(cache.size).toBe(1_000);
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
    expect(budgets.balance(regular, 100_000)).toBeLessThan(30);
    // An evicted client starts over with a full bucket: the loss is in its favour, never another client's.
    expect(budgets.balance(addressKey('10.0.0.0'), 100_000)).toBe(30);
  });

  it('keeps no bucket for a client whose bucket is full again', () => {
    const cache = rateLimitBuckets(10);
    const budgets = new ClientBudgets(30, 2, cache);
    budgets.charge('a', 11, 0);
    expect(cache.size).toBe(1);
    budgets.charge('a', 0, 10_000); // refilled by then
    expect(cache.size).toBe(0);
  });

  it('over HTTP: a rotation of 1,000 addresses leaves at most maxClients buckets', async () => {
    const api = await budgetApi({ maxClients: 50 });
    for (let i = 0; i < 1_000; i++) {
      await api.send('{ stats { articles } }', { address: `10.0.${i >> 8}.${i & 255}` });
    }
    const sizes = api.yoga.cacheSizes().rateLimit;
    expect(sizes?.entries).toBe(50);
    expect(sizes?.bytes).toBeLessThanOrEqual(sizes?.maxBytes ?? 0);
  });
});

describe('configuration', () => {
  it('is on by default with the documented budget, and off with RATE_LIMIT=false', async () => {
    const { loadConfig } = await import('../src/config.js');
    expect(rateLimitOf(loadConfig([], {}))).toEqual({
      ...DEFAULT_RATE_LIMIT,
      keyHeader: '',
      trustedProxies: [],
    });
    expect(rateLimitOf(loadConfig([], { RATE_LIMIT: 'false' }))).toBeNull();
    const config: Config = loadConfig(['--rate-limit-key-header', 'X-Api-Key'], {
      RATE_LIMIT_POINTS: '100',
      RATE_LIMIT_REFILL_PER_SECOND: '5',
      RATE_LIMIT_TRUSTED_PROXIES: '10.0.0.0/8, loopback',
      RATE_LIMIT_MAX_CLIENTS: '20',
    });
    expect(rateLimitOf(config)).toEqual({
      points: 100,
      refillPerSecond: 5,
      keyHeader: 'x-api-key',
      trustedProxies: ['10.0.0.0/8', 'loopback'],
      maxClients: 20,
    });
  });

  it.each([
    [{ RATE_LIMIT_POINTS: '0' }, '--rate-limit-points / RATE_LIMIT_POINTS = "0"'],
    [{ RATE_LIMIT_KEY_HEADER: 'x api key' }, 'must be an HTTP header name'],
    [{ RATE_LIMIT_TRUSTED_PROXIES: '10.0.0.0/8,proxy.example' }, 'must be addresses or CIDR ranges'],
    [{ RATE_LIMIT_TRUSTED_PROXIES: '10.0.0.0/40' }, 'RATE_LIMIT_TRUSTED_PROXIES'],
  ])('refuses %j', async (env, message) => {
    const { loadConfig } = await import('../src/config.js');
    expect(() => loadConfig([], env)).toThrow(message);
  });

  it('has buckets of the size the defaults say: about 300 bytes each', () => {
    const cache = rateLimitBuckets(DEFAULT_RATE_LIMIT.maxClients);
    const bucket: Bucket = { points: 1, at: 0 };
    cache.set(addressKey('2001:db8:1:2::1'), bucket, 270);
    expect(cache.bytes).toBeGreaterThan(250);
    expect(cache.maxBytes).toBeLessThanOrEqual(DEFAULT_RATE_LIMIT.maxClients * 400);
  });
});

describe('through the real server (node:http, the socket address)', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await startServer(testConfig({ rateLimitPoints: 30, rateLimitRefillPerSecond: 1 }));
  });
  afterAll(async () => {
    await running?.close(1_000);
  });

  it('charges the client by its address, and a spoofed X-Forwarded-For changes nothing', async () => {
    const post = (forwardedFor: string) =>
      fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: PERSONS }),
      });
    const first = await post('192.0.2.1');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('30');
    expect(Number(first.headers.get('ratelimit-remaining'))).toBeLessThanOrEqual(19);
    expect((await post('192.0.2.2')).status).toBe(200);
    expect((await post('192.0.2.3')).status).toBe(200); // 30 - 33 (+ what a second or two refills)
    const refused = await post('192.0.2.4');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe(
      ErrorCode.RATE_LIMITED,
    );
    // Not the load balancer's checks.
    expect((await fetch(running.url.replace('/graphql', '/ready'))).status).toBe(200);
  });
});

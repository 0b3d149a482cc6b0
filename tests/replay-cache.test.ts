/**
 * The replay cache (src/http/replay-cache.ts), through the real server: a request identical to one answered
 * before is answered with the same status, headers and body without running the pipeline (counted in
 * newsgraph_replayed_responses_total, not in graphql_envelop_request); anything that differs goes through the
 * pipeline; errors are never replayed; a reload empties it; the per-client budget charges every replay, with the
 * client's own RateLimit headers; and the cache stays within its bounds.
 */
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import type { DataHolder } from '../src/data/reloader.js';
import { ReplayCache } from '../src/http/replay-cache.js';
import { type RunningServer, startServer } from '../src/server.js';
import { editedFixtures, testConfig } from './helpers.js';

const QUERY = '{ person(slug: "majid-azizi") { name nationalities affiliations { role } } }';
const JSON_POST = { 'content-type': 'application/json' };

let running: RunningServer | null = null;
afterEach(async () => {
  await running?.close(1_000);
  running = null;
});

async function serve(overrides: Partial<Config> = {}) {
  running = await startServer(testConfig({ rateLimit: false, ...overrides }));
  const { url } = running;
  const origin = new URL(url).origin;
  /** The sum of the series that match on /metrics (0 when none does). */
  const metric = async (series: RegExp) => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    return [...text.matchAll(series)].reduce((sum, match) => sum + Number(match[1]), 0);
  };
  const replays = () => metric(/^newsgraph_replayed_responses_total\{statusCode="\d+"\} (\d+)$/gm);
  const executions = () => metric(/^graphql_envelop_request\{operationType="query"\} (\d+)$/gm);
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { ...JSON_POST, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { url, origin, replays, executions, post, running };
}

/** A response's status, headers (but the date and the request id, which are the request's own) and body. */
async function answer(response: Response) {
  const headers = Object.fromEntries(
    [...response.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id'),
  );
  return { status: response.status, headers, body: await response.text() };
}

describe('the replay cache', () => {
  it('answers an identical request with the same status, headers and body, without running the pipeline', async () => {
    const api = await serve();
    const first = await answer(await api.post({ query: QUERY }));
    expect(first.status).toBe(200);
    expect(await api.executions()).toBe(1);
    const again = await api.post({ query: QUERY }, { 'x-request-id': 'replayed-1' });
    expect(again.headers.get('x-request-id')).toBe('replayed-1');
    expect(await answer(again)).toEqual(first);
    expect(await api.replays()).toBe(1);
    expect(await api.executions()).toBe(1);
  });

  it('sends through the pipeline a request that differs in its body, its URL or any header the answer may depend on', async () => {
    const api = await serve({ corsOrigins: ['https://a.example', 'https://b.example'] });
    const body = { query: QUERY };
    await api.post(body);
    const variants: [string, () => Promise<Response>][] = [
      ['other bytes of the same JSON', () => api.post(` ${JSON.stringify(body)}`)],
      ['another Accept', () => api.post(body, { accept: 'application/graphql-response+json' })],
      ['an Origin', () => api.post(body, { origin: 'https://a.example' })],
      ['another Origin', () => api.post(body, { origin: 'https://b.example' })],
      ['another Accept-Encoding', () => api.post(body, { 'accept-encoding': 'br' })],
      ['another path', () => fetch(`${api.url}/`, { method: 'POST', headers: JSON_POST, body: JSON.stringify(body) })],
    ];
    for (const [what, send] of variants) {
      const before = await api.executions();
      const response = await send();
      expect(response.status, what).toBe(200);
      expect(await api.executions(), what).toBe(before + 1);
    }
    expect(await api.replays()).toBe(0);
    // Each was kept for its own kind: sent again, each is replayed with its own answer (CORS: its own origin).
    const b = await api.post(body, { origin: 'https://b.example' });
    expect(b.headers.get('access-control-allow-origin')).toBe('https://b.example');
    const a = await api.post(body, { origin: 'https://a.example' });
    expect(a.headers.get('access-control-allow-origin')).toBe('https://a.example');
    const accepted = await api.post(body, { accept: 'application/graphql-response+json' });
    expect(accepted.headers.get('content-type')).toContain('application/graphql-response+json');
    expect(await api.replays()).toBe(3);
  });

  it('never replays an answer with an error', async () => {
    const api = await serve();
    for (const query of ['{ events(filter: { from: "July 2024" }) { totalCount } }', '{ nope }']) {
      const first = await api.post({ query });
      const again = await api.post({ query });
      expect((await again.json()).errors).toHaveLength(1);
      expect(again.status).toBe(first.status);
    }
    expect(await api.replays()).toBe(0);
    expect(await api.executions()).toBe(2); // the validation error never executes
  });

  it('replays GET answers and their 304 revalidations, each for the tag it names', async () => {
    const api = await serve();
    const get = (headers: Record<string, string> = {}) =>
      fetch(`${api.url}?query=${encodeURIComponent(QUERY)}`, { headers: { 'x-graphql-yoga-csrf': '1', ...headers } });
    const first = await answer(await get());
    const tag = first.headers.etag as string;
    expect(tag).toMatch(/^"[0-9a-f]{16}-/);
    expect(await answer(await get())).toEqual(first);
    const revalidated = await answer(await get({ 'if-none-match': tag }));
    expect(revalidated).toMatchObject({ status: 304, body: '' });
    expect(await answer(await get({ 'if-none-match': tag }))).toEqual(revalidated);
    // A tag that is not the current one is answered in full, through the pipeline.
    expect((await get({ 'if-none-match': '"0000000000000000-stale"' })).status).toBe(200);
    expect(await api.replays()).toBe(2);
  });

  it('is emptied by a reload: the next answer is computed from the new data', async () => {
    const directory = await editedFixtures('articles.json', () => undefined);
    const api = await serve({ dataDir: directory });
    const count = '{ articles { totalCount } }';
    const before = await (await api.post({ query: count })).json();
    expect((await (await api.post({ query: count })).json()).data).toEqual(before.data);
    expect(await api.replays()).toBe(1);

    const { readFile, writeFile } = await import('node:fs/promises');
    const articles = JSON.parse(await readFile(`${directory}/articles.json`, 'utf8')) as unknown[];
    articles.push({
      slug: 'replay-after-reload',
      headline: 'A third article',
      publishedAt: '2024-08-01',
      publishedAtText: 'August 1, 2024',
      source: 'replay.txt',
      body: 'Majid Azizi appeared before a judge.',
    });
    await writeFile(`${directory}/articles.json`, JSON.stringify(articles));
    const reloaded = await (api.running.holder as DataHolder).reload();
    expect(reloaded).toMatchObject({ ok: true, changed: true });

    const after = await (await api.post({ query: count })).json();
    expect(after.data).toEqual({ articles: { totalCount: 3 } });
    expect(after.extensions.dataVersion).toBe(reloaded.ok ? reloaded.version : '');
    expect(await api.replays()).toBe(1);
  });

  it("charges every replay to its client's budget, with the client's own RateLimit headers; an empty budget is refused", async () => {
    const api = await serve({
      rateLimit: true,
      rateLimitPoints: 10,
      rateLimitRefillPerSecond: 1,
      rateLimitKeyHeader: 'x-api-key',
    });
    // Three objects: the person and two affiliations.
    const query = '{ person(slug: "majid-azizi") { affiliations { role } } }';
    const as = (key: string) => api.post({ query }, { 'x-api-key': key });
    const remaining = (response: Response) => Number(response.headers.get('ratelimit-remaining'));

    const first = await as('a');
    expect(first.status).toBe(200);
    expect((await first.json()).extensions.cost.actual).toBe(3);
    expect(remaining(first)).toBe(7);
    // Replayed (the key header is not part of the key), and charged: 7 → 4 → 1.
    expect(remaining(await as('a'))).toBe(4);
    const other = await as('b');
    expect(other.headers.get('ratelimit-limit')).toBe('10');
    expect(remaining(other)).toBe(7); // b's own budget
    expect(remaining(await as('a'))).toBe(1);
    expect(await api.replays()).toBe(3);
    // a's bucket holds a point: served into debt; then empty: the pipeline refuses it (429), no replay.
    expect((await as('a')).status).toBe(200);
    const refused = await as('a');
    expect(refused.status).toBe(429);
    expect((await refused.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(await api.replays()).toBe(4);
  });

  it('is not used for streams, other paths and other methods', async () => {
    const api = await serve();
    for (let i = 0; i < 2; i++) {
      await fetch(`${api.origin}/health`);
      const stream = await fetch(api.url, {
        method: 'POST',
        headers: { ...JSON_POST, accept: 'text/event-stream' },
        body: JSON.stringify({ query: '{ stats { articles } }' }),
      });
      expect(stream.headers.get('content-type')).toBe('text/event-stream');
      await stream.text();
    }
    expect(await api.replays()).toBe(0);
  });
});

describe('ReplayCache', () => {
  const request = (headers: string[], method = 'POST', url = '/graphql') =>
    ({
      method,
      url,
      rawHeaders: headers,
      headers: Object.fromEntries(
        headers.flatMap((value, i) => (i % 2 === 0 ? [[value.toLowerCase(), headers[i + 1]]] : [])),
      ),
    }) as unknown as IncomingMessage;

  it('keys a request by every header but those that only say whom it is for or how it travels', () => {
    const cache = new ReplayCache({ maxEntries: 10, maxBytes: 1_000_000 }, 'X-Api-Key');
    const base = ['Host', 'h', 'Content-Type', 'application/json'];
    const key = (headers: string[], body = '{}') => cache.keyOf(request(headers), Buffer.from(body), 'v1');
    const same = [
      [...base, 'X-Request-Id', 'abc'],
      [...base, 'X-Forwarded-For', '198.51.100.1'],
      [...base, 'x-api-key', 'secret'],
      [...base, 'Content-Length', '2', 'Connection', 'keep-alive', 'Keep-Alive', 'timeout=5'],
    ];
    for (const headers of same) expect(key(headers)).toBe(key(base));
    const differs = [
      [...base, 'Accept', 'application/json'],
      [...base, 'Accept-Encoding', 'gzip'],
      [...base, 'If-None-Match', '"x"'],
      [...base, 'Origin', 'https://a.example'],
      [...base, 'X-GraphQL-Yoga-CSRF', '1'],
      [...base, 'User-Agent', 'curl/8'],
      ['Content-Type', 'application/json', 'Host', 'h'],
    ];
    for (const headers of differs) expect(key(headers)).not.toBe(key(base));
    expect(key(base, '{ }')).not.toBe(key(base));
    expect(cache.keyOf(request(base), Buffer.from('{}'), 'v2')).not.toBe(key(base));
  });

  it('takes only GET and POST on the GraphQL endpoint, not streams', () => {
    expect(ReplayCache.candidate(request([], 'POST', '/graphql'))).toBe(true);
    expect(ReplayCache.candidate(request([], 'GET', '/graphql/?query=x'))).toBe(true);
    expect(ReplayCache.candidate(request([], 'HEAD', '/graphql'))).toBe(false);
    expect(ReplayCache.candidate(request([], 'PUT', '/graphql'))).toBe(false);
    expect(ReplayCache.candidate(request([], 'GET', '/health'))).toBe(false);
    expect(ReplayCache.candidate(request([], 'GET', '/graphqlx'))).toBe(false);
    expect(ReplayCache.candidate(request(['Accept', 'text/event-stream'], 'POST', '/graphql'))).toBe(false);
  });

  it('keeps a 304 only for a tag of the current version, and stays within its bytes', () => {
    const cache = new ReplayCache({ maxEntries: 100, maxBytes: 8_000 }, null);
    const fetchRequest = new Request('http://localhost/graphql');
    const notModified = (tag: string) => new Headers({ etag: tag });
    expect(cache.get('k', 'v1')).toBeUndefined();
    expect(cache.keep('k0', 'v1', cache.noteOf(fetchRequest), 304, notModified('"v0-abc"'), '')).toBe(false);
    expect(cache.keep('k1', 'v1', cache.noteOf(fetchRequest), 304, notModified('"v1-abc"'), '')).toBe(true);
    expect(cache.get('k1', 'v1')?.status).toBe(304);
    // A 200 is kept only when yoga's plugin noted its result (no result here: nothing noted).
    const json = new Headers({ 'content-type': 'application/json' });
    expect(cache.keep('k2', 'v1', cache.noteOf(fetchRequest), 200, json, '{}')).toBe(false);
    for (let i = 0; i < 50; i++)
      cache.keep(`k${i + 10}`, 'v1', cache.noteOf(fetchRequest), 304, notModified(`"v1-${i}"`), '');
    expect(cache.bytes).toBeLessThanOrEqual(8_000);
    expect(cache.size).toBeLessThan(50);
    // A new version: emptied.
    expect(cache.get(`k59`, 'v2')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

/**
 * HTTP caching of GET queries (src/plugins/http-caching.ts): ETag, Cache-Control and Vary on successful GET
 * answers, 304 with no body on revalidation, new tags after a reload, nothing cacheable for errors or POSTs.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsDataSource } from '../src/data/contract.js';
import { countingSource } from '../src/data/counting-source.js';
import { loadStore } from '../src/data/load-store.js';
import { CSRF_HEADER } from '../src/plugins/graphql-over-http.js';
import { noneMatchMatches } from '../src/plugins/http-caching.js';
import type { NewsYoga } from '../src/yoga.js';
import { createTestApi, DATA_DIR, editedFixtures, testApp } from './helpers.js';

const QUERY = '{ stats { articles persons } }';
const GET_HEADERS = { [CSRF_HEADER]: '1', accept: 'application/graphql-response+json' };

function getUrl(params: Record<string, string>): string {
  return `http://localhost/graphql?${new URLSearchParams(params)}`;
}

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

async function get(params: Record<string, string>, headers: Record<string, string> = {}, yoga: NewsYoga = api.yoga) {
  return yoga.fetch(getUrl(params), { headers: { ...GET_HEADERS, ...headers } });
}

describe('GET answers', () => {
  it('carry an ETag, Cache-Control and Vary: Accept, the same for the same request', async () => {
    const first = await get({ query: QUERY });
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(new RegExp(`^"${api.store.version}-[A-Za-z0-9_-]{43}"$`));
    expect(first.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=30');
    expect(first.headers.get('vary')).toContain('Accept');
    expect((await first.json()).data).toEqual({ stats: { articles: 2, persons: expect.any(Number) } });
    const again = await get({ query: QUERY });
    expect(again.headers.get('etag')).toBe(tag);
  });

  it('get a 304 with no body when If-None-Match names the current tag (strong, weak, or in a list)', async () => {
    const tag = (await get({ query: QUERY })).headers.get('etag') as string;
    for (const ifNoneMatch of [tag, `W/${tag}`, `"other", ${tag}`, `W/"x",W/${tag}`]) {
      const revalidated = await get({ query: QUERY }, { 'if-none-match': ifNoneMatch });
      expect(revalidated.status, ifNoneMatch).toBe(304);
      expect(await revalidated.text()).toBe('');
      expect(revalidated.headers.get('etag')).toBe(tag);
      expect(revalidated.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=30');
      expect(revalidated.headers.get('vary')).toContain('Accept');
      expect(revalidated.headers.get('content-type')).toBeNull();
    }
    const stale = await get({ query: QUERY }, { 'if-none-match': '"95f0e50894729e6e-old"' });
    expect(stale.status).toBe(200);
    expect((await stale.json()).data.stats.articles).toBe(2);
  });

  it('answers a revalidation without reading the data', async () => {
    const tag = (await get({ query: QUERY })).headers.get('etag') as string;
    api.counter.reset();
    expect((await get({ query: QUERY }, { 'if-none-match': tag })).status).toBe(304);
    expect(api.counter.total()).toBe(0);
    expect((await get({ query: QUERY })).status).toBe(200);
    expect(api.counter.total()).toBeGreaterThan(0);
  });

  it('If-None-Match: * is a 304 for a successful answer only', async () => {
    expect((await get({ query: QUERY }, { 'if-none-match': '*' })).status).toBe(304);
    const refused = await get({ query: '{ nope }' }, { 'if-none-match': '*' });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('have a tag per query, operation name, variables, extensions and Accept; ignored parameters do not count', async () => {
    const document = 'query A($n: Int) { articles(first: $n) { totalCount } } query B { stats { articles } }';
    const base = { query: document, operationName: 'A', variables: '{"n":1}' };
    const tagOf = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
      const response = await get(params, headers);
      expect(response.status, JSON.stringify(params)).toBe(200);
      return response.headers.get('etag');
    };
    const tags = [
      await tagOf(base),
      await tagOf({ ...base, query: `${document} ` }),
      await tagOf({ ...base, operationName: 'B' }),
      await tagOf({ ...base, variables: '{"n":2}' }),
      await tagOf({ ...base, variables: '{"n": 1}' }),
      await tagOf({ ...base, extensions: '{}' }),
      await tagOf(base, { accept: 'application/json' }),
    ];
    expect(new Set(tags).size).toBe(tags.length);
    expect(await tagOf({ ...base, _: '1700000000' })).toBe(tags[0]);
    // A tag issued for one Accept does not revalidate another.
    const other = await get(base, { accept: 'application/json', 'if-none-match': tags[0] as string });
    expect(other.status).toBe(200);
  });

  it('follow the configured max-age and stale-while-revalidate', async () => {
    const { yoga } = testApp(api.store, { httpCacheMaxAge: 0, httpCacheStaleWhileRevalidate: 600 });
    const response = await get({ query: QUERY }, {}, yoga);
    expect(response.headers.get('cache-control')).toBe('public, max-age=0, stale-while-revalidate=600');
  });

  it('come with other tags from a server with other limits', async () => {
    const strict = testApp(api.store, { maxCost: 100 }).yoga;
    const tag = (await get({ query: QUERY })).headers.get('etag') as string;
    const response = await get({ query: QUERY }, { 'if-none-match': tag }, strict);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).not.toBe(tag);
  });
});

describe('answers that are not cacheable', () => {
  it('an answer with errors is no-store and has no ETag, and a forged tag gets the error again', async () => {
    const cases: [Record<string, string>, Record<string, string>, number, string][] = [
      [{ query: '{ nope }' }, {}, 400, 'GRAPHQL_VALIDATION_FAILED'],
      [{ query: '{ person(slug: "x".) { name } }' }, {}, 400, 'GRAPHQL_PARSE_FAILED'],
      [{ query: '{ articles(first: 1000) { totalCount } }' }, {}, 200, 'BAD_USER_INPUT'],
      [{ query: QUERY }, { [CSRF_HEADER]: '' }, 403, 'FORBIDDEN'],
    ];
    for (const [params, headers, status, code] of cases) {
      const sent = { ...GET_HEADERS, ...headers };
      if (headers[CSRF_HEADER] === '') delete (sent as Record<string, string>)[CSRF_HEADER];
      const response = await api.yoga.fetch(getUrl(params), { headers: sent });
      expect(response.status, params.query).toBeGreaterThanOrEqual(200);
      const body = await response.json();
      expect(body.errors[0].extensions.code, params.query).toBe(code);
      expect(response.status, params.query).toBe(status);
      expect(response.headers.get('etag'), params.query).toBeNull();
      expect(response.headers.get('cache-control'), params.query).toBe('no-store');
    }
    // The tag of the successful answer, sent without the CSRF header: the request is still refused.
    const tag = (await get({ query: QUERY })).headers.get('etag') as string;
    const refused = await api.yoga.fetch(getUrl({ query: QUERY }), {
      headers: { accept: GET_HEADERS.accept, 'if-none-match': tag },
    });
    expect(refused.status).toBe(403);
  });

  it('a POST answer gets no ETag and no Cache-Control, and If-None-Match does not make it a 304', async () => {
    const tag = (await get({ query: QUERY })).headers.get('etag') as string;
    const response = await api.request(
      { query: QUERY },
      { headers: { 'content-type': 'application/json', 'if-none-match': tag } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeNull();
    expect(response.headers.get('cache-control')).toBeNull();
    expect((await response.json()).data.stats.articles).toBe(2);
  });
});

describe('a reload', () => {
  const directories: string[] = [];
  afterAll(async () => {
    await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it('changes every ETag: the old tags get the new answer, the new tags 304', async () => {
    const edited = await editedFixtures('articles.json', (records) => {
      (records[0] as { headline: string }).headline += ' (corrected)';
    });
    directories.push(edited);
    const stores: NewsDataSource[] = [await loadStore(DATA_DIR), await loadStore(edited)];
    let served = countingSource(stores[0] as NewsDataSource).source;
    const yoga = testApp({ current: () => served, status: () => ({ dataVersion: served.version }) }).yoga;
    const queries = [
      QUERY,
      '{ articles(first: 1) { nodes { headline } } }',
      '{ person(slug: "majid-azizi") { name } }',
    ];
    const before = await Promise.all(
      queries.map(async (query) => (await get({ query }, {}, yoga)).headers.get('etag') as string),
    );
    for (const [i, query] of queries.entries()) {
      expect((await get({ query }, { 'if-none-match': before[i] as string }, yoga)).status).toBe(304);
    }

    served = stores[1] as NewsDataSource; // the reload: a holder swaps in the new store at once
    expect(stores[1]?.version).not.toBe(stores[0]?.version);
    for (const [i, query] of queries.entries()) {
      const response = await get({ query }, { 'if-none-match': before[i] as string }, yoga);
      expect(response.status, query).toBe(200);
      const tag = response.headers.get('etag') as string;
      expect(tag, query).not.toBe(before[i]);
      expect(tag.startsWith(`"${stores[1]?.version}-`)).toBe(true);
      expect((await response.json()).extensions.dataVersion).toBe(stores[1]?.version);
      expect((await get({ query }, { 'if-none-match': tag }, yoga)).status).toBe(304);
    }
  });
});

describe('If-None-Match comparison (RFC 9110 §13.1.2, weak)', () => {
  it.each([
    ['"a"', '"a"', true],
    ['W/"a"', '"a"', true],
    ['"a"', 'W/"a"', true],
    [' "b" , "a" ', '"a"', true],
    ['*', '"a"', true],
    ['"b"', '"a"', false],
    ['"a', '"a"', false],
    ['', '"a"', false],
  ])('%j against %j: %s', (header, tag, matches) => {
    expect(noneMatchMatches(header, tag)).toBe(matches);
  });
});

describe('README', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('**Caching GET answers.**'));

  it('shows the curl GET with its ETag and the 304 that revalidates it, as the server answers them', async () => {
    const url = new URL(section.match(/^url='([^']+)'$/m)?.[1] as string);
    // What curl sends: Accept */*, and the header given.
    const send = (headers: Record<string, string> = {}) =>
      api.yoga.fetch(`http://localhost${url.pathname}${url.search}`, {
        headers: { [CSRF_HEADER]: '1', accept: '*/*', ...headers },
      });
    const first = await send();
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag') as string;
    expect(section).toContain(`# etag: ${tag}\n`);
    expect(section).toContain(`# cache-control: ${first.headers.get('cache-control')}\n`);
    expect(section).toContain(`# vary: ${first.headers.get('vary')}\n`);
    expect(section).toContain(`# ${await first.text()}\n`);
    expect(section).toContain(`curl -i -H 'x-graphql-yoga-csrf: 1' -H 'if-none-match: ${tag}' "$url"`);
    expect((await send({ 'if-none-match': tag })).status).toBe(304);
    expect(section).toContain('# HTTP/1.1 304 Not Modified\n');
  });
});

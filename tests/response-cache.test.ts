/**
 * The response cache (src/yoga.ts, RESPONSE_CACHE_MAX_ENTRIES): a repeated query is answered without running
 * a resolver, with the same body; a data reload never serves an answer from other data; errors are never
 * kept; every limit still refuses what it refused; memory is bounded by an LRU of successful results.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadConfig } from '../src/config.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { loadStore } from '../src/data/load-store.js';
import { DataHolder } from '../src/data/reloader.js';
import { startServer } from '../src/server.js';
import type { NewsYoga } from '../src/yoga.js';
import { createTestApi, DATA_DIR, editedFixtures, testApp, testConfig } from './helpers.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

const PAGE = `query Page($first: Int = 2) {
  articles(first: $first) { totalCount pageInfo { endCursor } nodes { slug headline persons(first: 3) { nodes { name } } } }
  stats { articles persons }
}`;

/** A valid third article, newer than the two curated ones. */
const ADDED = {
  slug: 'azizi-appears-in-court',
  headline: 'Majid Azizi appears in court in Lima',
  publishedAt: '2024-08-01',
  publishedAtText: 'August 1, 2024',
  source: '003_cache_test.txt',
  body: 'Majid Azizi appeared before a judge in Lima on Thursday, his lawyer said.',
};

interface Sent {
  status: number;
  body: string;
}

async function send(yoga: NewsYoga, query: string, variables?: Record<string, unknown>): Promise<Sent> {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.text() };
}

/** A cached API over the fixtures, whose data-access calls are counted. */
async function cachedApi(maxEntries = 100, limits = {}, maxBytes = 1_000_000) {
  return createTestApi(DATA_DIR, { responseCacheMaxEntries: maxEntries, responseCacheMaxBytes: maxBytes, ...limits });
}

/** The data-access calls `query` makes on `api` (0: answered from the cache). */
async function callsOf(api: Awaited<ReturnType<typeof cachedApi>>, query: string, variables?: Record<string, unknown>) {
  api.counter.reset();
  const sent = await send(api.yoga, query, variables);
  return { ...sent, calls: api.counter.total() };
}

describe('the response cache', () => {
  it('answers a repeated query from the cache, with the same body, extensions included', async () => {
    const api = await cachedApi();
    const first = await callsOf(api, PAGE);
    expect(first.status).toBe(200);
    expect(first.calls).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      const again = await callsOf(api, PAGE);
      expect(again.calls).toBe(0);
      expect(again.body).toBe(first.body);
    }
    // The same as a server without a cache answers, cost and data version included.
    const uncached = await createTestApi(DATA_DIR);
    expect(first.body).toBe((await send(uncached.yoga, PAGE)).body);
    const parsed = JSON.parse(first.body) as { extensions: Record<string, unknown> };
    expect(parsed.extensions).toEqual({
      cost: { requested: expect.any(Number), actual: expect.any(Number), limit: DEFAULT_LIMITS.maxCost },
      dataVersion: api.store.version,
    });
  });

  it('keys on the variables and the operation name', async () => {
    const api = await cachedApi();
    const one = await callsOf(api, PAGE, { first: 1 });
    const two = await callsOf(api, PAGE, { first: 2 });
    expect(two.calls).toBeGreaterThan(0);
    expect(one.body).not.toBe(two.body);
    expect((await callsOf(api, PAGE, { first: 1 })).body).toBe(one.body);
    expect((await callsOf(api, PAGE, { first: 2 })).body).toBe(two.body);
    // Two operations in one document: each its own answer.
    const document = 'query A { stats { articles } } query B { stats { persons } }';
    const answers = [];
    for (const operationName of ['A', 'B', 'A', 'B']) {
      const response = await api.request({ query: document, operationName });
      answers.push(await response.text());
    }
    expect(answers[0]).toContain('"articles"');
    expect(answers[1]).toContain('"persons"');
    expect(answers.slice(2)).toEqual(answers.slice(0, 2));
  });

  it('never serves an answer computed from other data after a reload', async () => {
    const directory = await editedFixtures('articles.json', () => undefined);
    directories.push(directory);
    const holder = await DataHolder.load(directory);
    const { yoga } = testApp(holder, { responseCacheMaxEntries: 100, responseCacheMaxBytes: 1_000_000 });
    const before = await send(yoga, PAGE);
    expect(await send(yoga, PAGE)).toEqual(before);
    expect(JSON.parse(before.body).data.stats.articles).toBe(2);

    const file = path.join(directory, 'articles.json');
    const articles = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    await writeFile(file, JSON.stringify([...articles, ADDED], null, 2));
    expect(await holder.reload()).toMatchObject({ ok: true, changed: true });

    const after = JSON.parse((await send(yoga, PAGE)).body);
    expect(after.data.stats.articles).toBe(3);
    expect(after.data.articles.nodes[0].slug).toBe(ADDED.slug);
    expect(after.extensions.dataVersion).toBe(holder.current().version);
    expect(after.extensions.dataVersion).not.toBe(JSON.parse(before.body).extensions.dataVersion);
  });

  it('answers each request from the data it started with, when the data changes back and forth', async () => {
    const directory = await editedFixtures('articles.json', (records) => [...records, ADDED]);
    directories.push(directory);
    const stores: NewsDataSource[] = [await loadStore(DATA_DIR), await loadStore(directory)];
    expect(stores[0]?.version).not.toBe(stores[1]?.version);
    let current = 0;
    const switching = {
      current: () => stores[current] as NewsDataSource,
      status: () => ({ dataVersion: (stores[current] as NewsDataSource).version }),
    };
    const { yoga } = testApp(switching, { responseCacheMaxEntries: 100, responseCacheMaxBytes: 1_000_000 });
    const reference = await Promise.all(stores.map((store) => send(testApp(store).yoga, PAGE)));
    for (let i = 0; i < 8; i++) {
      current = i % 2;
      expect(await send(yoga, PAGE)).toEqual(reference[current]);
    }
  });

  it('never keeps an answer with an error', async () => {
    const api = await cachedApi();
    const withError = '{ stats { articles } articles(first: 1, after: "not-a-cursor") { totalCount } }';
    const first = await callsOf(api, withError);
    expect(JSON.parse(first.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    for (let i = 0; i < 2; i++) {
      const again = await callsOf(api, withError);
      expect(again.body).toBe(first.body);
      expect(again.calls).toBeGreaterThan(0);
    }
    // A variable that does not coerce, twice: refused twice, and the good variables are still answered.
    const bad = await callsOf(api, PAGE, { first: 'two' });
    expect(JSON.parse(bad.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await callsOf(api, PAGE, { first: 'two' })).body).toBe(bad.body);
    expect(JSON.parse((await callsOf(api, PAGE, { first: 2 })).body).data.articles.nodes).toHaveLength(2);
  });

  it('keeps every limit: a refused query stays refused, even when the same document was answered', async () => {
    const api = await cachedApi(100, { maxCost: 200, maxDepth: 6 });
    const small = await callsOf(api, PAGE, { first: 1 });
    expect(JSON.parse(small.body).errors).toBeUndefined();
    expect((await callsOf(api, PAGE, { first: 1 })).calls).toBe(0);
    // The same document with a bigger page costs more than the limit: refused, every time, before execution.
    for (let i = 0; i < 2; i++) {
      const refused = await callsOf(api, PAGE, { first: 100 });
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(refused.calls).toBe(0);
    }
    const deep =
      '{ person(slug: "majid-azizi") { affiliations { organization { parent { parent { parent { name } } } } } } }';
    for (let i = 0; i < 2; i++) {
      expect(JSON.parse((await send(api.yoga, deep)).body).errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    }
    // And the answered query is still answered from the cache.
    expect((await callsOf(api, PAGE, { first: 1 })).body).toBe(small.body);
  });

  it('keeps at most RESPONSE_CACHE_MAX_ENTRIES answers, the least recently used going first', async () => {
    const api = await cachedApi(2);
    const page = (first: number) => callsOf(api, PAGE, { first });
    expect((await page(1)).calls).toBeGreaterThan(0);
    expect((await page(2)).calls).toBeGreaterThan(0);
    expect((await page(1)).calls).toBe(0); // 1 is now the most recently used
    expect((await page(3)).calls).toBeGreaterThan(0); // evicts 2
    expect((await page(1)).calls).toBe(0);
    expect((await page(3)).calls).toBe(0);
    expect((await page(2)).calls).toBeGreaterThan(0);
  });

  it('keeps at most RESPONSE_CACHE_MAX_BYTES bytes of JSON, and no answer over a quarter of it', async () => {
    // Five documents with answers of the same size; room for four of them.
    const documents = [1, 2, 3, 4, 5].map((n) => `query Q${n} { stats { articles } }`);
    // An entry counts its JSON, its key (data version, document number, operation name, variables), and 16 bytes
    // for the count of its objects.
    const { version } = (await cachedApi(0)).store;
    const size = JSON.stringify({ stats: { articles: 2 } }).length + `${version}|0|null|null`.length + 16;
    const api = await cachedApi(100, {}, 4 * size + 3);
    for (const document of documents) expect((await callsOf(api, document)).calls).toBe(1);
    for (const document of documents.slice(1)) expect((await callsOf(api, document)).calls).toBe(0);
    expect((await callsOf(api, documents[0] as string)).calls).toBe(1); // the least recently used went first
    // An answer larger than a quarter of the budget is never kept, nor one whose key (declared variables) is.
    const junk = { unused: 'x'.repeat(4 * size) };
    const declaring = 'query Q2($slug: String) { stats { articles } person(slug: $slug) { name } }';
    for (let i = 0; i < 2; i++) {
      const answered = await callsOf(api, declaring, { slug: junk.unused });
      expect(JSON.parse(answered.body)).toMatchObject({ data: { person: null } });
      expect(answered.calls).toBeGreaterThan(0);
    }
    // A variable the operation does not declare changes nothing in its answer: it is not part of the key.
    expect((await callsOf(api, documents[4] as string, junk)).calls).toBe(0);
    const page = await callsOf(api, PAGE);
    expect(JSON.parse(page.body).data).toBeTruthy();
    expect((await callsOf(api, PAGE)).calls).toBe(page.calls);
  });

  it('is on in the server, and off in its naive configuration (BATCH=false)', async () => {
    for (const [overrides, expected] of [
      [{}, 1],
      [{ batch: false }, 3],
      [{ responseCacheMaxEntries: 0 }, 3],
    ] as const) {
      const running = await startServer(testConfig(overrides));
      try {
        // Counts the store's stats() calls: one per execution of `{ stats { ... } }`.
        const store = running.holder.current();
        const stats = store.stats.bind(store);
        let calls = 0;
        store.stats = () => {
          calls++;
          return stats();
        };
        const bodies = new Set<string>();
        for (let i = 0; i < 3; i++) {
          const response = await fetch(running.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ stats { articles persons } }' }),
          });
          bodies.add(await response.text());
        }
        expect(bodies.size).toBe(1);
        expect(calls).toBe(expected);
      } finally {
        await running.close(0);
      }
    }
  });

  it('is off with 0 entries, and on by default in the server configuration', async () => {
    const api = await cachedApi(0);
    await callsOf(api, PAGE);
    expect((await callsOf(api, PAGE)).calls).toBeGreaterThan(0);
    expect(loadConfig([], {}).responseCacheMaxEntries).toBe(1000);
    expect(loadConfig(['--response-cache-max-entries', '0'], {}).responseCacheMaxEntries).toBe(0);
    expect(loadConfig([], { RESPONSE_CACHE_MAX_ENTRIES: '50' }).responseCacheMaxEntries).toBe(50);
    expect(loadConfig([], {}).responseCacheMaxBytes).toBe(64 * 1024 * 1024);
    expect(loadConfig(['--response-cache-max-bytes', '1000'], {}).responseCacheMaxBytes).toBe(1000);
    expect(() => loadConfig([], { RESPONSE_CACHE_MAX_ENTRIES: '-1' })).toThrow(/RESPONSE_CACHE_MAX_ENTRIES/);
  });
});

/**
 * Issue 9, defect 3: the execution timeout never fired on CPU-bound work, since a timer cannot fire while
 * synchronous work runs. The request's deadline is now checked by resolvers, loaders and the store's scans,
 * and a request past it is answered TIMEOUT with no data, under graphql-js and graphql-jit alike.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../scripts/generate-corpus.js';
import type { ArticleListQuery, EntityListQuery, NewsDataSource } from '../src/data/contract.js';
import { countingSource } from '../src/data/counting-source.js';
import { loadStore } from '../src/data/load-store.js';
import type { MemoryStore } from '../src/data/memory/memory-store.js';
import { type TestAppOptions, testApp } from './helpers.js';

let workspace = '';
let store: MemoryStore;

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'newsgraph-attack-timeout-'));
  await generateCorpus({ articles: 1_500, seed: 3, out: workspace });
  store = await loadStore(workspace);
}, 30_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function api(source: NewsDataSource, options: TestAppOptions = {}) {
  const { yoga } = testApp(source, options);
  return async (document: string) => {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: document }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { status: response.status, ...body };
  };
}

/** Spins for `ms` without giving the event loop a turn, as a long synchronous scan does. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // nothing: CPU-bound on purpose
  }
}

const TIMEOUT_ANSWER = (limit: number) => ({
  errors: [
    { message: `Execution took longer than ${limit} ms and was stopped.`, extensions: { code: 'TIMEOUT', limit } },
  ],
});

/** 100 persons, each with three text-filtered lists of articles: tens of ms of work on this corpus. */
const HEAVY = `{ persons(first: 100) { nodes {
  a: articles(first: 3, filter: { text: "the" }) { totalCount }
  b: articles(first: 3, filter: { text: "pre" }, orderBy: { field: HEADLINE }) { totalCount }
  c: articles(first: 3, filter: { text: "con" }, orderBy: { field: PUBLISHED_AT, direction: ASC }) { totalCount }
} } }`;

describe('execution timeout on CPU-bound work', () => {
  it('answers TIMEOUT, with no data, when synchronous work in the data source outlasts the limit', async () => {
    // Each article list spins for 120 ms without a turn of the event loop: the old timer never got to fire.
    const slow = Object.assign(Object.create(store) as NewsDataSource, {
      listArticles: (queries: readonly ArticleListQuery[], ...rest: unknown[]) => {
        busy(120);
        return store.listArticles(queries, ...(rest as []));
      },
    });
    const query = api(slow, { executionTimeoutMs: 50 });
    // One batch load: after it, the execution ends in promise jobs, before any timer could run.
    const document = '{ articles(first: 1) { totalCount nodes { headline } } }';
    // The first run is graphql-js's, the second graphql-jit's (a document is compiled when seen again).
    for (const run of [1, 2]) {
      const result = await query(document);
      expect({ errors: result.errors, data: result.data }, `run ${run}`).toEqual({
        ...TIMEOUT_ANSWER(50),
        data: undefined,
      });
      expect(result.status).toBe(200); // yoga's status for an answer with errors only, as for other refusals
    }
  });

  it('stops a heavy query on a generated corpus at a small limit, and answers it in full without', async () => {
    // 1 ms: this query takes 15-60 ms here, so a machine many times faster still runs past the limit.
    const limited = api(store, { executionTimeoutMs: 1 });
    const unlimited = api(store);
    for (const run of [1, 2]) {
      const result = await limited(HEAVY);
      expect({ errors: result.errors, data: result.data }, `run ${run}`).toEqual({
        ...TIMEOUT_ANSWER(1),
        data: undefined,
      });
    }
    const full = await unlimited(HEAVY);
    expect(full.errors).toBeUndefined();
    const persons = (full.data as { persons: { nodes: { a: { totalCount: number } }[] } }).persons.nodes;
    expect(persons).toHaveLength(100);
    expect(persons.some((person) => person.a.totalCount > 0)).toBe(true);
  });

  it('keeps no TIMEOUT in the response cache: the same query answers in full once there is time', async () => {
    let slowCalls = 1;
    const sometimesSlow = Object.assign(Object.create(store) as NewsDataSource, {
      listArticles: (queries: readonly ArticleListQuery[], ...rest: unknown[]) => {
        if (slowCalls-- > 0) busy(120);
        return store.listArticles(queries, ...(rest as []));
      },
    });
    const query = api(sometimesSlow, {
      executionTimeoutMs: 50,
      responseCacheMaxEntries: 100,
      responseCacheMaxBytes: 1_000_000,
    });
    const document = '{ articles(first: 2) { totalCount } }';
    expect((await query(document)).errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    const second = await query(document);
    expect(second.errors).toBeUndefined();
    expect((second.data as { articles: { totalCount: number } }).articles.totalCount).toBe(1_500);
  });

  it('lets the event loop turn between the batch loads of a long request (health checks keep answering)', async () => {
    let calls = 0;
    let turned = false;
    const turnsSeen: boolean[] = [];
    const slow = Object.assign(Object.create(store) as NewsDataSource, {
      listPersons: (queries: readonly EntityListQuery<'Person'>[], ...rest: unknown[]) => {
        busy(30);
        turnsSeen.push(turned);
        // Whatever else waits for the event loop (here: this callback) should run before the next batch load.
        if (calls++ === 0)
          setImmediate(() => {
            turned = true;
          });
        return store.listPersons(queries, ...(rest as []));
      },
    });
    const query = api(slow);
    const result = await query(
      '{ persons(first: 2) { nodes { articles(first: 2) { nodes { persons(first: 2) { totalCount } } } } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(turnsSeen).toEqual([false, true]);
  });

  it('makes the same data-access calls whether or not the request stops for the event loop', async () => {
    const document = `{
      persons(first: 5) { nodes { affiliations { organization { name } } articles(first: 3) { nodes {
        organizations(first: 3) { nodes { name members { person { name } } } }
        persons(first: 3) { nodes { name participations { event { name } } } } } } } }
      organizations(first: 5) { nodes { members { person { name } } } }
    }`;
    const callsWith = async (source: NewsDataSource) => {
      const counter = countingSource(source);
      const result = await api(counter.source)(document);
      expect(result.errors).toBeUndefined();
      return Object.fromEntries(counter.calls);
    };
    // Each answer of the slow source takes CPU as it arrives, so the time after which a request stops for the
    // event loop runs out between two batch loads made in the same turn (a decision per load would split them).
    const slow = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) =>
          Promise.resolve(value.apply(target, args)).then((answer) => {
            busy(4);
            return answer;
          });
      },
    });
    const plain = await callsWith(store);
    expect(Object.keys(plain).length).toBeGreaterThan(5);
    expect(await callsWith(slow)).toEqual(plain);
  });
});

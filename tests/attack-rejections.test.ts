/**
 * Issue 9: a field that throws synchronously (an argument that fails its check) beside fields whose resolvers
 * returned promises: graphql-js abandons those promises, and when one rejects (a backend failing, the deadline)
 * nobody handles it, which ends a Node process. Found by the valid-query fuzzer; requests go over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsDataSource } from '../src/data/contract.js';
import { loadStore } from '../src/data/load-store.js';
import { createTestApi, DATA_DIR, testApp } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  api = await createTestApi();
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

/** Lets rejections that nobody handled surface (node reports them after the microtask queue drains). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('a synchronous failure among asynchronous list items', () => {
  it.each([
    [
      'the search items the fuzzer found',
      `{ r1: search(after: "Y3Vyc29yOjA=", before: "Y3Vyc29yOjIw", last: 10, query: "a") { nodes {
        ... on Organization { mentions(before: "x") { __typename } }
        ... on Article { organizations(last: 2147483647) { totalCount } } } } }`,
    ],
    [
      'a bad page size under every article after good ones',
      `{ articles { nodes { persons(first: 2) { totalCount } organizations(first: 1000) { totalCount } } } }`,
    ],
    [
      'a bad cursor under every person',
      `{ persons { nodes { articles { totalCount } mentions(after: "not a cursor") { totalCount } } } }`,
    ],
  ])('answers %s with BAD_USER_INPUT, leaves no rejection unhandled, and keeps answering', async (_name, query) => {
    const response = await api.query(query);
    await settle();
    expect(response.status).toBe(200);
    expect(response.errors?.length).toBeGreaterThan(0);
    for (const error of response.errors ?? []) expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(unhandled).toEqual([]);
    // The server still answers.
    expect((await api.data<{ stats: { articles: number } }>('{ stats { articles } }')).stats.articles).toBe(2);
  });
});

describe('a backend failure beside an argument that fails its check', () => {
  it('answers with both errors, coded, and leaves no rejection unhandled', async () => {
    const store = await loadStore(DATA_DIR);
    // A backend whose mention lookups fail after a turn of the event loop, as a lost database connection would.
    const failing = Object.create(store) as NewsDataSource;
    const unavailable = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('backend unavailable');
    };
    failing.listMentionsOfEntity = unavailable;
    failing.mentionCountsByEntity = unavailable;
    const { yoga } = testApp(failing);
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({
        // The search's items are non-null: the person's mentions (a promise that rejects) come first, then the
        // organization's articles, whose page size fails its check synchronously.
        query: `{ search(query: "azizi") { nodes {
          ... on Person { mentions { totalCount } }
          ... on Organization { articles(first: 1000) { totalCount } } } } }`,
      }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
    expect(body.errors?.map((error) => error.extensions?.code)).toContain('BAD_USER_INPUT');
  });
});

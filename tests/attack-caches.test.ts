/**
 * Issue 9, defects 4 and 10: no request pattern grows a cache past its bounds. The attack: many distinct
 * documents, each sent with a large variable it does not declare. The caches count their own bytes; the test
 * asserts on that accounting, and that a cached answer is still served byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { createTestApi, DATA_DIR } from './helpers.js';

const BIG_UNUSED = 'x'.repeat(90_000);

describe('the caches under attack', () => {
  it('many documents with a large unused variable leave every cache within its byte bound', async () => {
    const api = await createTestApi(DATA_DIR, { responseCacheMaxEntries: 1_000, responseCacheMaxBytes: 2_000_000 });
    for (let i = 0; i < 300; i++) {
      for (let j = 0; j < 3; j++) {
        // Each document twice with a different big variable, and once again: the variable never enters a key.
        const response = await api.request({
          query: `{ d${i % 1000}: stats { articles } }`,
          variables: { [`unused${j}`]: `${j}${BIG_UNUSED}` },
        });
        expect(response.status).toBe(200);
        await response.text();
      }
    }
    const sizes = api.yoga.cacheSizes();
    for (const [name, size] of Object.entries(sizes)) {
      expect(size.bytes, name).toBeLessThanOrEqual(size.maxBytes);
    }
    // One entry per document (the variables are not in the keys): a few dozen bytes each, not 90 KB.
    expect(sizes.cost?.entries).toBe(300);
    // A price, the field that contributes most, and a key with the data version: about 140 bytes each.
    expect(sizes.cost?.bytes).toBeLessThan(300 * 160);
    expect(sizes.response?.entries).toBe(300);
    expect(sizes.response?.bytes).toBeLessThan(300 * 200);
    // The documents cache counts what the parsed documents cost (a few hundred bytes per token).
    expect(sizes.documents?.entries).toBe(300);
  });

  it('a document with a declared variable: each distinct value is its own entry, all within the bound', async () => {
    const api = await createTestApi(DATA_DIR, { responseCacheMaxEntries: 1_000, responseCacheMaxBytes: 400_000 });
    const query = 'query($slug: String) { person(slug: $slug) { name } }';
    for (let i = 0; i < 40; i++) {
      const response = await api.request({ query, variables: { slug: `${i}${'y'.repeat(20_000)}` } });
      expect(await response.json()).toMatchObject({ data: { person: null } });
    }
    const { response, cost } = api.yoga.cacheSizes();
    expect(response?.bytes).toBeLessThanOrEqual(400_000);
    expect(response?.entries).toBeLessThan(40);
    expect(cost?.bytes).toBeLessThanOrEqual(cost?.maxBytes ?? 0);
  });

  it('keeps only the JSON of an answer, counted in the bytes it takes, and serves those bytes on a hit', async () => {
    const api = await createTestApi(DATA_DIR, { responseCacheMaxEntries: 100, responseCacheMaxBytes: 1_000_000 });
    const query = '{ articles(first: 2) { nodes { slug headline body } } }';
    const first = await (await api.request({ query })).text();
    const { response } = api.yoga.cacheSizes();
    const data = JSON.stringify(JSON.parse(first).data);
    // The bodies hold typographic quotes: V8 keeps such a string at two bytes a character, and so it is counted
    // (with its key), not at its number of characters.
    expect(Buffer.byteLength(data)).toBeGreaterThan(data.length);
    expect(response?.bytes).toBeGreaterThanOrEqual(2 * data.length);
    expect(response?.bytes).toBeLessThan(2 * data.length + 200);
    api.counter.reset();
    expect(await (await api.request({ query })).text()).toBe(first);
    expect(api.counter.total()).toBe(0);
  });

  it('prices the operation that runs, not the first of the document', async () => {
    const api = await createTestApi(DATA_DIR, { maxCost: 500 });
    const document =
      'query Cheap { stats { articles } } query Dear { persons(first: 100) { nodes { articles(first: 100) { nodes { headline } } } } }';
    const dear = (await (await api.request({ query: document, operationName: 'Dear' })).json()) as {
      errors?: { extensions: { code: string } }[];
    };
    expect(dear.errors?.[0]?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    const cheap = await (await api.request({ query: document, operationName: 'Cheap' })).json();
    expect(cheap).toMatchObject({
      data: { stats: { articles: 2 } },
      extensions: { cost: { requested: 1, actual: 1 } },
    });
  });
});

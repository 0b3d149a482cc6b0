/**
 * Issue 9: a field whose arguments fail their check made the whole operation unpriceable, and the operation then
 * ran without a cost check (its other fields included) and answered without `extensions.cost`. The cost is now
 * computed from the arguments as given, before any check. Requests go over HTTP.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/config.js';
import { createTestApi } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

interface Cost {
  requested: number;
  limit: number;
}

describe('an argument that fails its check', () => {
  it('does not let the rest of the operation run unpriced: over the limit is refused whole', async () => {
    const response = await api.query(`{
      bad: articles(first: 1000) { totalCount }
      persons(first: 100) { nodes { articles(first: 100) { nodes { persons(first: 100) { totalCount } } } } }
    }`);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    const cost = response.extensions?.cost as Cost;
    expect(cost.requested).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    expect(api.counter.total()).toBe(0); // nothing was read from the store
  });

  it('answers its BAD_USER_INPUT with the cost of the operation, a page over the maximum priced at the maximum', async () => {
    const response = await api.query('{ articles(first: 1000) { nodes { headline } } }');
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    // the articles connection 2 + 100 × an article 1 (headline is a scalar: 0); nothing returned
    expect(response.extensions?.cost).toEqual({ requested: 2 + 100 * 1, actual: 0, limit: DEFAULT_LIMITS.maxCost });
  });

  it('prices a null given for a non-null argument by the field alone, and still checks the rest', async () => {
    const response = await api.query(
      `query ($slug: String) { person(slug: $slug) { name }
        persons(first: 100) { nodes { articles(first: 100) { nodes { persons(first: 100) { totalCount } } } } } }`,
      { slug: null },
    );
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });
});

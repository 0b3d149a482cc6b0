/**
 * Field arguments are validated once per distinct set of arguments per field (src/builder.ts remembers what the
 * validation and relay plugins made of them): a failure is reported every time, with its own message, and
 * never spills onto other arguments of the same field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, globalId } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

const codesOf = (errors: { extensions?: Record<string, unknown> }[] | undefined) =>
  (errors ?? []).map((e) => e.extensions?.code);

describe('remembered argument validation', () => {
  it('refuses the same bad arguments every time, and answers good ones next to them', async () => {
    const query = `{
      good: articles(first: 1) { totalCount }
      bad: articles(first: 101) { totalCount }
      again: articles(first: 1) { nodes { slug } }
    }`;
    for (let i = 0; i < 3; i++) {
      const result = await api.query<Record<string, unknown>>(query);
      expect(result.errors?.map((e) => [e.message, e.path])).toEqual([['first: must be between 0 and 100', ['bad']]]);
      expect(codesOf(result.errors)).toEqual(['BAD_USER_INPUT']);
      expect(result.data).toBeNull();
    }
  });

  it('validates each set of arguments on its own, under every parent', async () => {
    const person = globalId('Person', 'majid-azizi');
    const query = `query($f: Int, $after: String) {
      articles(first: 2) { nodes { persons(first: $f, after: $after) { totalCount nodes { slug } } } }
    }`;
    const good = await api.query(query, { f: 2 });
    expect(good.errors).toBeUndefined();
    const bad = await api.query(query, { f: -1 });
    expect(bad.errors?.map((e) => e.message)).toEqual(['first: must be between 0 and 100']);
    const badCursor = await api.query(query, { f: 2, after: 'nope' });
    expect(badCursor.errors?.[0]?.message).toBe('after: is not a valid cursor: use a cursor returned by this API');
    expect(await api.query(query, { f: 2 })).toEqual(good);
    // An input object argument: the filter's own checks, remembered per value.
    const filtered = `query($id: ID!) { persons(filter: { affiliatedWith: $id }) { totalCount } }`;
    for (let i = 0; i < 2; i++) {
      const wrongType = await api.query(filtered, { id: person });
      expect(wrongType.errors?.[0]?.message).toBe('filter.affiliatedWith: must be the ID of an Organization');
    }
    const right = await api.query<{ persons: { totalCount: number } }>(filtered, {
      id: globalId('Organization', 'quds-force'),
    });
    expect(right.errors).toBeUndefined();
    expect(right.data?.persons.totalCount).toBeGreaterThan(0);
  });
});

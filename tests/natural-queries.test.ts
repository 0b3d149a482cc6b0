/**
 * Issue 12: the cost model must let people ask ordinary questions. A table of natural analyst queries, written
 * as people write them in GraphiQL (first: 50, nested lists with no page arguments), must all be answered under
 * the default limits; the abusive shapes (pages nested 100 × 100 × 100, article bodies under nested pages, alias
 * floods of heavy fields) must stay refused, naming the field that contributes most. Over HTTP, on the fixtures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/config.js';
import { createTestApi } from './helpers.js';
import { NATURAL_QUERIES, NATURAL_QUERY_VARIABLES } from './support/natural-queries.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

interface Cost {
  requested: number;
  actual: number;
  limit: number;
  largest?: { path: string; cost: number };
}

describe('natural analyst queries pass under the default limits', () => {
  it('has at least 20 of them', () => {
    expect(NATURAL_QUERIES.length).toBeGreaterThanOrEqual(20);
  });

  it.each(NATURAL_QUERIES)('%s', async (_name, query) => {
    const response = await api.query(query, NATURAL_QUERY_VARIABLES);
    expect(response.errors).toBeUndefined();
    expect(response.data).toBeTruthy();
    const cost = response.extensions?.cost as Cost;
    expect(cost.limit).toBe(DEFAULT_LIMITS.maxCost);
    expect(cost.requested).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
    // The price is an upper bound of the objects returned (lists from the data at their 99th percentile).
    expect(cost.actual).toBeGreaterThan(0);
    expect(cost.actual).toBeLessThanOrEqual(cost.requested);
  });
});

const pages = (depth: number, leaf: string) => {
  const levels = ['articles', 'persons', 'articles', 'persons'];
  let selection = leaf;
  for (let i = depth - 1; i >= 0; i--) selection = `${levels[i]}(first: 100) { nodes { ${selection} } }`;
  return `{ ${selection} }`;
};

/** What must stay refused, and the field each refusal names. */
const ABUSIVE: [string, string, string][] = [
  ['100 × 100 × 100 nested pages', pages(3, 'headline'), 'articles.persons.articles'],
  [
    'bodies under nested pages',
    pages(2, 'mentions(first: 100) { nodes { article { body } } }'),
    'articles.persons.mentions',
  ],
  [
    'an alias flood of heavy fields',
    `{ ${Array.from(
      { length: 10 },
      (_, i) => `a${i}: persons(first: 100) { nodes { articles(first: 100) { nodes { body } } } }`,
    ).join(' ')} }`,
    'a0.articles',
  ],
  [
    'an alias flood of whole relationship lists under pages',
    `{ ${Array.from(
      { length: 10 },
      (_, i) =>
        `o${i}: organizations(first: 100) { nodes { members { person { participations { event { participants { person { articles(first: 100) { nodes { headline } } } } } } } } } }`,
    ).join(' ')} }`,
    'o0.members.person.participations.event.participants.person.articles',
  ],
];

describe('abusive shapes stay refused', () => {
  it.each(ABUSIVE)('%s', async (_name, query, path) => {
    api.counter.reset();
    const response = await api.query(query);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    const cost = response.extensions?.cost as Cost;
    expect(cost.requested).toBeGreaterThan(DEFAULT_LIMITS.maxCost);
    expect(cost.actual).toBe(0);
    expect(cost.largest?.path).toBe(path);
    expect(response.errors?.[0]?.message).toContain(`The field that contributes most is ${path}: `);
    expect(api.counter.total()).toBe(0); // refused before anything was read
  });
});

/**
 * The cost model's parts (src/plugins/cost.ts): every unpaged list of objects is priced from the data, the
 * price follows the data on reload, `actual` counts the objects returned (from the response cache too), and the
 * node cap refuses what the machine should not build. Requests go over HTTP.
 */
import { getNamedType, getNullableType, isCompositeType, isListType, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/config.js';
import type { CostFacts } from '../src/data/contract.js';
import { loadStore } from '../src/data/load-store.js';
import { countObjects, LIST_SIZES, operationCost } from '../src/plugins/cost.js';
import { schema } from '../src/schema/index.js';
import { createTestApi, DATA_DIR, testApp } from './helpers.js';
import { NATURAL_QUERIES, NATURAL_QUERY_VARIABLES } from './support/natural-queries.js';

/** The `Type.field` of every list of objects in the schema that takes no page size (a connection's items aside). */
function unpagedObjectLists(): string[] {
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const isList = isListType(getNullableType(field.type));
      const isItems = type.name.endsWith('Connection') && (field.name === 'nodes' || field.name === 'edges');
      if (isList && isCompositeType(getNamedType(field.type)) && !isItems) found.push(`${type.name}.${field.name}`);
    }
  }
  return found.sort();
}

describe('unpaged lists', () => {
  it('are every one priced by LIST_SIZES, none by a guess, and LIST_SIZES names no field that is not one', () => {
    expect(unpagedObjectLists()).toEqual(Object.keys(LIST_SIZES).sort());
  });

  it('are priced from the data: the 99th-percentile length, and change with the data', async () => {
    const store = await loadStore(DATA_DIR);
    const facts = store.costFacts();
    const query = '{ organization(slug: "quds-force") { members { person { name } } } }';
    const price = (f: CostFacts) => operationCost(schema, parse(query), null, {}, f);
    // organization 1 + members × (an affiliation 1 + its person 1)
    expect(price(facts).cost).toBe(1 + facts.listLengths.affiliationsByOrganization * 2);
    const more = { ...facts, listLengths: { ...facts.listLengths, affiliationsByOrganization: 40 } };
    expect(price(more).cost).toBe(1 + 40 * 2);
    // The node cap reads the longest list, not the 99th percentile.
    const longest = { ...facts, longestLists: { ...facts.longestLists, affiliationsByOrganization: 500 } };
    expect(price(longest).nodes).toBe(1 + 500 * 2);
  });
});

describe('actual', () => {
  it('counts the non-null objects of the answer (lists and scalars are not objects)', () => {
    expect(countObjects({ a: { b: [{ c: 1 }, null, { d: { e: null } }] }, f: null })).toBe(4);
  });

  it('is the same for an answer served by the response cache', async () => {
    const api = await createTestApi(DATA_DIR, { responseCacheMaxEntries: 100 });
    const query = '{ persons(first: 3) { edges { node { name affiliations { organization { name } } } } } }';
    const first = await api.query(query);
    api.counter.reset();
    const again = await api.query(query);
    expect(api.counter.total()).toBe(0); // served from the cache
    expect(again.extensions?.cost).toEqual(first.extensions?.cost);
    expect(first.extensions?.cost).toMatchObject({ actual: countObjects(first.data) });
  });
});

describe('the node cap', () => {
  it('refuses a query that can return more objects than MAX_NODES, naming the field, even under a raised cost limit', async () => {
    const api = await createTestApi(DATA_DIR, { maxCost: 10_000_000, maxNodes: 5_000 });
    const response = await api.query('{ articles(first: 100) { nodes { persons(first: 100) { nodes { name } } } } }');
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.errors?.[0]?.extensions?.nodes).toEqual({ requested: 10_201, limit: 5_000 });
    expect(response.errors?.[0]?.message).toBe(
      'Query can return up to 10,201 objects, more than the limit of 5,000. The field that contributes most is articles.persons: 10,100 of 10,201. Ask for smaller pages (first/last) or fewer nested lists.',
    );
    expect(response.data ?? null).toBeNull();
  });

  it('has a default that every natural query stays far under (a quarter of it at most)', async () => {
    const facts = (await loadStore(DATA_DIR)).costFacts();
    for (const [name, text] of NATURAL_QUERIES) {
      const { nodes } = operationCost(schema, parse(text), null, NATURAL_QUERY_VARIABLES, facts);
      expect(nodes, name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxNodes / 4);
    }
  });
});

describe('a reload', () => {
  it('reprices a cached document from the new data (the cost cache is keyed by the data version)', async () => {
    const store = await loadStore(DATA_DIR);
    let facts = store.costFacts();
    const source = Object.create(store) as typeof store;
    Object.defineProperty(source, 'costFacts', { value: () => facts });
    const query = '{ organization(slug: "quds-force") { members { person { name } } } }';
    let version = 'v1';
    Object.defineProperty(source, 'version', { get: () => version });
    const { yoga } = testApp(source);
    const ask = async () =>
      (
        (await (
          await yoga.fetch('http://localhost/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query }),
          })
        ).json()) as { extensions: { cost: { requested: number } } }
      ).extensions.cost.requested;
    const before = await ask();
    facts = { ...facts, listLengths: { ...facts.listLengths, affiliationsByOrganization: 40 } };
    expect(await ask()).toBe(before); // same data version: the cached price
    version = 'v2';
    expect(await ask()).toBe(1 + 40 * 2);
  });
});

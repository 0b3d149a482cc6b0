/** The entity-type registry reaches every place that lists the types, and the request's loaders come from one table. */
import { GraphQLEnumType, GraphQLObjectType, type GraphQLUnionType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoaders } from '../src/context.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { ENTITY_TYPE_INFO, ENTITY_TYPES } from '../src/data/entity-types.js';
import { loadDataset } from '../src/data/load-fixtures.js';
import { MemoryStore } from '../src/data/memory/memory-store.js';
import { schema } from '../src/schema/index.js';
import { loadRequired } from '../src/schema/shared/references.js';
import { createTestApi, DATA_DIR } from './helpers.js';

let store: MemoryStore;
let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  store = new MemoryStore(await loadDataset(DATA_DIR));
  api = await createTestApi();
});

function objectType(name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLObjectType)) throw new Error(`${name} is not an object type`);
  return type;
}

function enumValues(name: string): unknown[] {
  const type = schema.getType(name);
  if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum`);
  return type.getValues().map((value) => value.value);
}

describe('entity type registry', () => {
  it.each(ENTITY_TYPES)('wires %s through the schema: object, lookup, lists, enums, search, stats', (type) => {
    const { noun, plural } = ENTITY_TYPE_INFO[type];
    expect(
      objectType(type)
        .getInterfaces()
        .map((i) => i.name),
    ).toEqual(expect.arrayContaining(['Entity', 'Node']));
    const query = objectType('Query').getFields();
    expect(query[noun]?.type.toString()).toBe(type);
    expect(query[plural]?.type.toString()).toBe(`${type}Connection!`);
    expect(query[plural]?.args.map((a) => [a.name, a.type.toString()])).toEqual(
      expect.arrayContaining([
        ['filter', `${type}Filter`],
        ['orderBy', `${type}Order`],
      ]),
    );
    expect(objectType('Article').getFields()[plural]?.type.toString()).toBe(`${type}Connection!`);
    expect(objectType('Stats').getFields()[plural]?.type.toString()).toBe('Int!');
    expect(enumValues('EntityType')).toContain(type);
    expect(enumValues('SearchType')).toContain(type);
    const results = schema.getType('SearchResult') as GraphQLUnionType;
    expect(results.getTypes().map((t) => t.name)).toContain(type);
  });

  it('finds each type of entity by its global ID and by its list', async () => {
    for (const type of ENTITY_TYPES) {
      const { plural } = ENTITY_TYPE_INFO[type];
      const listed = await api.data<Record<string, { nodes: { id: string; __typename: string }[] }>>(
        `{ ${plural}(first: 1) { nodes { id __typename } } }`,
      );
      const first = listed[plural]?.nodes[0];
      expect(first?.__typename).toBe(type);
      const found = await api.data<{ node: { id: string } | null }>('query($id: ID!) { node(id: $id) { id } }', {
        id: first?.id,
      });
      expect(found.node?.id).toBe(first?.id);
    }
  });

  it('lets topEntities and search ask for every type, and no more types than there are', async () => {
    const all = ENTITY_TYPES.map((type) => type.toUpperCase());
    expect((await api.query(`{ topEntities(types: [${all}]) { articleCount } }`)).errors).toBeUndefined();
    const tooMany = await api.query(`{ topEntities(types: [${[...all, all[0]]}]) { articleCount } }`);
    expect(tooMany.errors?.[0]?.message).toContain(`at most ${ENTITY_TYPES.length} types`);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const searchable = ['ARTICLE', ...all];
    expect(
      (await api.query(`{ search(query: "Peru", types: [${searchable}]) { totalCount } }`)).errors,
    ).toBeUndefined();
    const searchTooMany = await api.query(
      `{ search(query: "Peru", types: [${[...searchable, 'ARTICLE']}]) { totalCount } }`,
    );
    expect(searchTooMany.errors?.[0]?.message).toContain(`at most ${searchable.length} types`);
    expect(searchTooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('request loaders', () => {
  async function personSlugs(): Promise<readonly string[]> {
    const [page] = await store.listPersons([{ filter: {}, window: { size: 100, direction: 'FORWARD' } }]);
    return page?.items.map(({ item }) => item) ?? [];
  }

  /** The store, recording which of its methods were looked up (a loader reads its method when it is made). */
  function watched() {
    const looked: string[] = [];
    const source = new Proxy(store, {
      get(target, property, receiver) {
        if (typeof property === 'string' && property.endsWith('BySlug')) looked.push(property);
        return Reflect.get(target, property, receiver);
      },
    }) as NewsDataSource;
    return { source, looked };
  }

  it('makes a loader only when it is first used, and once per request', () => {
    const { source, looked } = watched();
    const loaders = createLoaders(source);
    expect(looked).toEqual([]);
    expect(loaders.person).toBe(loaders.person);
    expect(looked).toEqual(['personsBySlug']);
  });

  it('loads every entity type through its own loader, null for an unknown slug', async () => {
    const loaders = createLoaders(store);
    for (const type of ENTITY_TYPES) {
      const page = await loaders.listOfType(type).load({ filter: {}, window: { size: 1, direction: 'FORWARD' } });
      const known = page.items[0]?.item;
      const record = await loaders.entity({ type, slug: known as string });
      expect(record?.type).toBe(type);
      expect(await loaders.entity({ type, slug: 'no-such-slug' })).toBeNull();
    }
  });

  it('batches keys into one source call, or calls once per key with batch: false', async () => {
    const slugs = await personSlugs();
    for (const [batch, expected] of [
      [true, 1],
      [false, slugs.length],
    ] as const) {
      let calls = 0;
      const counting = Object.assign(Object.create(store) as NewsDataSource, {
        personsBySlug: (keys: readonly string[]) => {
          calls++;
          return store.personsBySlug(keys);
        },
      });
      const loaders = createLoaders(counting, { batch });
      const records = await Promise.all(slugs.map((slug) => loaders.person.load(slug)));
      expect(records.map((r) => r?.slug)).toEqual(slugs);
      expect(calls).toBe(expected);
    }
  });

  it('loadRequired gives the record, and refuses a reference to a missing one', async () => {
    const loaders = createLoaders(store);
    const [slug] = await personSlugs();
    expect((await loadRequired(loaders.person, slug as string, 'person')).slug).toBe(slug);
    await expect(loadRequired(loaders.person, 'no-such-person', 'person')).rejects.toThrow(
      'Store inconsistency: person "no-such-person" is referenced but missing',
    );
  });
});

/** Global object identification and the single-object lookups, good and bad IDs. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, globalId } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

describe('node and nodes', () => {
  it('round-trips every type’s id through node()', async () => {
    const ids = await api.data<{
      article: { id: string };
      person: { id: string };
      organization: { id: string };
      event: { id: string };
    }>(`{
      article(slug: "irans-alleged-terror-plot-in-peru") { id }
      person(slug: "majid-azizi") { id }
      organization(slug: "quds-force") { id }
      event(slug: "apec-meeting-2024") { id }
    }`);
    expect(ids.person.id).toBe(globalId('Person', 'majid-azizi'));
    for (const [expectedType, { id }] of [
      ['Article', ids.article],
      ['Person', ids.person],
      ['Organization', ids.organization],
      ['Event', ids.event],
    ] as const) {
      const { node } = await api.data<{ node: { __typename: string; id: string } }>(
        `query($id: ID!) { node(id: $id) { __typename id } }`,
        { id },
      );
      expect(node).toEqual({ __typename: expectedType, id });
    }
  });

  it('nodes keeps the order of ids and puts null for unknown, malformed or foreign-type ids', async () => {
    const ids = [
      globalId('Organization', 'quds-force'),
      'not an id',
      globalId('Person', 'nobody-at-all'),
      globalId('Spaceship', 'enterprise'),
      globalId('Person', 'majid-azizi'),
      '',
      Buffer.from('Person:Majid Azizi').toString('base64'),
    ];
    const result = await api.query<{ nodes: ({ id: string } | null)[] }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.nodes).toEqual([{ id: ids[0] }, null, null, null, { id: ids[4] }, null, null]);
  });

  it('node is null for a malformed id, a well-formed id of an unknown type, and an unknown slug', async () => {
    for (const id of ['!!!', 'UGVyc29u', globalId('Spaceship', 'x'), globalId('Article', 'no-such-article')]) {
      const result = await api.query(`query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(result).toMatchObject({ status: 200, data: { node: null } });
      expect(result.errors).toBeUndefined();
    }
  });

  it('refuses more than 100 ids with BAD_USER_INPUT', async () => {
    const ids = Array.from({ length: 101 }, () => globalId('Person', 'majid-azizi'));
    const result = await api.query(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/^ids: at most 100/);
  });
});

describe('lookups by id or slug', () => {
  it('finds by slug and by id alike', async () => {
    const result = await api.data<{ bySlug: { name: string }; byId: { name: string } }>(
      `query($id: ID) { bySlug: organization(slug: "apec") { name } byId: organization(id: $id) { name } }`,
      { id: globalId('Organization', 'apec') },
    );
    expect(result).toEqual({
      bySlug: { name: 'Asia-Pacific Economic Cooperation' },
      byId: { name: 'Asia-Pacific Economic Cooperation' },
    });
  });

  it('is null for an unknown slug, an id of another type, or a malformed id', async () => {
    const result = await api.query(
      `query($personId: ID, $bad: ID) {
        a: person(slug: "nobody") { name }
        b: organization(id: $personId) { name }
        c: event(id: $bad) { name }
        d: article(slug: "") { headline }
      }`,
      { personId: globalId('Person', 'majid-azizi'), bad: '%%%' },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: null, b: null, c: null, d: null });
  });

  it('needs exactly one of id and slug', async () => {
    for (const args of ['', `(id: "${globalId('Person', 'majid-azizi')}", slug: "majid-azizi")`]) {
      const result = await api.query(`{ person${args} { name } }`);
      expect(result.data).toEqual({ person: null });
      expect(result.errors?.[0]).toMatchObject({
        message: 'give exactly one of `id` or `slug`',
        path: ['person'],
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
  });
});

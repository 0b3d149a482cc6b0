/** Relay connections: defaults, limits, cursors forwards and backwards, totalCount, nodes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, editedFixtures, testApp } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

interface Page {
  totalCount: number;
  nodes: { slug: string }[];
  edges: { cursor: string; node: { slug: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
const PAGE =
  'totalCount nodes { slug } edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

async function organizations(args: string): Promise<Page> {
  return (await api.data<{ organizations: Page }>(`{ organizations${args} { ${PAGE} } }`)).organizations;
}

describe('connections', () => {
  it('walks the whole list page by page with after, without gaps or repeats', async () => {
    const all = await organizations('(first: 100)');
    expect(all.totalCount).toBe(13);
    expect(all.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Page = await organizations(after ? `(first: 5, after: "${after}")` : '(first: 5)');
      expect(page.totalCount).toBe(13);
      expect(page.nodes).toEqual(page.edges.map((e) => e.node));
      seen.push(...page.nodes.map((n) => n.slug));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.nodes.map((n) => n.slug));
  });

  it('orders root lists by name', async () => {
    const all = await api.data<{ organizations: { nodes: { name: string }[] } }>(
      `{ organizations(first: 100) { nodes { name } } }`,
    );
    const names = all.organizations.nodes.map((n) => n.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('defaults to 20 items and accepts first: 0', async () => {
    const { article } = await api.data<{
      article: { mentions: { totalCount: number; nodes: unknown[]; pageInfo: { hasNextPage: boolean } } };
    }>(
      `{ article(slug: "irans-alleged-terror-plot-in-peru") { mentions { totalCount nodes { start } pageInfo { hasNextPage } } } }`,
    );
    const mentions = article;
    expect(mentions.mentions.totalCount).toBeGreaterThan(20);
    expect(mentions.mentions.nodes).toHaveLength(20);
    expect(mentions.mentions.pageInfo.hasNextPage).toBe(true);
    const empty = await organizations('(first: 0)');
    expect(empty).toMatchObject({
      totalCount: 13,
      nodes: [],
      edges: [],
      pageInfo: { startCursor: null, endCursor: null, hasNextPage: true },
    });
  });

  it('pages backwards with last and before', async () => {
    const all = await organizations('(first: 100)');
    const lastThree = await organizations('(last: 3)');
    expect(lastThree.nodes).toEqual(all.nodes.slice(-3));
    expect(lastThree.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await organizations(`(last: 2, before: "${lastThree.pageInfo.startCursor}")`);
    expect(before.nodes).toEqual(all.nodes.slice(-5, -3));
  });

  it('an after cursor past the end gives an empty page', async () => {
    const all = await organizations('(first: 100)');
    const page = await organizations(`(after: "${all.pageInfo.endCursor}")`);
    expect(page).toMatchObject({ totalCount: 13, nodes: [], pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  });

  it('paginates nested connections the same way', async () => {
    const { person } = await api.data<{
      person: { articles: { totalCount: number; nodes: { slug: string }[]; pageInfo: { endCursor: string } } };
    }>(`{ person(slug: "majid-azizi") { articles(first: 1) { totalCount nodes { slug } pageInfo { endCursor } } } }`);
    expect(person.articles.totalCount).toBe(2);
    expect(person.articles.nodes).toEqual([{ slug: 'irans-alleged-terror-plot-in-peru' }]);
    const next = await api.data<{
      person: { articles: { nodes: { slug: string }[]; pageInfo: { hasNextPage: boolean } } };
    }>(
      `query($after: String) { person(slug: "majid-azizi") { articles(first: 1, after: $after) { nodes { slug } pageInfo { hasNextPage } } } }`,
      { after: person.articles.pageInfo.endCursor },
    );
    expect(next.person.articles).toEqual({
      nodes: [{ slug: 'foiling-lima-terror-plot-arrest-of-majid-azizi' }],
      pageInfo: { hasNextPage: false },
    });
  });
});

describe('bad pagination arguments', () => {
  it.each([
    ['first: 101', 'first'],
    ['first: -1', 'first'],
    ['last: 1000', 'last'],
    ['after: "garbage"', 'after'],
    ['after: ""', 'after'],
    ['before: "T2Zmc2V0Q29ubmVjdGlvbjox"', 'before'],
    [`after: "${Buffer.from('cursor:-1').toString('base64')}"`, 'after'],
  ])('%s is BAD_USER_INPUT naming the argument', async (args, argument) => {
    const result = await api.query(`{ organizations(${args}) { totalCount } }`);
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(new RegExp(`^${argument}: `));
    expect(result.errors?.[0]?.message).not.toMatch(/base64|implemented|offset/i);
  });

  it('a bad argument on a nested connection fails only that field', async () => {
    const result = await api.query(`{ person(slug: "majid-azizi") { name articles(first: 500) { totalCount } } }`);
    expect(result.errors?.[0]).toMatchObject({ path: ['person', 'articles'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(result.errors?.[0]?.message).toBe('first: must be between 0 and 100');
  });
});

/** A connection as the walks below read it: each edge's node reduced to an id. */
interface Walked {
  totalCount: number;
  edges: { cursor: string; node: Record<string, unknown> }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Every paged list of the API, as a query around its page arguments, and how to name one of its items. */
const LISTS: {
  name: string;
  query: (args: string) => string;
  node: string;
  id: (node: Record<string, unknown>) => string;
}[] = [
  ...['', '(orderBy: { field: PUBLISHED_AT, direction: ASC })', '(orderBy: { field: HEADLINE })'].map((order) => ({
    name: `Query.articles${order}`,
    query: (args: string) => `{ list: articles${merge(order, args)} { PAGE } }`,
    node: 'slug',
    id: (node: Record<string, unknown>) => String(node.slug),
  })),
  ...['persons', 'organizations', 'events'].flatMap((plural) =>
    ['', '(orderBy: { field: NAME, direction: DESC })', '(orderBy: { field: ARTICLE_COUNT })'].map((order) => ({
      name: `Query.${plural}${order}`,
      query: (args: string) => `{ list: ${plural}${merge(order, args)} { PAGE } }`,
      node: 'slug',
      id: (node: Record<string, unknown>) => String(node.slug),
    })),
  ),
  {
    name: 'Query.events(orderBy: START_DATE DESC)',
    query: (args) => `{ list: events${merge('(orderBy: { field: START_DATE, direction: DESC })', args)} { PAGE } }`,
    node: 'slug',
    id: (node) => String(node.slug),
  },
  ...['persons', 'organizations', 'events', 'mentions'].map((field) => ({
    name: `Article.${field}`,
    query: (args: string) =>
      `{ article(slug: "irans-alleged-terror-plot-in-peru") { list: ${field}${merge('', args)} { PAGE } } }`,
    node: field === 'mentions' ? 'start end entity { id }' : 'slug',
    id: (node: Record<string, unknown>) =>
      field === 'mentions' ? `${node.start}-${node.end}-${(node.entity as { id: string }).id}` : String(node.slug),
  })),
  ...['articles', 'mentions', 'coMentions'].map((field) => ({
    name: `Person.${field}`,
    query: (args: string) => `{ person(slug: "majid-azizi") { list: ${field}${merge('', args)} { PAGE } } }`,
    node:
      field === 'articles' ? 'slug' : field === 'mentions' ? 'start article { slug }' : 'sharedArticles entity { id }',
    id: (node: Record<string, unknown>) =>
      field === 'articles'
        ? String(node.slug)
        : field === 'mentions'
          ? `${(node.article as { slug: string }).slug}@${node.start}`
          : `${(node.entity as { id: string }).id}×${node.sharedArticles}`,
  })),
  {
    name: 'Organization.mentions',
    query: (args) => `{ organization(slug: "quds-force") { list: mentions${merge('', args)} { PAGE } } }`,
    node: 'start article { slug }',
    id: (node) => `${(node.article as { slug: string }).slug}@${node.start}`,
  },
  {
    name: 'Query.search',
    query: (args) => `{ list: search${merge('(query: "peru")', args)} { PAGE } }`,
    node: '__typename ... on Article { slug } ... on Entity { id }',
    id: (node) => String(node.slug ?? node.id),
  },
];

/** Arguments of a list and page arguments, as one argument list. */
function merge(list: string, page: string): string {
  const inner = [list.slice(1, -1), page].filter(Boolean).join(', ');
  return inner ? `(${inner})` : '';
}

async function walked(list: (typeof LISTS)[number], args: string): Promise<Walked> {
  const page = `totalCount edges { cursor node { ${list.node} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
  const data = await api.data<Record<string, unknown>>(list.query(args).replace('PAGE', page));
  const holder = (data.list ?? Object.values(data)[0]) as Record<string, unknown>;
  return (holder.list ?? holder) as Walked;
}

describe('keyset pagination over every list', () => {
  it.each(LISTS.map((list) => [list.name, list] as const))(
    '%s: forward with after and backward with before, without gaps or repeats',
    async (_name, list) => {
      const whole = await walked(list, 'first: 100');
      const ids = whole.edges.map((edge) => list.id(edge.node));
      expect(ids.length, 'a list long enough to page').toBeGreaterThan(1);
      expect(whole.totalCount).toBe(ids.length);

      const forward: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages <= ids.length; pages++) {
        const page: Walked = await walked(list, after ? `first: 2, after: ${JSON.stringify(after)}` : 'first: 2');
        forward.push(...page.edges.map((edge) => list.id(edge.node)));
        expect(page.totalCount).toBe(ids.length);
        expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
        expect(page.pageInfo.hasNextPage).toBe(forward.length < ids.length);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(forward).toEqual(ids);

      const backward: string[] = [];
      let before: string | null = null;
      for (let pages = 0; pages <= ids.length; pages++) {
        const page: Walked = await walked(list, before ? `last: 2, before: ${JSON.stringify(before)}` : 'last: 2');
        backward.unshift(...page.edges.map((edge) => list.id(edge.node)));
        expect(page.pageInfo.hasNextPage).toBe(before !== null);
        expect(page.pageInfo.hasPreviousPage).toBe(backward.length < ids.length);
        expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
        if (!page.pageInfo.hasPreviousPage) break;
        before = page.pageInfo.startCursor;
      }
      expect(backward).toEqual(ids);

      // Relay's other two combinations: the first items before a cursor, the last items after one.
      const cursors = whole.edges.map((edge) => edge.cursor);
      const last = cursors.length - 1;
      const firstBefore = await walked(list, `first: 1, before: ${JSON.stringify(cursors[last])}`);
      expect(firstBefore.edges.map((edge) => list.id(edge.node))).toEqual(ids.slice(0, 1));
      expect(firstBefore.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      const lastAfter = await walked(list, `last: 1, after: ${JSON.stringify(cursors[0])}`);
      expect(lastAfter.edges.map((edge) => list.id(edge.node))).toEqual(ids.slice(-1));
      expect(lastAfter.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const both = await walked(list, `first: 2, last: 1, after: ${JSON.stringify(cursors[0])}`);
      expect(both.edges.map((edge) => list.id(edge.node))).toEqual(ids.slice(1, 3).slice(-1));
    },
  );
});

describe('cursors from another list or order', () => {
  /** The end cursor of the first page of a query's connection (the query's first field, or its `list`). */
  async function cursorOf(query: string): Promise<string> {
    const data = await api.data<Record<string, unknown>>(query);
    let value = Object.values(data)[0] as Record<string, unknown>;
    if (value.list) value = value.list as Record<string, unknown>;
    return (value.pageInfo as { endCursor: string }).endCursor;
  }

  async function refusal(query: string, variables: Record<string, unknown>) {
    const result = await api.query(query, variables);
    expect(result.status).toBe(200);
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    return result.errors?.[0]?.message ?? '';
  }

  it('refuses a persons cursor on organizations, naming both lists', async () => {
    const cursor = await cursorOf('{ persons(first: 2) { pageInfo { endCursor } } }');
    const message = await refusal('query($after: String) { organizations(after: $after) { totalCount } }', {
      after: cursor,
    });
    expect(message).toBe(
      'after: this cursor is from another list (Query.persons), not from Query.organizations: use a cursor from the list you page',
    );
  });

  it('refuses an Article.persons cursor on Query.persons, and a Query.persons cursor on Article.persons', async () => {
    const articleCursor = await cursorOf(
      '{ article(slug: "irans-alleged-terror-plot-in-peru") { list: persons(first: 1) { pageInfo { endCursor } } } }',
    );
    expect(
      await refusal('query($before: String) { persons(before: $before) { totalCount } }', { before: articleCursor }),
    ).toMatch(/^before: this cursor is from another list \(Article\.persons\), not from Query\.persons/);
    const rootCursor = await cursorOf('{ persons(first: 1) { pageInfo { endCursor } } }');
    const result = await api.query(
      'query($after: String) { article(slug: "irans-alleged-terror-plot-in-peru") { headline persons(after: $after) { totalCount } } }',
      { after: rootCursor },
    );
    // Only the field with the foreign cursor fails; the rest of the answer stands.
    expect(result.errors?.[0]).toMatchObject({ path: ['article', 'persons'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(result.data).toEqual({ article: null }); // the connection is non-null: its (nullable) parent goes
  });

  it('refuses a PUBLISHED_AT cursor on the HEADLINE order, and a NAME ASC cursor on NAME DESC', async () => {
    const cursor = await cursorOf('{ articles(first: 1) { pageInfo { endCursor } } }');
    const message = await refusal(
      'query($after: String) { articles(after: $after, orderBy: { field: HEADLINE }) { totalCount } }',
      { after: cursor },
    );
    expect(message).toBe(
      'after: this cursor is from Query.articles in another order (PUBLISHED_AT DESC), not HEADLINE ASC: use a cursor from the same order',
    );
    const ascending = await cursorOf('{ organizations(first: 1) { pageInfo { endCursor } } }');
    expect(
      await refusal(
        'query($after: String) { organizations(after: $after, orderBy: { field: NAME, direction: DESC }) { totalCount } }',
        { after: ascending },
      ),
    ).toMatch(/another order \(NAME ASC\), not NAME DESC/);
  });

  it('refuses a Person.mentions cursor on Organization.mentions, and a search cursor on a list', async () => {
    const mention = await cursorOf(
      '{ person(slug: "majid-azizi") { list: mentions(first: 1) { pageInfo { endCursor } } } }',
    );
    expect(
      await refusal(
        'query($after: String) { organization(slug: "quds-force") { mentions(after: $after) { totalCount } } }',
        { after: mention },
      ),
    ).toMatch(/^after: this cursor is from another list \(Person\.mentions\), not from Organization\.mentions/);
    const search = await cursorOf('{ search(query: "peru", first: 1) { pageInfo { endCursor } } }');
    expect(await refusal('query($after: String) { persons(after: $after) { totalCount } }', { after: search })).toMatch(
      /another list \(Query\.search\)/,
    );
  });

  it('refuses a cursor whose position does not fit its order, as not a cursor of this API', async () => {
    const forged = (position: unknown[]) =>
      Buffer.from(JSON.stringify(['Query.persons', 'NAME ASC', position])).toString('base64url');
    for (const position of [[1, 'biden'], ['biden'], ['biden', 'biden', 'biden'], [null, 'biden']]) {
      expect(
        await refusal('query($after: String) { persons(after: $after) { totalCount } }', { after: forged(position) }),
      ).toBe('after: is not a valid cursor: use a cursor returned by this API');
    }
    // A position between two items is a fine keyset bound (a cursor of an item since removed, for example).
    const between = await api.data<{ persons: { nodes: { slug: string }[] } }>(
      'query($after: String) { persons(first: 100, after: $after) { nodes { slug } } }',
      { after: forged(['c', '']) },
    );
    const all = await api.data<{ persons: { nodes: { name: string; slug: string }[] } }>(
      '{ persons(first: 100) { nodes { name slug } } }',
    );
    expect(between.persons.nodes.map((n) => n.slug)).toEqual(
      all.persons.nodes.filter((n) => n.name.toLowerCase() > 'c').map((n) => n.slug),
    );
  });
});

describe('cursors across data versions', () => {
  it('continue after the same item when the list has changed (keyset, not offsets)', async () => {
    const first = await api.data<{ persons: { nodes: { slug: string }[]; pageInfo: { endCursor: string } } }>(
      '{ persons(first: 3) { nodes { slug } pageInfo { endCursor } } }',
    );
    // The same fixtures with one more person, sorting first ("Aaron…"), mentioned by an alias already in the text.
    const grown = await createTestApi(
      await editedFixtures('persons.json', (records) => [
        ...records,
        {
          slug: 'aaron-azizi',
          name: 'Aaron Azizi',
          aliases: ['Majid'],
          description: null,
          nationalities: [],
        },
      ]),
    );
    const next = await grown.data<{ persons: { nodes: { slug: string }[] } }>(
      'query($after: String) { persons(first: 2, after: $after) { nodes { slug } } }',
      { after: first.persons.pageInfo.endCursor },
    );
    const all = await grown.data<{ persons: { nodes: { slug: string }[] } }>(
      '{ persons(first: 100) { nodes { slug } } }',
    );
    const slugs = all.persons.nodes.map((n) => n.slug);
    expect(slugs[0]).toBe('aaron-azizi');
    const lastSeen = first.persons.nodes.at(-1)?.slug as string;
    expect(next.persons.nodes.map((n) => n.slug)).toEqual(slugs.slice(slugs.indexOf(lastSeen) + 1).slice(0, 2));
  });
});

describe('totalCount', () => {
  it('is asked of the source only when the selection has it (directly or in a fragment)', async () => {
    const windows: { count?: boolean }[] = [];
    const store = api.store;
    const watching = Object.assign(Object.create(store) as typeof store, {
      listOrganizations: (queries: Parameters<typeof store.listOrganizations>[0]) => {
        windows.push(...queries.map((query) => query.window));
        return store.listOrganizations(queries);
      },
    });
    const { yoga } = testApp(watching);
    const run = async (query: string) => {
      windows.length = 0;
      const response = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
      return windows.map((window) => window.count);
    };
    expect(await run('{ organizations(first: 2) { nodes { slug } } }')).toEqual([false]);
    expect(await run('{ organizations(first: 2) { totalCount } }')).toEqual([true]);
    expect(
      await run('{ organizations(first: 2) { ...Counted } } fragment Counted on OrganizationConnection { totalCount }'),
    ).toEqual([true]);
    expect(await run('{ organizations(first: 2) { ... on OrganizationConnection { totalCount } } }')).toEqual([true]);
  });
});

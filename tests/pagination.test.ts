/** Relay connections: defaults, limits, cursors forwards and backwards, totalCount, nodes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './helpers.js';

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

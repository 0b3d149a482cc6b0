/** Filters and orderings on every list, checked against the seed facts, and their bad inputs. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, globalId } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

const A1 = 'irans-alleged-terror-plot-in-peru'; // 2024-07-13
const A2 = 'foiling-lima-terror-plot-arrest-of-majid-azizi'; // 2024-03-08T23:03

async function slugs(field: string, args: string, variables?: Record<string, unknown>): Promise<string[]> {
  const declared = ['id', 'id2']
    .filter((name) => new RegExp(`\\$${name}\\b`).test(args))
    .map((name) => `$${name}: ID!`);
  const data = await api.data<Record<string, { nodes: { slug: string }[]; totalCount: number }>>(
    `query${declared.length ? `(${declared.join(', ')})` : ''} { ${field}(first: 100${args ? `, ${args}` : ''}) { totalCount nodes { slug } } }`,
    variables,
  );
  const connection = data[field];
  expect(connection?.totalCount).toBe(connection?.nodes.length); // totalCount counts the filtered set
  return connection?.nodes.map((n) => n.slug) ?? [];
}

describe('articles', () => {
  it('filter by mentioned entities (all of them)', async () => {
    const azizi = globalId('Person', 'majid-azizi');
    const trucios = globalId('Person', 'angello-felipe-trucios');
    const iran = globalId('Organization', 'iran');
    expect(await slugs('articles', 'filter: { mentions: [$id] }', { id: azizi })).toEqual([A1, A2]);
    expect(await slugs('articles', 'filter: { mentions: [$id, $id2] }', { id: azizi, id2: trucios })).toEqual([A2]);
    expect(await slugs('articles', 'filter: { mentions: [$id, $id2] }', { id: iran, id2: trucios })).toEqual([]);
  });

  it('filter by publication window, at reduced precision', async () => {
    expect(await slugs('articles', 'filter: { publishedFrom: "2024-07" }')).toEqual([A1]);
    expect(await slugs('articles', 'filter: { publishedTo: "2024-03-08" }')).toEqual([A2]);
    expect(await slugs('articles', 'filter: { publishedFrom: "2024", publishedTo: "2024" }')).toEqual([A1, A2]);
    expect(await slugs('articles', 'filter: { publishedFrom: "2024-04", publishedTo: "2024-06-30" }')).toEqual([]);
  });

  it('filter by text in headline or body, case- and accent-insensitive', async () => {
    expect(await slugs('articles', 'filter: { text: "TRUCÍOS" }')).toEqual([A2]);
    expect(await slugs('articles', 'filter: { text: "Kurilla Houthis" }')).toEqual([A1]);
    expect(await slugs('articles', 'filter: { text: "quds" }')).toEqual([A1, A2]);
  });

  it('orders by publication date or headline, either way', async () => {
    expect(await slugs('articles', 'orderBy: { field: PUBLISHED_AT, direction: ASC }')).toEqual([A2, A1]);
    expect(await slugs('articles', 'orderBy: { field: HEADLINE }')).toEqual([A2, A1]); // "Foiling…" < "Iran’s…"
    expect(await slugs('articles', 'orderBy: { field: HEADLINE, direction: DESC }')).toEqual([A1, A2]);
  });

  it('an entity’s articles take the same filter (a date range)', async () => {
    const { person } = await api.data<{
      person: { all: { totalCount: number }; july: { nodes: { slug: string }[] } };
    }>(`{
      person(slug: "majid-azizi") {
        all: articles { totalCount }
        july: articles(filter: { publishedFrom: "2024-07-01", publishedTo: "2024-07-31" }) { nodes { slug } }
      }
    }`);
    expect(person.all.totalCount).toBe(2);
    expect(person.july.nodes).toEqual([{ slug: A1 }]);
  });

  it('cursors stay valid under an ordering', async () => {
    const first = await api.data<{ articles: { nodes: { slug: string }[]; pageInfo: { endCursor: string } } }>(
      '{ articles(first: 1, orderBy: { field: PUBLISHED_AT, direction: ASC }) { nodes { slug } pageInfo { endCursor } } }',
    );
    const next = await api.data<{ articles: { nodes: { slug: string }[] } }>(
      'query($after: String) { articles(first: 1, after: $after, orderBy: { field: PUBLISHED_AT, direction: ASC }) { nodes { slug } } }',
      { after: first.articles.pageInfo.endCursor },
    );
    expect([...first.articles.nodes, ...next.articles.nodes].map((n) => n.slug)).toEqual([A2, A1]);
  });
});

describe('persons', () => {
  it('filter by name, nationality, affiliation and article', async () => {
    expect(await slugs('persons', 'filter: { nameContains: "AZÍ" }')).toEqual(['majid-azizi']);
    expect(await slugs('persons', 'filter: { nameContains: "israeli" }')).toEqual(['targeted-israeli-national']); // by alias too
    expect(await slugs('persons', 'filter: { nationality: "PE" }')).toEqual(['majid-azizi']);
    expect(await slugs('persons', 'filter: { nationality: "IL" }')).toEqual(['targeted-israeli-national']);
    expect(
      await slugs('persons', 'filter: { affiliatedWith: $id }', { id: globalId('Organization', 'quds-force') }),
    ).toEqual(['majid-azizi']);
    expect(await slugs('persons', 'filter: { mentionedIn: $id }', { id: globalId('Article', A2) })).toEqual([
      'majid-azizi',
      'targeted-israeli-national',
      'angello-felipe-trucios',
    ]);
  });

  it('orders by article or mention count, most first by default', async () => {
    const { persons } = await api.data<{
      persons: { nodes: { slug: string; articleCount: number; mentionCount: number }[] };
    }>('{ persons(orderBy: { field: MENTION_COUNT }, first: 3) { nodes { slug articleCount mentionCount } } }');
    expect(persons.nodes).toEqual([
      { slug: 'majid-azizi', articleCount: 2, mentionCount: 8 },
      { slug: 'targeted-israeli-national', articleCount: 2, mentionCount: 6 },
      { slug: 'angello-felipe-trucios', articleCount: 1, mentionCount: 3 },
    ]);
    const byArticles = await slugs('persons', 'orderBy: { field: ARTICLE_COUNT, direction: ASC }');
    expect(byArticles.slice(-2).sort()).toEqual(['majid-azizi', 'targeted-israeli-national']);
  });

  it('an article’s persons take the same filter', async () => {
    const { article } = await api.data<{ article: { persons: { nodes: { slug: string }[] } } }>(
      `{ article(slug: "${A1}") { persons(filter: { nationality: "IR" }) { nodes { slug } } } }`,
    );
    expect(article.persons.nodes).toEqual([{ slug: 'majid-azizi' }]);
  });
});

describe('organizations', () => {
  it('filter by kind, country, name and membership (directly or through units)', async () => {
    expect(await slugs('organizations', 'filter: { kind: ARMED_GROUP }')).toEqual(['hezbollah', 'houthis']);
    expect(await slugs('organizations', 'filter: { country: "IR" }')).toEqual([
      'iran',
      'quds-force',
      'revolutionary-guards-corps',
    ]);
    expect(await slugs('organizations', 'filter: { nameContains: "tehran" }')).toEqual(['iran']);
    expect(await slugs('organizations', 'filter: { partOf: $id }', { id: globalId('Organization', 'iran') })).toEqual([
      'quds-force',
      'revolutionary-guards-corps',
    ]);
    expect(
      await slugs('organizations', 'filter: { partOf: $id }', {
        id: globalId('Organization', 'revolutionary-guards-corps'),
      }),
    ).toEqual(['quds-force']);
  });

  it('orders by name either way', async () => {
    const up = await slugs('organizations', 'orderBy: { field: NAME }');
    const down = await slugs('organizations', 'orderBy: { field: NAME, direction: DESC }');
    expect(down).toEqual([...up].reverse());
    expect(up[0]).toBe('apec'); // "Asia-Pacific Economic Cooperation"
  });
});

describe('events', () => {
  it('filter by date window: "2014" overlaps from "2014-06-01"; undated events never match a window', async () => {
    expect(await slugs('events', 'filter: { from: "2014-06-01", to: "2014-12" }')).toEqual(['peru-plot-2014']);
    expect(await slugs('events', 'filter: { from: "2024-11-15" }')).toEqual(['apec-meeting-2024']);
    expect(await slugs('events', 'filter: { to: "2020" }')).toEqual(['peru-plot-2014']);
  });

  it('filter by kind, involved organization and location', async () => {
    expect(await slugs('events', 'filter: { kind: PLOT }')).toEqual(['peru-plot-2014', 'peru-assassination-plot']);
    expect(await slugs('events', 'filter: { involves: $id }', { id: globalId('Organization', 'iran') })).toEqual([
      'peru-plot-2014',
      'peru-assassination-plot',
    ]);
    expect(await slugs('events', 'filter: { location: "PERÚ" }')).toEqual([
      'peru-plot-2014',
      'apec-meeting-2024',
      'peru-assassination-plot',
    ]);
    // The plot's location is the newest article's ("Peru", July 2024); March's "Lima" is a superseded claim.
    expect(await slugs('events', 'filter: { location: "lima" }')).toEqual([]);
  });

  it('orders by start date, undated last', async () => {
    const ordered = await slugs('events', 'orderBy: { field: START_DATE }');
    expect(ordered.slice(0, 2)).toEqual(['peru-plot-2014', 'apec-meeting-2024']);
    const reversed = await slugs('events', 'orderBy: { field: START_DATE, direction: DESC }');
    expect(reversed.slice(0, 2)).toEqual(['apec-meeting-2024', 'peru-plot-2014']);
    expect(ordered).toHaveLength(7);
  });
});

describe('bad filters', () => {
  it.each([
    [
      'articles',
      'filter: { publishedFrom: "2024-08", publishedTo: "2024-07" }',
      /^filter\.publishedTo: must not be before publishedFrom/,
    ],
    ['articles', 'filter: { publishedFrom: "July 2024" }', /^filter\.publishedFrom: must be an ISO 8601 date/],
    ['articles', 'filter: { publishedFrom: "2024-13" }', /^filter\.publishedFrom: must be an ISO 8601 date/],
    ['articles', 'filter: { text: "  " }', /^filter\.text: must not be empty/],
    [
      'articles',
      `filter: { mentions: ["${globalId('Article', A1)}"] }`,
      /^filter\.mentions\.0: must be the ID of a Person or Organization or Event/,
    ],
    ['articles', 'filter: { mentions: ["garbage"] }', /^filter\.mentions\.0: must be the ID of/],
    ['persons', 'filter: { nationality: "Iran" }', /^filter\.nationality: must be an ISO 3166-1 alpha-2 country code/],
    [
      'persons',
      `filter: { affiliatedWith: "${globalId('Person', 'majid-azizi')}" }`,
      /^filter\.affiliatedWith: must be the ID of an Organization/,
    ],
    ['organizations', 'filter: { partOf: "x" }', /^filter\.partOf: must be the ID of an Organization/],
    ['events', 'filter: { from: "2025", to: "2024-12-31" }', /^filter\.to: must not be before from/],
  ])('%s(%s) is BAD_USER_INPUT saying what is wrong', async (field, args, message) => {
    const result = await api.query(`{ ${field}(${args}) { totalCount } }`);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(message);
  });

  it('an unknown but well-formed ID simply matches nothing', async () => {
    expect(
      await slugs('persons', 'filter: { affiliatedWith: $id }', { id: globalId('Organization', 'no-such-org') }),
    ).toEqual([]);
  });
});

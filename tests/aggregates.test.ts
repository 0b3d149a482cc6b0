/** Dashboard aggregates: stats, topEntities, timeline, coMentions, checked against the seed facts. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, globalId } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

interface Ranked {
  entity: { __typename: string; slug: string };
  articleCount: number;
  mentionCount: number;
}
const RANKED = 'entity { __typename slug } articleCount mentionCount';

describe('stats', () => {
  it('counts the corpus', async () => {
    const { stats } = await api.data<{ stats: Record<string, unknown> }>(
      '{ stats { articles persons organizations events mentions relationships dataVersion } }',
    );
    expect(stats).toEqual({
      articles: 2,
      persons: 9,
      organizations: 13,
      events: 7,
      mentions: 82,
      relationships: 37,
      dataVersion: api.store.version,
    });
  });

  it('agrees with the lists', async () => {
    const data = await api.data<Record<string, { totalCount: number }> & { stats: Record<string, number> }>(
      '{ stats { persons organizations events } persons { totalCount } organizations { totalCount } events { totalCount } }',
    );
    expect(data.stats.persons).toBe(data.persons?.totalCount);
    expect(data.stats.organizations).toBe(data.organizations?.totalCount);
    expect(data.stats.events).toBe(data.events?.totalCount);
  });
});

describe('topEntities', () => {
  it('ranks Majid Azizi first over the whole corpus, with 2 articles', async () => {
    const { topEntities } = await api.data<{ topEntities: Ranked[] }>(`{ topEntities { ${RANKED} } }`);
    expect(topEntities).toHaveLength(10);
    expect(topEntities[0]).toEqual({
      entity: { __typename: 'Person', slug: 'majid-azizi' },
      articleCount: 2,
      mentionCount: 8,
    });
    for (let i = 1; i < topEntities.length; i++) {
      const [a, b] = [topEntities[i - 1] as Ranked, topEntities[i] as Ranked];
      expect(
        a.articleCount > b.articleCount || (a.articleCount === b.articleCount && a.mentionCount >= b.mentionCount),
      ).toBe(true);
    }
  });

  it('restricts to types and to a window of publication dates', async () => {
    const { orgs, march, empty } = await api.data<{ orgs: Ranked[]; march: Ranked[]; empty: Ranked[] }>(`{
      orgs: topEntities(types: [ORGANIZATION], first: 3) { ${RANKED} }
      march: topEntities(types: [PERSON], from: "2024-03", to: "2024-03") { ${RANKED} }
      empty: topEntities(from: "2023", to: "2023") { ${RANKED} }
    }`);
    expect(orgs.map((r) => r.entity.slug)).toEqual(['peru', 'apec', 'quds-force']);
    expect(orgs[0]).toMatchObject({ articleCount: 2, mentionCount: 8 });
    // Only the March article: its three persons, 3 mentions each there, so ties go by name.
    expect(march.map((r) => [r.entity.slug, r.articleCount, r.mentionCount])).toEqual([
      ['angello-felipe-trucios', 1, 3],
      ['targeted-israeli-national', 1, 3],
      ['majid-azizi', 1, 3],
    ]);
    expect(empty).toEqual([]);
  });

  it('refuses bad arguments', async () => {
    for (const [args, message] of [
      ['first: 0', /^first: must be between 1 and 100/],
      ['first: 101', /^first: must be between 1 and 100/],
      ['from: "2024-08", to: "2024-07"', /^to: must not be before from/],
      ['from: "yesterday"', /^from: must be an ISO 8601 date/],
    ] as const) {
      const result = await api.query(`{ topEntities(${args}) { articleCount } }`);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(message);
    }
  });
});

describe('timeline', () => {
  it('has a bucket per month from the first to the last article, empty months included', async () => {
    const { timeline } = await api.data<{ timeline: unknown[] }>(
      '{ timeline(interval: MONTH) { start end articleCount mentionCount } }',
    );
    expect(timeline).toEqual([
      { start: '2024-03-01', end: '2024-03-31', articleCount: 1, mentionCount: 23 },
      { start: '2024-04-01', end: '2024-04-30', articleCount: 0, mentionCount: 0 },
      { start: '2024-05-01', end: '2024-05-31', articleCount: 0, mentionCount: 0 },
      { start: '2024-06-01', end: '2024-06-30', articleCount: 0, mentionCount: 0 },
      { start: '2024-07-01', end: '2024-07-31', articleCount: 1, mentionCount: 59 },
    ]);
  });

  it('counts one entity, by year, week or day, within a window', async () => {
    const { year, week, day } = await api.data<{
      year: { start: string; end: string; articleCount: number; mentionCount: number }[];
      week: { start: string; end: string; articleCount: number }[];
      day: { start: string; articleCount: number }[];
    }>(
      `query($azizi: ID!) {
        year: timeline(interval: YEAR, entity: $azizi) { start end articleCount mentionCount }
        week: timeline(interval: WEEK, from: "2024-07-08", to: "2024-07-21", entity: $azizi) { start end articleCount }
        day: timeline(interval: DAY, from: "2024-03-07", to: "2024-03-09") { start articleCount }
      }`,
      { azizi: globalId('Person', 'majid-azizi') },
    );
    expect(year).toEqual([{ start: '2024-01-01', end: '2024-12-31', articleCount: 2, mentionCount: 8 }]);
    // ISO weeks start on Monday: 2024-07-13 is a Saturday.
    expect(week).toEqual([
      { start: '2024-07-08', end: '2024-07-14', articleCount: 1 },
      { start: '2024-07-15', end: '2024-07-21', articleCount: 0 },
    ]);
    expect(day).toEqual([
      { start: '2024-03-07', articleCount: 0 },
      { start: '2024-03-08', articleCount: 1 },
      { start: '2024-03-09', articleCount: 0 },
    ]);
  });

  it('refuses more than 2000 buckets, a reversed window and an ID that is not an entity', async () => {
    const cases: [string, RegExp][] = [
      ['interval: DAY, from: "2000", to: "2024"', /DAY buckets, more than the 2000 allowed/],
      ['interval: MONTH, from: "2024-08", to: "2024-07"', /^to: must not be before from/],
      [
        `interval: MONTH, entity: "${globalId('Article', 'x')}"`,
        /^entity: must be the ID of a Person or Organization or Event/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await api.query(`{ timeline(${args}) { start } }`);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(message);
    }
  });
});

describe('coMentions', () => {
  it('Azizi’s co-mentions include the Quds Force, strongest first', async () => {
    const { person } = await api.data<{
      person: { coMentions: { totalCount: number; nodes: { entity: { slug: string }; sharedArticles: number }[] } };
    }>(
      '{ person(slug: "majid-azizi") { coMentions(first: 100) { totalCount nodes { entity { slug } sharedArticles } } } }',
    );
    const { nodes, totalCount } = person.coMentions;
    expect(totalCount).toBe(28);
    expect(nodes).toContainEqual({ entity: { slug: 'quds-force' }, sharedArticles: 2 });
    expect(nodes).toContainEqual({ entity: { slug: 'iran' }, sharedArticles: 1 });
    expect(nodes.map((n) => n.entity.slug)).not.toContain('majid-azizi');
    const weights = nodes.map((n) => n.sharedArticles);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
  });

  it('is symmetric and batched across many entities', async () => {
    api.counter.reset();
    const { organizations } = await api.data<{
      organizations: {
        nodes: { slug: string; coMentions: { nodes: { entity: { slug: string }; sharedArticles: number }[] } }[];
      };
    }>(
      '{ organizations(first: 20) { nodes { slug coMentions(first: 30) { nodes { entity { slug } sharedArticles } } } } }',
    );
    expect(api.counter.calls.get('listCoMentions')).toBe(1);
    const quds = organizations.nodes.find((o) => o.slug === 'quds-force');
    const iran = organizations.nodes.find((o) => o.slug === 'iran');
    const qudsIran = quds?.coMentions.nodes.find((n) => n.entity.slug === 'iran');
    const iranQuds = iran?.coMentions.nodes.find((n) => n.entity.slug === 'quds-force');
    expect(qudsIran?.sharedArticles).toBe(1);
    expect(iranQuds?.sharedArticles).toBe(1);
  });
});

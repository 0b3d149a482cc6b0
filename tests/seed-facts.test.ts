/** Questions about the two seed articles, answered through HTTP requests to the yoga server. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, globalId, SOURCES_DIR } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

describe('articles', () => {
  it('serves both articles newest first with headline, dates as the source gives them, and verbatim bodies', async () => {
    const { articles } = await api.data<{
      articles: {
        totalCount: number;
        nodes: {
          slug: string;
          headline: string;
          publishedAt: string;
          publishedAtText: string;
          source: string;
          body: string;
        }[];
      };
    }>(`{ articles { totalCount nodes { slug headline publishedAt publishedAtText source body } } }`);
    expect(articles.totalCount).toBe(2);
    expect(articles.nodes.map((a) => [a.headline, a.publishedAt, a.publishedAtText])).toEqual([
      ['Iran’s alleged terror plot In Peru raises concerns of international security', '2024-07-13', 'July 13, 2024'],
      [
        'Foiling Lima Terror Plot: Arrest of Majid Azizi, Alleged Quds Force Operative',
        '2024-03-08T23:03',
        'March 8, 2024 | 11:03 pm',
      ],
    ]);
    for (const article of articles.nodes) {
      const seed = await readFile(path.join(SOURCES_DIR, article.source), 'utf8');
      const paragraphs = seed
        .split('\n\n')
        .map((p) => p.trim())
        .filter((p) => p && p !== article.headline && p !== article.publishedAtText);
      expect(paragraphs.length).toBeGreaterThan(5);
      for (const paragraph of paragraphs) expect(article.body).toContain(paragraph);
      expect(article.body).toContain('’'); // curly quotes stay curly
    }
  });
});

describe('entities', () => {
  it('has Majid Azizi once, Iranian and Peruvian, mentioned in both articles', async () => {
    const { persons, person } = await api.data<{
      persons: { nodes: { name: string }[] };
      person: { name: string; aliases: string[]; nationalities: string[]; articles: { totalCount: number } };
    }>(`{
      persons(first: 100) { nodes { name } }
      person(slug: "majid-azizi") { name aliases nationalities articles { totalCount } }
    }`);
    expect(persons.nodes.filter((p) => p.name.includes('Azizi'))).toHaveLength(1);
    expect(person).toEqual({
      name: 'Majid Azizi',
      aliases: ['Azizi'],
      nationalities: ['IR', 'PE'],
      articles: { totalCount: 2 },
    });
  });

  it('names every person the articles speak of, including the unnamed ones that matter', async () => {
    const { persons } = await api.data<{
      persons: { totalCount: number; nodes: { slug: string; aliases: string[] }[] };
    }>(`{ persons(first: 100) { totalCount nodes { slug aliases } } }`);
    expect(persons.nodes.map((p) => p.slug).sort()).toEqual(
      [
        'angello-felipe-trucios',
        'biden',
        'hezbollah-operative-2014',
        'majid-azizi',
        'michael-kurilla',
        'oscar-arriola',
        'roger-wicker',
        'targeted-israeli-national',
        'third-individual',
      ].sort(),
    );
    const target = persons.nodes.find((p) => p.slug === 'targeted-israeli-national');
    expect(target?.aliases).toEqual(
      expect.arrayContaining(['Israeli national', 'Israeli citizen', 'Israeli businessman']),
    );
  });

  it('treats governments acting in the story as organizations with the article’s wording as aliases', async () => {
    const { iran, peru } = await api.data<{
      iran: { kind: string; country: string; aliases: string[] };
      peru: { kind: string; country: string; aliases: string[] };
    }>(`{
      iran: organization(slug: "iran") { kind country aliases }
      peru: organization(slug: "peru") { kind country aliases }
    }`);
    expect(iran).toEqual({ kind: 'GOVERNMENT', country: 'IR', aliases: ['Tehran'] });
    expect(peru.kind).toBe('GOVERNMENT');
    expect(peru.country).toBe('PE');
    expect(peru.aliases).toContain('Peruvian authorities');
  });

  it('dates events at the precision the text gives and never invents a day', async () => {
    const { apec, earlier, events } = await api.data<{
      apec: { startDate: string; location: string };
      earlier: { startDate: string; kind: string };
      events: { nodes: { startDate: string | null; endDate: string | null }[] };
    }>(`{
      apec: event(slug: "apec-meeting-2024") { startDate location }
      earlier: event(slug: "peru-plot-2014") { startDate kind }
      events(first: 100) { nodes { startDate endDate } }
    }`);
    expect(apec).toEqual({ startDate: '2024-11', location: 'Peru' });
    expect(earlier).toEqual({ startDate: '2014', kind: 'PLOT' });
    for (const e of events.nodes) {
      for (const date of [e.startDate, e.endDate]) if (date) expect(date).toMatch(/^\d{4}(-\d{2})?$/);
    }
  });
});

describe('relationships with evidence', () => {
  it('Azizi is an alleged member of the Quds Force, which is part of the Revolutionary Guards Corps', async () => {
    const { person } = await api.data<{
      person: {
        affiliations: {
          role: string;
          organization: { name: string; parent: { name: string; children: { name: string }[] } | null };
          evidence: { quote: string; start: number; end: number; article: { body: string } }[];
        }[];
      };
    }>(`{ person(slug: "majid-azizi") { affiliations {
      role
      organization { name parent { name children { name } } }
      evidence { quote start end article { body } }
    } } }`);
    const quds = person.affiliations.find((a) => a.organization.name === 'Quds Force');
    expect(quds?.role).toBe('alleged member');
    expect(quds?.organization.parent?.name).toBe('Revolutionary Guards Corps');
    expect(quds?.organization.parent?.children.map((c) => c.name)).toEqual(['Quds Force']);
    expect(quds?.evidence.length).toBeGreaterThanOrEqual(2);
    for (const evidence of quds?.evidence ?? []) {
      expect(evidence.article.body.slice(evidence.start, evidence.end)).toBe(evidence.quote);
    }
    expect(quds?.evidence.map((e) => e.quote)).toContain(
      'is allegedly affiliated with Iran’s Revolutionary Guards Corps’ Quds Force',
    );
  });

  it('Oscar Arriola is Peru’s police chief; Michael Kurilla is Commander of US Central Command', async () => {
    const { arriola, kurilla } = await api.data<{
      arriola: { affiliations: { role: string; organization: { slug: string } }[] };
      kurilla: { affiliations: { role: string; organization: { name: string; country: string } }[] };
    }>(`{
      arriola: person(slug: "oscar-arriola") { affiliations { role organization { slug } } }
      kurilla: person(slug: "michael-kurilla") { affiliations { role organization { name country } } }
    }`);
    expect(arriola.affiliations).toEqual([{ role: 'police chief', organization: { slug: 'peru' } }]);
    expect(kurilla.affiliations).toEqual([
      { role: 'Commander', organization: { name: 'US Central Command', country: 'US' } },
    ]);
  });

  it('the plot has Azizi as suspect and the Israeli national as target, and was timed to the APEC meeting', async () => {
    const { event } = await api.data<{
      event: {
        participants: { role: string; person: { slug: string } }[];
        involvements: { role: string; organization: { slug: string } }[];
        relatedEvents: { slug: string }[];
        eventRelations: {
          relation: string;
          from: { slug: string };
          to: { slug: string };
          evidence: { quote: string }[];
        }[];
      };
    }>(`{ event(slug: "peru-assassination-plot") {
      participants { role person { slug } }
      involvements { role organization { slug } }
      relatedEvents { slug }
      eventRelations { relation from { slug } to { slug } evidence { quote } }
    } }`);
    expect(event.participants).toEqual(
      expect.arrayContaining([
        { role: 'suspect', person: { slug: 'majid-azizi' } },
        { role: 'target', person: { slug: 'targeted-israeli-national' } },
      ]),
    );
    expect(event.involvements).toContainEqual({ role: 'alleged state sponsor', organization: { slug: 'iran' } });
    expect(event.relatedEvents.map((e) => e.slug)).toEqual(
      expect.arrayContaining(['apec-meeting-2024', 'peru-plot-2014', 'arrest-of-majid-azizi']),
    );
    const timing = event.eventRelations.find((r) => r.to.slug === 'apec-meeting-2024');
    expect(timing).toMatchObject({ relation: 'timed to coincide with', from: { slug: 'peru-assassination-plot' } });
    expect(timing?.evidence[0]?.quote).toContain('set to coincide with the APEC meeting in November');
  });

  it('the 2014 plot involved a Hezbollah operative, and Iran supports Hezbollah and the Houthis', async () => {
    const { plot, iran } = await api.data<{
      plot: { participants: { person: { name: string; affiliations: { organization: { slug: string } }[] } }[] };
      iran: { relations: { kind: string; from: { slug: string }; to: { slug: string } }[] };
    }>(`{
      plot: event(slug: "peru-plot-2014") { participants { person { name affiliations { organization { slug } } } } }
      iran: organization(slug: "iran") { relations { kind from { slug } to { slug } } }
    }`);
    expect(plot.participants[0]?.person.affiliations[0]?.organization.slug).toBe('hezbollah');
    expect(
      iran.relations
        .filter((r) => r.kind === 'SUPPORTS')
        .map((r) => r.to.slug)
        .sort(),
    ).toEqual(['hezbollah', 'houthis']);
  });

  it('every evidence quote sits at its offsets in its article', async () => {
    const { persons } = await api.data<{
      persons: {
        nodes: {
          participations: { evidence: { quote: string; start: number; end: number; article: { body: string } }[] }[];
        }[];
      };
    }>(`{ persons(first: 9) { nodes { participations { evidence { quote start end article { body } } } } } }`);
    const evidence = persons.nodes.flatMap((p) => p.participations.flatMap((x) => x.evidence));
    expect(evidence.length).toBeGreaterThan(10);
    for (const e of evidence) expect(e.article.body.slice(e.start, e.end)).toBe(e.quote);
  });
});

describe('mentions', () => {
  it('finds every occurrence with offsets, longest name first, nesting across entities', async () => {
    const { article } = await api.data<{
      article: {
        body: string;
        mentions: {
          totalCount: number;
          nodes: { text: string; start: number; end: number; entity: { slug: string } }[];
        };
      };
    }>(`{ article(slug: "irans-alleged-terror-plot-in-peru") {
      body mentions(first: 100) { totalCount nodes { text start end entity { slug } } }
    } }`);
    const { body, mentions } = article;
    for (const m of mentions.nodes) expect(body.slice(m.start, m.end)).toBe(m.text);
    const azizi = mentions.nodes.filter((m) => m.entity.slug === 'majid-azizi');
    expect(azizi.map((m) => m.text)).toEqual(['Majid Azizi', 'Azizi', 'Majid Azizi', 'Azizi', 'Azizi']);
    // "APEC" (the Organization) nests inside the Event alias; both are mentions at the same place.
    const apecEvent = mentions.nodes.find((m) => m.entity.slug === 'apec-meeting-2024' && m.text === 'APEC event');
    expect(apecEvent).toBeDefined();
    expect(mentions.nodes).toContainEqual({
      text: 'APEC',
      start: apecEvent?.start,
      end: (apecEvent?.start ?? 0) + 4,
      entity: { slug: 'apec' },
    });
    // "Iranian" is not a mention of Iran.
    expect(
      mentions.nodes.filter((m) => m.entity.slug === 'iran').every((m) => m.text === 'Iran' || m.text === 'Tehran'),
    ).toBe(true);
  });

  it('lists an article’s persons in order of first mention', async () => {
    const { article } = await api.data<{ article: { persons: { nodes: { slug: string }[] } } }>(
      `{ article(slug: "foiling-lima-terror-plot-arrest-of-majid-azizi") { persons { nodes { slug } } } }`,
    );
    expect(article.persons.nodes.map((p) => p.slug)).toEqual([
      'majid-azizi',
      'targeted-israeli-national',
      'angello-felipe-trucios',
    ]);
  });

  it('an entity’s articles come newest first', async () => {
    const { node } = await api.data<{ node: { articles: { nodes: { publishedAt: string }[] } } }>(
      `query($id: ID!) { node(id: $id) { ... on Entity { articles { nodes { publishedAt } } } } }`,
      { id: globalId('Person', 'majid-azizi') },
    );
    expect(node.articles.nodes.map((a) => a.publishedAt)).toEqual(['2024-07-13', '2024-03-08T23:03']);
  });
});

describe('search', () => {
  it('ranks the exact name above partial and body matches, case- and accent-insensitive', async () => {
    const { search } = await api.data<{
      search: { edges: { score: number; node: { __typename: string; slug: string } }[] };
    }>(
      `{ search(query: "AZÍZI") { edges { score node { __typename ... on Person { slug } ... on Article { slug } ... on Event { slug } ... on Organization { slug } } } } }`,
    );
    expect(search.edges[0]?.node).toEqual({ __typename: 'Person', slug: 'majid-azizi' });
    const scores = search.edges.map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(search.edges.some((e) => e.node.__typename === 'Article')).toBe(true);
  });

  it('finds an entity by alias and returns nothing for absent words', async () => {
    const { tehran, none } = await api.data<{
      tehran: { nodes: { __typename: string; name?: string }[] };
      none: { totalCount: number; nodes: unknown[] };
    }>(`{
      tehran: search(query: "tehran") { nodes { __typename ... on Organization { name } } }
      none: search(query: "zanzibar") { totalCount nodes { __typename } }
    }`);
    expect(tehran.nodes[0]).toEqual({ __typename: 'Organization', name: 'Iran' });
    expect(none).toEqual({ totalCount: 0, nodes: [] });
  });
});

describe('search options', () => {
  it('restricts results to the requested types', async () => {
    const { search } = await api.data<{ search: { nodes: { __typename: string }[] } }>(
      '{ search(query: "quds", types: [ORGANIZATION, ARTICLE]) { nodes { __typename } } }',
    );
    expect(search.nodes.map((n) => n.__typename)).toEqual(['Organization', 'Article', 'Article']);
  });

  it('ranks an exact alias above partial name matches above body-only matches', async () => {
    const { search } = await api.data<{
      search: { edges: { score: number; node: { __typename: string; slug?: string } }[] };
    }>(
      '{ search(query: "tehran") { edges { score node { __typename ... on Organization { slug } ... on Article { slug } } } } }',
    );
    expect(search.edges.map((e) => e.node)).toEqual([
      { __typename: 'Organization', slug: 'iran' },
      { __typename: 'Article', slug: 'irans-alleged-terror-plot-in-peru' },
    ]);
    const [exact, bodyOnly] = search.edges.map((e) => e.score);
    expect(exact).toBeGreaterThan(2 * (bodyOnly ?? 0));
  });

  it('gives highlights with offsets into the field they came from', async () => {
    const { search } = await api.data<{
      search: {
        edges: {
          highlights: { field: string; alias: string | null; text: string; start: number; end: number }[];
          node: { __typename: string; name?: string; aliases?: string[]; headline?: string; body?: string };
        }[];
      };
    }>(`{ search(query: "israeli busin") { edges {
      highlights { field alias text start end }
      node { __typename ... on Person { name aliases } ... on Article { headline body } }
    } } }`);
    const person = search.edges.find((e) => e.node.__typename === 'Person');
    expect(person?.highlights).toContainEqual({
      field: 'ALIAS',
      alias: 'Israeli businessman',
      text: 'businessman',
      start: 8,
      end: 19,
    });
    const article = search.edges.find((e) => e.node.__typename === 'Article');
    expect(article?.highlights.length).toBeGreaterThan(0);
    for (const h of article?.highlights ?? []) {
      const field = h.field === 'BODY' ? article?.node.body : article?.node.headline;
      expect(field?.slice(h.start, h.end)).toBe(h.text);
      expect(h.text.toLowerCase()).toMatch(/^(israeli|busin)/);
    }
  });

  it('refuses an over-long query', async () => {
    const long = await api.query(`{ search(query: "${'x'.repeat(201)}") { totalCount } }`);
    expect(long.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(long.errors?.[0]?.message).toBe('query: must be at most 200 characters');
  });
});

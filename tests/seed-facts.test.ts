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

describe('claims: every attribute value with the words that state it', () => {
  const JULY = 'irans-alleged-terror-plot-in-peru';
  const MARCH = 'foiling-lima-terror-plot-arrest-of-majid-azizi';
  /**
   * Every claim curated from the two articles, in the corpus order (newest article first, then reading order):
   * entity, attribute, value, article, superseded, and each quote with its offset in the body.
   */
  const CURATED: [string, string, string, string, boolean, [string, number][]][] = [
    [
      'Organization:peru',
      'KIND',
      'GOVERNMENT',
      JULY,
      false,
      [
        ['Peruvian officials have disclosed', 0],
        ['according to statements from Peruvian authorities', 1073],
      ],
    ],
    [
      'Organization:peru',
      'COUNTRY',
      'PE',
      JULY,
      false,
      [
        ['Peruvian officials have disclosed', 0],
        ['according to statements from Peruvian authorities', 1073],
      ],
    ],
    [
      'Event:arrest-of-majid-azizi',
      'KIND',
      'ARREST',
      JULY,
      false,
      [
        ['the apprehension of an Iranian individual', 34],
        ['Azizi, 56, was detained', 765],
      ],
    ],
    [
      'Person:majid-azizi',
      'NATIONALITY',
      'IR',
      JULY,
      false,
      [
        ['an Iranian individual suspected of orchestrating an assassination plot', 54],
        ['Azizi’s Iranian nationality', 1760],
      ],
    ],
    [
      'Event:peru-assassination-plot',
      'KIND',
      'PLOT',
      JULY,
      false,
      [
        ['suspected of orchestrating an assassination plot', 76],
        ['the attempted assassination plot in Peru', 600],
      ],
    ],
    [
      'Person:targeted-israeli-national',
      'NATIONALITY',
      'IL',
      JULY,
      false,
      [
        ['targeting an Israeli citizen', 125],
        ['an Israeli national expected to attend', 897],
        ['to wipe out an Israeli national', 1319],
      ],
    ],
    ['Organization:quds-force', 'COUNTRY', 'IR', JULY, false, [['Iran’s Revolutionary Guards Corps’ Quds Force', 229]]],
    [
      'Organization:revolutionary-guards-corps',
      'COUNTRY',
      'IR',
      JULY,
      false,
      [['Iran’s Revolutionary Guards Corps', 229]],
    ],
    ['Event:israel-gaza-conflict', 'KIND', 'CONFLICT', JULY, false, [['the Israel-Gaza conflict', 421]]],
    ['Organization:iran', 'COUNTRY', 'IR', JULY, false, [['Iran has escalated its covert operations', 447]]],
    [
      'Event:peru-assassination-plot',
      'LOCATION',
      'Peru',
      JULY,
      false,
      [
        ['the attempted assassination plot in Peru', 600],
        ['This incident marks the second known attempt by Iran to target Israelis in Peru', 1587],
      ],
    ],
    [
      'Organization:united-states',
      'COUNTRY',
      'US',
      JULY,
      false,
      [['a perceived lack of deterrence from the United States', 709]],
    ],
    ['Person:majid-azizi', 'AGE', '56', JULY, false, [['Azizi, 56, was detained', 765]]],
    [
      'Organization:azizi-terrorist-cell',
      'KIND',
      'CELL',
      JULY,
      false,
      [
        ['after reportedly establishing a terrorist cell', 831],
        ['after forming a terrorist cell', 1288],
      ],
    ],
    [
      'Event:apec-meeting-2024',
      'LOCATION',
      'Peru',
      JULY,
      false,
      [['the upcoming Asia-Pacific Economic Cooperation (APEC) event in Peru', 936]],
    ],
    [
      'Person:oscar-arriola',
      'ROLE_DESCRIPTION',
      'police chief',
      JULY,
      false,
      [['Peru’s police chief, Oscar Arriola', 1125]],
    ],
    [
      'Person:majid-azizi',
      'NATIONALITY',
      'PE',
      JULY,
      false,
      [['Azizi, who holds Peruvian citizenship through marriage', 1396]],
    ],
    [
      'Event:peru-plot-2014',
      'LOCATION',
      'Peru',
      JULY,
      false,
      [['the second known attempt by Iran to target Israelis in Peru, following a similar plot in 2014', 1607]],
    ],
    ['Event:peru-plot-2014', 'KIND', 'PLOT', JULY, false, [['a similar plot in 2014', 1678]]],
    ['Event:peru-plot-2014', 'START_DATE', '2014', JULY, false, [['a similar plot in 2014', 1678]]],
    [
      'Organization:biden-administration',
      'KIND',
      'GOVERNMENT',
      JULY,
      false,
      [['Critics of the Biden administration', 1938]],
    ],
    ['Person:roger-wicker', 'TITLE', 'Senator', JULY, false, [['Senator Roger Wicker', 2087]]],
    ['Person:biden', 'TITLE', 'President', JULY, false, [['President Biden’s reluctance to confront Iran', 2135]]],
    ['Person:michael-kurilla', 'TITLE', 'General', JULY, false, [['General Michael Kurilla', 2317]]],
    [
      'Person:michael-kurilla',
      'ROLE_DESCRIPTION',
      'Commander of the US Central Command',
      JULY,
      false,
      [['Michael Kurilla, Commander of the US Central Command', 2325]],
    ],
    ['Organization:us-central-command', 'COUNTRY', 'US', JULY, false, [['Commander of the US Central Command', 2342]]],
    [
      'Event:arrest-of-majid-azizi',
      'KIND',
      'ARREST',
      MARCH,
      false,
      [
        ['In the wake of Majid Azizi’s arrest', 0],
        ['The arrest of an alleged Quds Force operative', 1939],
      ],
    ],
    [
      'Event:peru-assassination-plot',
      'KIND',
      'PLOT',
      MARCH,
      false,
      [
        ['a foiled terrorist plot', 99],
        ['The Lima terror plot', 2127],
      ],
    ],
    [
      'Organization:quds-force',
      'KIND',
      'MILITARY',
      MARCH,
      false,
      [['a member of an elite Iranian military unit', 365]],
    ],
    ['Organization:quds-force', 'COUNTRY', 'IR', MARCH, false, [['a member of an elite Iranian military unit', 365]]],
    [
      'Event:peru-assassination-plot',
      'LOCATION',
      'Lima',
      MARCH,
      true,
      [
        ['planning an attack on an Israeli citizen in Lima', 413],
        ['The Lima terror plot', 2127],
      ],
    ],
    [
      'Person:targeted-israeli-national',
      'NATIONALITY',
      'IL',
      MARCH,
      false,
      [
        ['planning an attack on an Israeli citizen in Lima', 413],
        ['targeting an Israeli individual on foreign soil', 576],
        ['The identity of the Israeli businessman targeted in the plot', 1428],
      ],
    ],
    [
      'Event:manhunt-for-trucios',
      'KIND',
      'MANHUNT',
      MARCH,
      false,
      [['The manhunt for Angello Felipe Trucios intensifies', 726]],
    ],
    [
      'Organization:ministry-of-the-interior',
      'KIND',
      'GOVERNMENT_AGENCY',
      MARCH,
      false,
      [['the Rewards Program of the Ministry of the Interior', 819]],
    ],
    [
      'Event:apec-meeting-2024',
      'KIND',
      'MEETING',
      MARCH,
      false,
      [['set to coincide with the APEC meeting in November', 1091]],
    ],
    [
      'Event:apec-meeting-2024',
      'START_DATE',
      '2024-11',
      MARCH,
      false,
      [['set to coincide with the APEC meeting in November', 1091]],
    ],
    [
      'Person:targeted-israeli-national',
      'ROLE_DESCRIPTION',
      'businessman',
      MARCH,
      false,
      [['The identity of the Israeli businessman targeted in the plot', 1428]],
    ],
    [
      'Organization:prosecutors-office',
      'KIND',
      'GOVERNMENT_AGENCY',
      MARCH,
      false,
      [['The Prosecutor’s Office, working in tandem with Peruvian authorities', 1590]],
    ],
    ['Organization:peru', 'KIND', 'GOVERNMENT', MARCH, false, [['working in tandem with Peruvian authorities', 1615]]],
    ['Organization:peru', 'COUNTRY', 'PE', MARCH, false, [['working in tandem with Peruvian authorities', 1615]]],
    ['Event:lima-plot-investigation', 'KIND', 'INVESTIGATION', MARCH, false, [['As the investigation unfolds', 2335]]],
  ];

  it('serves exactly the curated claims, each quote at its offsets in its article', async () => {
    const { claims, articles } = await api.data<{
      claims: {
        totalCount: number;
        nodes: {
          property: string;
          value: string;
          superseded: boolean;
          asOf: string;
          entity: { __typename: string; slug: string };
          article: { slug: string; publishedAt: string };
          evidence: { quote: string; start: number; end: number }[];
        }[];
      };
      articles: { nodes: { slug: string; body: string }[] };
    }>(`{
      claims(first: 100) { totalCount nodes {
        property value superseded asOf entity { __typename slug } article { slug publishedAt } evidence { quote start end }
      } }
      articles { nodes { slug body } }
    }`);
    expect(claims.totalCount).toBe(CURATED.length);
    expect(
      claims.nodes.map((c) => [
        `${c.entity.__typename}:${c.entity.slug}`,
        c.property,
        c.value,
        c.article.slug,
        c.superseded,
        c.evidence.map((e) => [e.quote, e.start]),
      ]),
    ).toEqual(CURATED);
    const bodies = new Map(articles.nodes.map((a) => [a.slug, a.body]));
    for (const claim of claims.nodes) {
      expect(claim.asOf).toBe(claim.article.publishedAt.slice(0, 10));
      for (const e of claim.evidence) {
        expect(e.end - e.start).toBe(e.quote.length);
        expect(bodies.get(claim.article.slug)?.slice(e.start, e.end)).toBe(e.quote);
      }
    }
  });

  it('counts them by attribute', () => {
    const counts: Record<string, number> = {};
    for (const [, property] of CURATED) counts[property] = (counts[property] ?? 0) + 1;
    expect(counts).toEqual({
      NATIONALITY: 4,
      AGE: 1,
      TITLE: 3,
      ROLE_DESCRIPTION: 3,
      KIND: 16,
      COUNTRY: 8,
      START_DATE: 2,
      LOCATION: 4,
    });
  });

  it('Azizi is 56 as of 13 July 2024, Iranian and Peruvian; Kurilla a General, Wicker a Senator, Biden a President', async () => {
    const { azizi, kurilla, wicker, biden } = await api.data<{
      azizi: { age: number; nationalities: string[]; claims: { value: string; asOf: string }[] };
      kurilla: { title: string; claims: { property: string; value: string }[] };
      wicker: { title: string };
      biden: { title: string };
    }>(`{
      azizi: person(slug: "majid-azizi") { age nationalities claims(property: AGE) { value asOf } }
      kurilla: person(slug: "michael-kurilla") { title claims { property value } }
      wicker: person(slug: "roger-wicker") { title }
      biden: person(slug: "biden") { title }
    }`);
    expect(azizi).toEqual({ age: 56, nationalities: ['IR', 'PE'], claims: [{ value: '56', asOf: '2024-07-13' }] });
    expect(kurilla).toEqual({
      title: 'General',
      claims: [
        { property: 'TITLE', value: 'General' },
        { property: 'ROLE_DESCRIPTION', value: 'Commander of the US Central Command' },
      ],
    });
    expect(wicker.title).toBe('Senator');
    expect(biden.title).toBe('President');
  });

  it('where the articles disagree (the plot: "Lima" in March, "Peru" in July) both are kept, the newest shown', async () => {
    const { event } = await api.data<{
      event: { location: string; claims: { value: string; superseded: boolean; article: { slug: string } }[] };
    }>(
      '{ event(slug: "peru-assassination-plot") { location claims(property: LOCATION) { value superseded article { slug } } } }',
    );
    expect(event).toEqual({
      location: 'Peru',
      claims: [
        { value: 'Peru', superseded: false, article: { slug: JULY } },
        { value: 'Lima', superseded: true, article: { slug: MARCH } },
      ],
    });
  });

  it('backs every attribute value the API shows with a claim of that value', async () => {
    const { persons, organizations, events } = await api.data<{
      persons: {
        nodes: {
          nationalities: string[];
          age: number | null;
          title: string | null;
          claims: { property: string; value: string; superseded: boolean }[];
        }[];
      };
      organizations: {
        nodes: { country: string | null; claims: { property: string; value: string; superseded: boolean }[] }[];
      };
      events: {
        nodes: {
          startDate: string | null;
          endDate: string | null;
          location: string | null;
          claims: { property: string; value: string; superseded: boolean }[];
        }[];
      };
    }>(`{
      persons(first: 100) { nodes { nationalities age title claims { property value superseded } } }
      organizations(first: 100) { nodes { country claims { property value superseded } } }
      events(first: 100) { nodes { startDate endDate location claims { property value superseded } } }
    }`);
    const backed = (
      claims: { property: string; value: string; superseded: boolean }[],
      property: string,
      value: unknown,
    ) => value === null || claims.some((c) => c.property === property && c.value === String(value) && !c.superseded);
    for (const p of persons.nodes) {
      for (const n of p.nationalities) expect(backed(p.claims, 'NATIONALITY', n)).toBe(true);
      expect(backed(p.claims, 'AGE', p.age)).toBe(true);
      expect(backed(p.claims, 'TITLE', p.title)).toBe(true);
    }
    for (const o of organizations.nodes) expect(backed(o.claims, 'COUNTRY', o.country)).toBe(true);
    for (const e of events.nodes) {
      expect(backed(e.claims, 'START_DATE', e.startDate)).toBe(true);
      expect(backed(e.claims, 'END_DATE', e.endDate)).toBe(true);
      expect(backed(e.claims, 'LOCATION', e.location)).toBe(true);
    }
  });
});

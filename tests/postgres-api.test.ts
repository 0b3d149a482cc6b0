/**
 * The same API over both backends: every request below is sent over HTTP to an app on the JSON store and to an
 * app on PostgreSQL (PGlite here; the server's in .ci/run), and the two answers must be the same bytes: status,
 * data, errors and extensions (the data version is the content hash on both). Pages are followed by the cursors
 * each backend issued, so cursors must be equal too. The per-suite matrix (tests/postgres-matrix.txt) runs the
 * API suites themselves on PostgreSQL as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../scripts/generate-corpus.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { countingSource } from '../src/data/counting-source.js';
import { loadStore } from '../src/data/load-store.js';
import type { PostgresSource } from '../src/data/postgres/source.js';
import { DATA_DIR, globalId, testApp } from './helpers.js';
import { MATCH_TABLE } from './support/match-table.js';
import { NATURAL_QUERIES, NATURAL_QUERY_VARIABLES } from './support/natural-queries.js';
import { postgresSourceFor } from './support/postgres.js';

const CORPUS_DIR = `/tmp/newsgraph-pg-api-${process.pid}`;

beforeAll(async () => {
  await generateCorpus({ articles: 400, seed: 11, out: CORPUS_DIR });
}, 120_000);

type Send = (query: string, variables?: Record<string, unknown>) => Promise<{ status: number; body: string }>;

function sender(source: NewsDataSource): Send {
  const { yoga } = testApp(source);
  return async (query, variables) => {
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: await response.text() };
  };
}

const PAGE = 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { slug } }';

/** A claim as the API answers it (issue 14), its typed value and the entity's name included. */
const CLAIM = `__typename property value asOf superseded article { slug } evidence { quote start end }
  entity { __typename ... on Person { slug } ... on Organization { slug } ... on Event { slug } }
  ... on QuantityClaim { quantity } ... on CountryClaim { country } ... on DateClaim { date } ... on TextClaim { text }`;
const CLAIM_PAGE = `totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${CLAIM} } }`;
const CANDIDATE = 'score match reasons matchedName entity { __typename ... on Entity { slug } }';

/** Requests whose answers do not depend on the corpus's slugs. */
const GENERAL: [string, string, Record<string, unknown>?][] = [
  ['articles, newest first', `{ articles(first: 7) { ${PAGE} } }`],
  ['articles by headline Z-A', `{ articles(first: 7, orderBy: { field: HEADLINE, direction: DESC }) { ${PAGE} } }`],
  ['articles, the last page', `{ articles(last: 4) { ${PAGE} } }`],
  [
    'articles in a window',
    `{ articles(first: 5, filter: { publishedFrom: "2020", publishedTo: "2022-06" }) { ${PAGE} } }`,
  ],
  ['articles with words', `{ articles(first: 5, filter: { text: "the gov" }) { ${PAGE} nodes { headline } } }`],
  [
    'persons by name',
    `{ persons(first: 9) { ${PAGE} nodes { name aliases nationalities articleCount mentionCount } } }`,
  ],
  ['persons by article count', `{ persons(first: 9, orderBy: { field: ARTICLE_COUNT, direction: DESC }) { ${PAGE} } }`],
  [
    'organizations by mentions, ascending',
    `{ organizations(first: 9, orderBy: { field: MENTION_COUNT, direction: ASC }) { ${PAGE} } }`,
  ],
  [
    'events by start date',
    `{ events(first: 9, orderBy: { field: START_DATE, direction: DESC }) { ${PAGE} nodes { startDate endDate } } }`,
  ],
  ['events in a window', `{ events(first: 20, filter: { from: "2021", to: "2023" }) { ${PAGE} } }`],
  ['persons whose names contain', `{ persons(first: 20, filter: { nameContains: "an" }) { ${PAGE} } }`],
  ['stats', '{ stats { articles persons organizations events mentions relationships } }'],
  [
    'top entities',
    '{ topEntities(first: 8) { articleCount mentionCount entity { __typename ... on Person { name } ... on Organization { name } ... on Event { name } } } }',
  ],
  ['top entities in a year', '{ topEntities(first: 5, from: "2021", to: "2021") { articleCount mentionCount } }'],
  ['a monthly timeline', '{ timeline(interval: MONTH) { start end articleCount mentionCount } }'],
  [
    'search',
    '{ search(query: "the", first: 10) { totalCount edges { cursor score highlights { field alias text start end } node { __typename } } } }',
  ],
  [
    'search for a prefix',
    '{ search(query: "gover", first: 5, types: [ARTICLE, ORGANIZATION]) { totalCount edges { score node { __typename } } } }',
  ],
  ['claims, newest first', `{ claims(first: 9) { ${CLAIM_PAGE} } }`],
  ['claims, the last page', `{ claims(last: 4) { ${CLAIM_PAGE} } }`],
  ['claims of one attribute', `{ claims(first: 9, filter: { property: NATIONALITY }) { ${CLAIM_PAGE} } }`],
  [
    // Names of the generated corpus (seed 11): exact, reordered, near misses, partial, with types and context.
    'match and matchMany, with types and context',
    `{ a: match(name: "Teodor Musedoglu", first: 20) { ${CANDIDATE} }
       b: match(name: "Ministry", types: [ORGANIZATION], first: 20) { ${CANDIDATE} }
       c: match(name: "Rosa Zeteli", context: "border war questions", first: 20) { ${CANDIDATE} }
       matchMany(names: [{ name: "Musedoglu, Teodor" }, { name: "Interior Ministry", context: "the gov" },
                         { name: "Trading Company", context: "report" }, { name: "John Smith" }]) {
         name candidates(first: 20) { ${CANDIDATE} } } }`,
  ],
  ['bad input: a page too large', '{ articles(first: 1000) { totalCount } }'],
  ['bad input: a malformed cursor', '{ persons(after: "nope") { totalCount } }'],
  ['bad input: a bad date', '{ articles(filter: { publishedFrom: "2024-13" }) { totalCount } }'],
  ['bad input: too many buckets', '{ timeline(interval: DAY, from: "1900", to: "2024") { start } }'],
  ['an unknown node', `{ node(id: "${globalId('Person', 'nobody')}") { id } }`],
];

const SEED: [string, string, Record<string, unknown>?][] = [
  ...NATURAL_QUERIES.map(([name, query]): [string, string, Record<string, unknown>] => [
    name,
    query,
    NATURAL_QUERY_VARIABLES,
  ]),
  [
    'Azizi: mentions, co-mentions, timeline',
    `{ person(slug: "majid-azizi") { name articles(first: 5) { ${PAGE} }
        mentions(first: 4) { totalCount edges { cursor node { text start end article { slug } } } }
        coMentions(first: 5) { totalCount edges { cursor node { sharedArticles entity { __typename name } } } }
      }
      timeline(interval: MONTH, entity: "${globalId('Person', 'majid-azizi')}") { start articleCount mentionCount } }`,
  ],
  [
    'search: Azizi',
    '{ search(query: "azizi", first: 10) { totalCount edges { score highlights { field alias text start end } node { __typename } } } }',
  ],
  [
    'search: accents folded',
    '{ search(query: "Azízi Quds", first: 10) { totalCount edges { score node { __typename } } } }',
  ],
  [
    'nodes',
    `{ nodes(ids: ["${globalId('Person', 'majid-azizi')}", "${globalId('Organization', 'quds-force')}", "${globalId('Event', 'nope')}"]) { id } }`,
  ],
  [
    'claims of entities, each attribute, and the fields they back',
    `{ person(slug: "majid-azizi") { nationalities title age claims { ${CLAIM} } nationality: claims(property: NATIONALITY) { value } }
       organization(slug: "quds-force") { kind country claims { ${CLAIM} } }
       event(slug: "peru-assassination-plot") { startDate location claims { ${CLAIM} } } }`,
  ],
  [
    'claims of articles, in reading order',
    `{ a: article(slug: "irans-alleged-terror-plot-in-peru") { claims { ${CLAIM} } }
       b: article(slug: "irans-alleged-terror-plot-in-peru") { claims(property: TITLE) { value } }
       articles(first: 10) { nodes { slug claims { property value evidence { start } } } } }`,
  ],
  [
    'claims filtered by entity, article and attribute',
    `{ e: claims(first: 5, filter: { entity: "${globalId('Person', 'majid-azizi')}" }) { ${CLAIM_PAGE} }
       p: claims(first: 5, filter: { entity: "${globalId('Person', 'majid-azizi')}", property: NATIONALITY }) { ${CLAIM_PAGE} }
       none: claims(first: 5, filter: { entity: "${globalId('Person', 'nobody')}" }) { ${CLAIM_PAGE} } }`,
  ],
  [
    'match: every name of the match table, 20 candidates each',
    `query($names: [MatchInput!]!) { matchMany(names: $names) { name candidates(first: 20) { ${CANDIDATE} } } }`,
    { names: MATCH_TABLE.map(([name]) => ({ name })) },
  ],
  [
    'match: types and context',
    `{ a: match(name: "Kurilla", context: "Houthis Hezbollah") { ${CANDIDATE} }
       b: match(name: "Kurilla", context: "Houthis Rewards") { ${CANDIDATE} }
       c: match(name: "Lima", context: "Hezbollah", first: 20) { ${CANDIDATE} }
       d: match(name: "Peru", types: [EVENT, PERSON], first: 20) { ${CANDIDATE} }
       e: match(name: "Azizi", types: [ORGANIZATION]) { ${CANDIDATE} } }`,
  ],
  [
    'persons mentioned in an article',
    '{ article(slug: "irans-alleged-terror-plot-in-peru") { persons(first: 20) { nodes { name } } organizations(first: 20) { nodes { name } } mentions(first: 50) { totalCount edges { cursor node { text start end } } } } }',
  ],
];

/** Follows `field`'s pages forward and back on both apps, comparing every answer. */
async function comparePages(memory: Send, postgres: Send, field: string, args: string, selection = PAGE) {
  let after: string | null = null;
  for (let step = 0; step < 6; step++) {
    const query = `query($after: String) { ${field}(first: 3, after: $after${args}) { ${selection} } }`;
    const [m, p]: { status: number; body: string }[] = await Promise.all([
      memory(query, { after }),
      postgres(query, { after }),
    ]);
    expect(p).toEqual(m);
    const page: { pageInfo: { hasNextPage: boolean; endCursor: string } } | undefined = (
      JSON.parse((m as { body: string }).body).data as Record<
        string,
        { pageInfo: { hasNextPage: boolean; endCursor: string } }
      >
    )[field];
    if (!page?.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  let before: string | null = after;
  for (let step = 0; step < 4 && before; step++) {
    const query = `query($before: String) { ${field}(last: 2, before: $before${args}) { ${selection} } }`;
    const [m, p] = await Promise.all([memory(query, { before }), postgres(query, { before })]);
    expect(p).toEqual(m);
    before =
      (JSON.parse(m.body).data as Record<string, { pageInfo: { startCursor: string | null } }>)[field]?.pageInfo
        .startCursor ?? null;
  }
}

describe.each([
  ['the fixtures', () => DATA_DIR, [...GENERAL, ...SEED]],
  ['a generated corpus of 400 articles', () => CORPUS_DIR, GENERAL],
] as const)('the same answers from both backends over %s', (_name, directory, requests) => {
  let memory: Send;
  let postgres: Send;
  let pgSource: PostgresSource;
  beforeAll(async () => {
    memory = sender(await loadStore(directory()));
    pgSource = await postgresSourceFor(directory());
    postgres = sender(pgSource);
  }, 120_000);

  it.each(requests.map(([name, query, variables]) => ({ name, query, variables })))(
    '$name',
    async ({ name, query, variables }) => {
      const [m, p] = await Promise.all([memory(query, variables), postgres(query, variables)]);
      expect(p).toEqual(m);
      // Real answers, not two equal failures (the bad input ones must fail, with a code).
      const body = JSON.parse(m.body) as { errors?: { extensions?: { code?: string } }[] };
      if (name.startsWith('bad input')) expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      else expect(body.errors, m.body.slice(0, 300)).toBeUndefined();
    },
  );

  it('pages every list by the cursors it issued, forward and back, the same on both', async () => {
    await comparePages(memory, postgres, 'articles', '');
    await comparePages(memory, postgres, 'articles', ', orderBy: { field: HEADLINE, direction: ASC }');
    await comparePages(memory, postgres, 'persons', ', orderBy: { field: ARTICLE_COUNT, direction: DESC }');
    await comparePages(memory, postgres, 'events', ', orderBy: { field: START_DATE, direction: ASC }');
    await comparePages(memory, postgres, 'organizations', ', filter: { nameContains: "a" }');
    await comparePages(memory, postgres, 'claims', '', CLAIM_PAGE);
    await comparePages(memory, postgres, 'claims', ', filter: { property: NATIONALITY }', CLAIM_PAGE);
  });

  it('makes the same data-access calls per operation (batching), each one statement', async () => {
    const memoryCounter = countingSource(await loadStore(directory()));
    const postgresCounter = countingSource(pgSource);
    const query = `{ articles(first: 10) { nodes { headline persons(first: 5) { nodes { name affiliations { organization { name } } } } organizations(first: 5) { nodes { name } } } } }`;
    const m = await sender(memoryCounter.source)(query);
    const statements = pgSource.statements;
    const p = await sender(postgresCounter.source)(query);
    expect(p).toEqual(m);
    expect(Object.fromEntries(postgresCounter.calls)).toEqual(Object.fromEntries(memoryCounter.calls));
    expect(pgSource.statements - statements).toBe(postgresCounter.total());
  });
});

afterAll(() => undefined);

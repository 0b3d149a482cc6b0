/**
 * The executor compiles a document with graphql-jit the second time it runs (src/yoga.ts). Whatever the request,
 * the answer must be graphql-js's byte for byte: the same status, the same keys in the same order, the same
 * errors (codes, messages, paths, locations, masking), the same extensions. Each request goes three times to a
 * server with jit (the first run is graphql-js, the next two are compiled) and once to a server without.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type FuzzRequest,
  materialize,
  operationsRequest,
  schemaDocumentRequest,
  variablesRequest,
} from './fuzz-arbitraries.js';
import { createTestApi, DATA_DIR, globalId } from './helpers.js';

type Api = Awaited<ReturnType<typeof createTestApi>>;
let jit: Api;
let plain: Api;

beforeAll(async () => {
  [jit, plain] = await Promise.all([createTestApi(DATA_DIR), createTestApi(DATA_DIR, { jit: false })]);
});

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

async function answer(api: Api, request: FuzzRequest): Promise<Answer> {
  const { url, init } = materialize(request);
  const response = await api.yoga.fetch(url, init);
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

/** The answers of the jit server (first, second and third run) and of the graphql-js one. */
async function both(request: FuzzRequest) {
  const compiled: Answer[] = [];
  for (let run = 0; run < 3; run++) compiled.push(await answer(jit, request));
  return { compiled, expected: await answer(plain, request) };
}

function post(query: string, variables?: unknown, operationName?: string): FuzzRequest {
  return {
    gen: 'fixed',
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: { kind: 'text', text: JSON.stringify({ query, variables, operationName }) },
  };
}

const AZIZI = globalId('Person', 'majid-azizi');
const OPERATIONS_DIR = path.resolve(import.meta.dirname, '../operations');

/** Documents that exercise what executors get wrong: abstract types, fragments, directives, variables, errors. */
const FIXED: [string, FuzzRequest][] = [
  ...readdirSync(OPERATIONS_DIR).map((file): [string, FuzzRequest] => [
    `operations/${file}, defaults`,
    post(readFileSync(path.join(OPERATIONS_DIR, file), 'utf8')),
  ]),
  [
    'operations/EntityPage.graphql on a person',
    post(readFileSync(path.join(OPERATIONS_DIR, 'EntityPage.graphql'), 'utf8'), { id: AZIZI, articlesFirst: 1 }),
  ],
  [
    'interleaved fragments, aliases and __typename on Node and Entity',
    post(
      `query Q($id: ID!) {
        a: node(id: $id) { id ... on Entity { name } __typename ...P ... on Node { id } }
        b: nodes(ids: [$id, "bogus", "${globalId('Article', 'missing')}"]) { __typename ... on Person { slug } }
      }
      fragment P on Person { nationalities name slug }`,
      { id: AZIZI },
    ),
  ],
  [
    'the SearchResult union, every member',
    post(`{ search(query: "quds", first: 10) { totalCount edges { cursor score node { __typename
      ... on Article { headline } ... on Entity { name } ... on Person { nationalities } ... on Event { startDate } } } } }`),
  ],
  [
    '@include and @skip on fields, inline fragments and spreads, from literals and variables',
    post(
      `query Q($yes: Boolean!, $no: Boolean = false) {
        person(slug: "majid-azizi") {
          name @skip(if: $yes)
          slug @include(if: $yes)
          ... on Person @include(if: $no) { description }
          ...F @skip(if: $no)
          ...F @include(if: $no)
          articles(first: 1) @include(if: true) { totalCount @skip(if: $yes) nodes { slug @skip(if: false) } }
          affiliations @skip(if: true) { role }
        }
      }
      fragment F on Person { nationalities aliases @include(if: $yes) }`,
      { yes: true },
    ),
  ],
  [
    'the same field under several fragments, merged',
    post(`{ person(slug: "majid-azizi") { affiliations { role } ... on Person { affiliations { organization { name } } }
      ... on Entity { articles(first: 1) { nodes { slug } } } articles(first: 1) { totalCount } } }`),
  ],
  [
    'a resolver error (bad cursor) next to data, with path and locations',
    post(
      `{ stats { articles } articles(first: 1, after: "nope") { totalCount } persons(first: 1) { nodes { name } } }`,
    ),
  ],
  [
    'a validation error in a nested argument',
    post(`{ person(slug: "majid-azizi") { articles(first: 101) { totalCount } } }`),
  ],
  [
    'an argument that fails its input-object validation',
    post(`{ events(filter: { from: "2024", to: "2014" }) { totalCount } }`),
  ],
  ['a bad ID argument', post(`{ persons(filter: { affiliatedWith: "${AZIZI}" }) { totalCount } }`)],
  [
    'variables of every kind: enum, input object, list, defaults of non-null types',
    post(
      `query Q($order: OrganizationOrderField! = MENTION_COUNT, $dir: OrderDirection, $filter: OrganizationFilter = { country: "IR" },
               $types: [SearchType!], $first: Int! = 2, $word: String! = "quds") {
        organizations(filter: $filter, orderBy: { field: $order, direction: $dir }, first: $first) { nodes { name kind } }
        search(query: $word, types: $types) { totalCount }
        topEntities(first: $first) { entity { __typename name } articleCount }
      }`,
      { dir: 'ASC', types: 'ORGANIZATION' },
    ),
  ],
  [
    'a variable that does not coerce (Int)',
    post('query Q($n: Int) { articles(first: $n) { totalCount } }', { n: 1.5 }),
  ],
  [
    'a variable that does not coerce (enum)',
    post('query Q($t: [SearchType!]) { search(query: "x", types: $t) { totalCount } }', { t: ['NOPE'] }),
  ],
  ['a required variable missing', post('query Q($slug: String!) { person(slug: $slug) { name } }', {})],
  [
    'a required variable null',
    post('query Q($slug: String! = "majid-azizi") { person(slug: $slug) { name } }', { slug: null }),
  ],
  ['an input object given a list', post('query Q($f: PersonFilter) { persons(filter: $f) { totalCount } }', { f: [] })],
  [
    'an unknown field in an input object variable',
    post('query Q($f: PersonFilter) { persons(filter: $f) { totalCount } }', { f: { nope: 1 } }),
  ],
  [
    'several operations, one picked',
    post('query A { stats { persons } } query B { stats { events } }', undefined, 'B'),
  ],
  ['an unknown operation name', post('query A { stats { persons } }', undefined, 'C')],
  ['introspection', post('{ __schema { queryType { name } } __type(name: "Person") { fields { name } } }')],
  ['null for a missing object', post('{ person(slug: "nobody") { name } article(slug: "nothing") { headline } }')],
];

describe('graphql-jit answers exactly as graphql-js does', () => {
  it.each(FIXED)('%s', async (_name, request) => {
    const { compiled, expected } = await both(request);
    for (const run of compiled) expect(run).toEqual(expected);
  });

  it('with the same data-access calls (DataLoader batching is kept)', async () => {
    let total = 0;
    for (const [name, request] of FIXED.filter(([n]) => n.startsWith('operations/'))) {
      const counts: Record<string, number>[] = [];
      for (const api of [jit, jit, jit, plain]) {
        api.counter.reset();
        await answer(api, request);
        counts.push(Object.fromEntries(api.counter.calls));
      }
      // The third jit run is compiled; the graphql-js server runs the same document for the second time.
      expect(counts[2], name).toEqual(counts[3]);
      total += Object.values(counts[3] ?? {}).reduce((a, b) => a + b, 0);
    }
    expect(total).toBeGreaterThan(0);
  });

  it('on random documents, variables and operation names (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: schemaDocumentRequest },
          { weight: 3, arbitrary: variablesRequest },
          { weight: 1, arbitrary: operationsRequest },
        ),
        async (request) => {
          const { compiled, expected } = await both(request);
          for (const run of compiled) expect(run).toEqual(expected);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 20_241_122) },
    );
  }, 120_000);
});

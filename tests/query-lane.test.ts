/**
 * The query lane (src/http/query-lane.ts) answers exactly as yoga does. Every request below is sent, in the same
 * order, to a server with the lane and to one without it (`--query-lane false`), twice each: the first time yoga
 * answers on both (the lane takes only documents yoga validated before); the second time the lane answers on the
 * first server where it may, which newsgraph_query_lane_responses_total shows. Status, headers and body must be the
 * same, byte for byte (the date, the request id and the budget's changing values aside). Requests outside the lane's
 * shape (another Accept, an Origin, other body members, a new document, a mutation, a bad body) must go to yoga.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { testConfig } from './helpers.js';

interface Sent {
  body: string;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  headers: [string, string][];
  body: string;
}

/** Headers whose values differ between two servers for reasons of time (compared by presence only). */
const BY_PRESENCE = new Set(['date', 'x-request-id', 'ratelimit-remaining', 'ratelimit-reset', 'keep-alive']);

async function send(url: string, { body, headers = {} }: Sent): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: [...response.headers].map(([name, value]) => [name, BY_PRESENCE.has(name) ? '…' : value]),
    body: await response.text(),
  };
}

/** Two servers of one configuration, with and without the lane, and the lane's answers so far. */
async function pair(settings: Partial<Config>) {
  const config = { replayCacheMaxEntries: 0, ...settings };
  const withLane = await startServer(testConfig({ ...config, queryLane: true }));
  const withoutLane = await startServer(testConfig({ ...config, queryLane: false }));
  const laneAnswers = async (server: RunningServer) => {
    const text = await (await fetch(`${new URL(server.url).origin}/metrics`)).text();
    return [...text.matchAll(/^newsgraph_query_lane_responses_total\{statusCode="\d+"\} (\d+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    );
  };
  /**
   * Sends `request` twice to each server; returns the second answers, and whether the lane made the second answer
   * of the first server.
   */
  const compare = async (request: Sent) => {
    await send(withLane.url, request);
    await send(withoutLane.url, request);
    const before = await laneAnswers(withLane);
    const lane = await send(withLane.url, request);
    const laned = (await laneAnswers(withLane)) - before;
    const yoga = await send(withoutLane.url, request);
    expect(await laneAnswers(withoutLane)).toBe(0);
    return { lane, yoga, laned };
  };
  return { compare, close: () => Promise.all([withLane.close(500), withoutLane.close(500)]) };
}

const json = (value: unknown) => JSON.stringify(value);
const PERSON = '{ person(slug: "majid-azizi") { name nationalities affiliations { role organization { name } } } }';
const PAGED = 'query Page($n: Int, $after: String) { persons(first: $n, after: $after) { totalCount nodes { name } } }';

/** Requests the lane answers the second time, as yoga would. */
const LANED: [string, Sent][] = [
  ['a query', { body: json({ query: PERSON }) }],
  ['variables', { body: json({ query: PAGED, variables: { n: 2 } }) }],
  ['null variables and operation name', { body: json({ query: PERSON, variables: null, operationName: null }) }],
  ['an operation name', { body: json({ query: PAGED, variables: { n: 1 }, operationName: 'Page' }) }],
  [
    'one of several operations',
    { body: json({ query: `query A { stats { articles } } ${PAGED}`, operationName: 'Page', variables: { n: 1 } }) },
  ],
  ['a variable that does not coerce', { body: json({ query: PAGED, variables: { n: 'many' } }) }],
  ['an argument the schema refuses', { body: json({ query: PAGED, variables: { n: 100_000 } }) }],
  ['a cursor that is not one', { body: json({ query: PAGED, variables: { n: 1, after: 'nonsense' } }) }],
  [
    'a query over the cost limit',
    {
      body: json({
        query:
          '{ persons(first: 100) { nodes { articles(first: 100) { nodes { mentions(first: 100) { nodes { text } } } } } } }',
      }),
    },
  ],
  ['an unknown node', { body: json({ query: '{ node(id: "UGVyc29uOm5vYm9keQ==") { id } }' }) }],
  ['a node ID that is not one', { body: json({ query: '{ node(id: "%%%") { id } }' }) }],
  ['introspection', { body: json({ query: '{ __schema { queryType { name } } }' }) }],
  ['__typename alone', { body: json({ query: '{ __typename }' }) }],
  ['an unused variable', { body: json({ query: PERSON, variables: { unused: [1, 2, 3] } }) }],
  [
    'charset in the Content-Type',
    { body: json({ query: PERSON }), headers: { 'content-type': 'application/json; charset=utf-8' } },
  ],
];

/** Every Accept the lane answers, with a success and an error. */
const ACCEPTS = [
  '*/*',
  'application/json',
  'application/graphql-response+json',
  'application/graphql-response+json, application/json',
  'application/graphql-response+json,application/json;q=0.9',
];

/** Requests that must go to yoga (the lane does not take them), answered the same either way. */
const NOT_LANED: [string, Sent][] = [
  [
    'an Accept the lane does not know',
    { body: json({ query: PERSON }), headers: { accept: 'application/json;q=0.5, */*;q=0.1' } },
  ],
  ['an Origin', { body: json({ query: PERSON }), headers: { origin: 'https://example.org' } }],
  ['extensions', { body: json({ query: PERSON, extensions: {} }) }],
  ['an unknown member', { body: json({ query: PERSON, other: 1 }) }],
  ['variables that are an array', { body: json({ query: PERSON, variables: [1] }) }],
  ['a query that is not a string', { body: json({ query: 1 }) }],
  ['a body that is not JSON', { body: '{"query": ' }],
  ['a body that is an array', { body: json([{ query: PERSON }]) }],
  ['a document that does not parse', { body: json({ query: '{ person(' }) }],
  ['a document that does not validate', { body: json({ query: '{ nobody }' }) }],
  ['a mutation', { body: json({ query: 'mutation { x }' }) }],
  [
    'a subscription without a stream',
    {
      body: json({ query: 'subscription { dataVersionChanged { dataVersion } }' }),
      headers: { accept: 'application/json' },
    },
  ],
  ['an operation name that is not in the document', { body: json({ query: PAGED, operationName: 'Other' }) }],
  ['several operations and no name', { body: json({ query: `query A { stats { articles } } ${PAGED}` }) }],
  [
    'variables nested too deep',
    { body: json({ query: PERSON, variables: { v: JSON.parse('['.repeat(40) + ']'.repeat(40)) } }) },
  ],
  ['a text/plain body', { body: json({ query: PERSON }), headers: { 'content-type': 'text/plain' } }],
];

describe('the query lane answers as yoga does', () => {
  let servers: Awaited<ReturnType<typeof pair>>;
  beforeAll(async () => {
    servers = await pair({ rateLimit: false });
  });
  afterAll(() => servers.close());

  it.each(LANED)('%s: taken by the lane, the same answer', async (_name, request) => {
    const { lane, yoga, laned } = await servers.compare(request);
    expect(laned).toBe(1);
    expect(lane).toEqual(yoga);
  });

  it.each(ACCEPTS)('Accept: %s, an answer and an error', async (accept) => {
    for (const body of [json({ query: PERSON }), json({ query: PAGED, variables: { n: 'many' } })]) {
      const { lane, yoga, laned } = await servers.compare({ body, headers: { accept } });
      expect(laned).toBe(1);
      expect(lane).toEqual(yoga);
    }
  });

  it.each(NOT_LANED)('%s: left to yoga, the same answer', async (_name, request) => {
    const { lane, yoga, laned } = await servers.compare(request);
    expect(laned).toBe(0);
    expect(lane).toEqual(yoga);
  });

  it('takes a document only once yoga has validated it', async () => {
    const request = { body: json({ query: '{ stats { articles persons } }' }) };
    const server = await startServer(testConfig({ replayCacheMaxEntries: 0, rateLimit: false }));
    try {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await send(server.url, request));
      const text = await (await fetch(`${new URL(server.url).origin}/metrics`)).text();
      // The first went to yoga (a new document), the next two took the lane.
      expect(text).toMatch(/^newsgraph_query_lane_responses_total\{statusCode="200"\} 2$/m);
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
    } finally {
      await server.close(500);
    }
  });
});

describe('the query lane with the budget, an allow-list of origins and the response cache', () => {
  let servers: Awaited<ReturnType<typeof pair>>;
  beforeAll(async () => {
    servers = await pair({ rateLimit: true, corsOrigins: ['https://dashboard.example'], responseCacheMaxEntries: 100 });
  });
  afterAll(() => servers.close());

  it.each(LANED.slice(0, 9))('%s: the same answer, budget headers and Vary', async (_name, request) => {
    const { lane, yoga, laned } = await servers.compare(request);
    expect(laned).toBe(1);
    expect(lane).toEqual(yoga);
    expect(lane.headers.map(([name]) => name)).toEqual(expect.arrayContaining(['ratelimit-limit', 'vary']));
  });

  it('a client over its budget is refused by yoga (429), as without the lane', async () => {
    const tight = await pair({ rateLimit: true, rateLimitPoints: 3, rateLimitRefillPerSecond: 1 });
    try {
      const request = { body: json({ query: PAGED, variables: { n: 5 } }) };
      const { lane, yoga } = await tight.compare(request);
      expect(lane.status).toBe(429);
      expect(lane).toEqual(yoga);
    } finally {
      await tight.close();
    }
  });
});

/**
 * The dashboard's logic without a browser (dashboard/src/: the client, the URL state, the highlighting, the network
 * and the relationships), against the fixtures through the yoga instance. The browser test (tests-e2e/) checks
 * what is drawn.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as generated from '../client/generated.js';
import {
  DashboardArticleDocument,
  DashboardNetworkDocument,
  DashboardPairDocument,
  DashboardRelationshipsDocument,
  DashboardStatsDocument,
  EntityTimelineDocument,
} from '../client/generated.js';
import { type Client, createClient, persistedDocument, QueryError } from '../dashboard/src/api.js';
import { describeError } from '../dashboard/src/describe-error.js';
import { pieces } from '../dashboard/src/highlight.js';
import { layout, networkOf } from '../dashboard/src/model/network.js';
import { relationshipsOf } from '../dashboard/src/model/relationships.js';
import { DEFAULT_STATE, readState, writeState } from '../dashboard/src/state.js';
import { loadStore } from '../src/data/load-store.js';
import type { MemoryStore } from '../src/data/memory/memory-store.js';
import { documentHash } from '../src/plugins/persisted-queries.js';
import { startServer } from '../src/server.js';
import { DATA_DIR, globalId, type TestAppOptions, testApp, testConfig } from './helpers.js';

const MAJID = globalId('Person', 'majid-azizi');
const QUDS = globalId('Organization', 'quds-force');
const ENDPOINT = new URL('http://localhost/graphql');

let store: MemoryStore;
beforeAll(async () => {
  store = await loadStore(DATA_DIR);
});

interface Sent {
  method: string;
  url: URL;
  body: Record<string, unknown> | null;
}

/** A dashboard client over an app of the fixtures, and the requests it sent. */
function clientFor(options: TestAppOptions = {}): { client: Client; sent: Sent[]; versions: string[] } {
  const { yoga } = testApp(store, options);
  const sent: Sent[] = [];
  const versions: string[] = [];
  const client = createClient({
    endpoint: ENDPOINT,
    onDataVersion: (version) => versions.push(version),
    fetch: async (input, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : null;
      sent.push({ method: init?.method ?? 'GET', url: new URL(String(input)), body });
      return yoga.fetch(String(input), init as Parameters<typeof yoga.fetch>[1]);
    },
  });
  return { client, sent, versions };
}

async function refusal(promise: Promise<unknown>): Promise<QueryError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(QueryError);
  return error as QueryError;
}

describe('the dashboard client', () => {
  it('finds the trusted document of every generated operation: its hash is that of the document as printed', () => {
    const documents = Object.entries(generated).filter(([name]) => name.endsWith('Document'));
    expect(documents.length).toBeGreaterThanOrEqual(15);
    for (const [name, document] of documents) {
      const typed = document as TypedDocumentNode<unknown, never>;
      const persisted = persistedDocument(typed);
      expect(persisted.hash, name).toBe(documentHash(print(typed)));
      expect(persisted.document, name).toBe(print(typed));
    }
  });

  it('sends an operation by its hash alone, as a GET with the CSRF header, and returns the typed data', async () => {
    const { client, sent, versions } = clientFor();
    const { data, dataVersion } = await client(DashboardStatsDocument, {});
    expect(data.stats).toMatchObject({ articles: 2, persons: 9, organizations: 13, events: 7 });
    expect(dataVersion).toBe(store.version);
    expect(versions).toEqual([store.version]);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.method).toBe('GET');
    expect(request?.url.pathname).toBe('/graphql');
    expect(request?.url.searchParams.get('query')).toBeNull();
    expect(request?.url.searchParams.get('operationName')).toBe('DashboardStats');
    expect(JSON.parse(request?.url.searchParams.get('extensions') ?? '{}')).toEqual({
      persistedQuery: { version: 1, sha256Hash: documentHash(print(DashboardStatsDocument)) },
    });
  });

  it('sends the document, by POST, to a server that does not know the hash; then the hash alone works', async () => {
    const emptyManifest = path.join(tmpdir(), `newsgraph-empty-manifest-${process.pid}.json`);
    writeFileSync(emptyManifest, '{}');
    const { client, sent } = clientFor({ operationsManifest: emptyManifest });
    const variables = { interval: 'MONTH', entity: MAJID } as const;
    const first = await client(EntityTimelineDocument, variables);
    expect(first.data.timeline.map((bucket) => bucket.articleCount)).toEqual([1, 0, 0, 0, 1]);
    expect(sent.map((request) => request.method)).toEqual(['GET', 'POST']);
    expect(sent[1]?.body).toMatchObject({
      query: print(EntityTimelineDocument),
      operationName: 'EntityTimeline',
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(print(EntityTimelineDocument)) } },
    });
    // Registered by that POST (Automatic Persisted Queries): the next time, the GET is answered.
    const again = await client(EntityTimelineDocument, variables);
    expect(again.data).toEqual(first.data);
    expect(sent.map((request) => request.method)).toEqual(['GET', 'POST', 'GET']);
  });

  it('works with a server that runs only its trusted documents', async () => {
    const { client, sent } = clientFor({ operations: 'trusted' });
    const { data } = await client(DashboardPairDocument, { id: MAJID, other: QUDS });
    expect(data.sharedArticles.totalCount).toBe(2);
    expect(sent.map((request) => request.method)).toEqual(['GET']);
  });

  it('turns a refusal into a QueryError with its code, and says what to do about it', async () => {
    const tooComplex = await refusal(clientFor({ maxCost: 10 }).client(DashboardNetworkDocument, { id: MAJID }));
    expect(tooComplex.code).toBe('QUERY_TOO_COMPLEX');
    expect(tooComplex.operation).toBe('DashboardNetwork');
    expect(describeError(tooComplex)).toMatch(/^The server refused the query as too costly: /);

    const badInput = await refusal(
      clientFor().client(EntityTimelineDocument, { interval: 'DAY', from: '2024-07-01', to: '2024-03-01' }),
    );
    expect(badInput.code).toBe('BAD_USER_INPUT');
    expect(describeError(badInput)).toBe(badInput.message);
    expect(badInput.message).toMatch(/from/);

    const { client } = clientFor({ rateLimit: true, rateLimitPoints: 5, rateLimitRefillPerSecond: 1 });
    await client(DashboardStatsDocument, {});
    await client(DashboardNetworkDocument, { id: MAJID });
    const limited = await refusal(client(DashboardStatsDocument, {}));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBeGreaterThan(0);
    expect(describeError(limited)).toMatch(new RegExp(`try again in ${limited.retryAfter} s`));
  });

  it('says the server is unreachable, or answered something else than GraphQL', async () => {
    const down = createClient({
      endpoint: ENDPOINT,
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    const unreachable = await refusal(down(DashboardStatsDocument, {}));
    expect(unreachable.code).toBe('UNREACHABLE');
    expect(unreachable.status).toBe(0);
    expect(describeError(unreachable)).toMatch(/did not answer/);

    const proxy = createClient({
      endpoint: ENDPOINT,
      fetch: async () => new Response('<html>502 Bad Gateway</html>', { status: 502 }),
    });
    const bad = await refusal(proxy(DashboardStatsDocument, {}));
    expect(bad.code).toBe('BAD_RESPONSE');
    expect(bad.status).toBe(502);
  });

  it('lets a cancellation through as it is (a newer load replaced the query)', async () => {
    const { client } = clientFor();
    const controller = new AbortController();
    controller.abort();
    await expect(client(DashboardStatsDocument, {}, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('the URL state', () => {
  it('round-trips, leaving defaults out', () => {
    const state = {
      ...DEFAULT_STATE,
      entity: MAJID,
      with: QUDS,
      from: '2024-03',
      to: '2024-07-31',
      interval: 'WEEK',
      scope: 'corpus',
    } as const;
    const search = writeState(state);
    expect(search).toBe(
      `?entity=${encodeURIComponent(MAJID)}&with=${encodeURIComponent(QUDS)}&from=2024-03&to=2024-07-31&interval=WEEK&scope=corpus`,
    );
    expect(readState(search)).toEqual(state);
    expect(writeState(DEFAULT_STATE)).toBe('');
    expect(readState('')).toEqual(DEFAULT_STATE);
  });

  it('drops what cannot be right, and a pair of an entity with itself', () => {
    expect(
      readState(
        '?entity=not%20an%20id!&from=July%202024&to=2024-13-99x&interval=HOURLY&scope=all&article=%3Cscript%3E',
      ),
    ).toEqual(DEFAULT_STATE);
    expect(readState(`?entity=${MAJID}&with=${MAJID}`)).toMatchObject({ entity: MAJID, with: null });
    expect(readState(`?with=${QUDS}`)).toMatchObject({ entity: null, with: null });
    expect(readState('?interval=year')).toMatchObject({ interval: 'YEAR' });
  });
});

describe('highlighting at offsets', () => {
  it('cuts the body into pieces covering it exactly, each with the marks over it, longest first', () => {
    const body = 'The APEC meeting in Lima, said Peru.';
    const quote = { start: 4, end: 24, kind: 'quote' };
    const meeting = { start: 4, end: 16, kind: 'mention', label: 'APEC meeting' };
    const apec = { start: 4, end: 8, kind: 'mention', label: 'APEC' };
    const peru = { start: 31, end: 35, kind: 'mention', label: 'Peru' };
    const result = pieces(body, [peru, apec, quote, meeting]);
    expect(result.map((piece) => piece.text).join('')).toBe(body);
    expect(result.map((piece) => [piece.text, piece.marks.map((m) => m.label ?? m.kind)])).toEqual([
      ['The ', []],
      ['APEC', ['quote', 'APEC meeting', 'APEC']],
      [' meeting', ['quote', 'APEC meeting']],
      [' in Lima', ['quote']],
      [', said ', []],
      ['Peru', ['Peru']],
      ['.', []],
    ]);
    for (const mark of [quote, meeting, apec, peru]) {
      const covered = result.filter((piece) => piece.marks.includes(mark)).map((piece) => piece.text);
      expect(covered.join('')).toBe(body.slice(mark.start, mark.end));
    }
  });

  it('counts in UTF-16 code units, as the API does, and leaves out marks that do not fit the body', () => {
    const body = 'Ḿajid 🇵🇪 Azizi';
    const azizi = { start: body.indexOf('Azizi'), end: body.indexOf('Azizi') + 5, kind: 'mention' };
    const result = pieces(body, [
      azizi,
      { start: 3, end: 2, kind: 'reversed' },
      { start: -1, end: 2, kind: 'before' },
      { start: 10, end: 99, kind: 'after' },
      { start: 5, end: 5, kind: 'empty' },
    ]);
    expect(result.map((piece) => piece.text).join('')).toBe(body);
    expect(result.filter((piece) => piece.marks.length > 0).map((piece) => piece.text)).toEqual(['Azizi']);
  });

  it("finds each quote of the fixtures at its offsets in its article's body", async () => {
    const { client } = clientFor();
    const { data } = await client(DashboardRelationshipsDocument, { id: MAJID });
    const quotes = relationshipsOf(data.node as NonNullable<typeof data.node>).flatMap((r) => r.evidence);
    expect(quotes.length).toBeGreaterThanOrEqual(10);
    for (const quote of quotes) {
      const article = await client(DashboardArticleDocument, { id: quote.article.id });
      const body = article.data.node && 'body' in article.data.node ? article.data.node.body : '';
      expect(body.length).toBeGreaterThan(quote.end);
      const marked = pieces(body, [{ start: quote.start, end: quote.end, kind: 'quote' }])
        .filter((piece) => piece.marks.length > 0)
        .map((piece) => piece.text)
        .join('');
      expect(marked).toBe(quote.quote);
    }
  });
});

describe('the network', () => {
  it('has the centre, its strongest co-mentions, and the edges between them once each', async () => {
    const { client } = clientFor();
    const { data } = await client(DashboardNetworkDocument, { id: MAJID, first: 20 });
    const network = networkOf(data.node as Parameters<typeof networkOf>[0]);
    expect(network.centre).toMatchObject({ id: MAJID, name: 'Majid Azizi', type: 'Person', articleCount: 2 });
    expect(network.totalCount).toBe(28);
    expect(network.nodes).toHaveLength(21);
    expect(network.nodes[1]).toMatchObject({ name: 'APEC meeting in Peru', shared: 2, centre: false });
    expect(network.edges.filter((e) => e.fromCentre)).toHaveLength(20);
    const keys = network.edges.map((e) => [e.source, e.target].sort().join(' '));
    expect(new Set(keys).size).toBe(keys.length);
    const ids = new Set(network.nodes.map((n) => n.id));
    for (const edge of network.edges) {
      expect(ids.has(edge.source as string) && ids.has(edge.target as string)).toBe(true);
      expect(edge.shared).toBeGreaterThan(0);
    }
    // Node sizes follow article counts.
    const [big, small] = [network.nodes[1], network.nodes.find((n) => n.articleCount === 1)];
    expect(big?.r).toBeGreaterThan(small?.r ?? Number.POSITIVE_INFINITY);
  });

  it('is laid out the same way every time, the centre in the middle and no two nodes on top of each other', async () => {
    const { client } = clientFor();
    const { data } = await client(DashboardNetworkDocument, { id: MAJID, first: 20 });
    const positions = () => {
      const network = networkOf(data.node as Parameters<typeof networkOf>[0]);
      layout(network);
      return network.nodes.map(
        (n) => [n.id, Math.round(n.x ?? Number.NaN), Math.round(n.y ?? Number.NaN), n.r] as const,
      );
    };
    const first = positions();
    expect(positions()).toEqual(first);
    expect(first[0]?.slice(1, 3)).toEqual([0, 0]);
    for (const [i, a] of first.entries()) {
      for (const b of first.slice(i + 1)) {
        expect(Math.hypot(a[1] - b[1], a[2] - b[2]), `${a[0]} and ${b[0]}`).toBeGreaterThan(a[3] + b[3] - 1);
      }
    }
  });
});

describe('relationships', () => {
  it("reads a person's, an organization's and an event's, each naming the entity at the other end", async () => {
    const { client } = clientFor();
    const relationships = async (id: string) => {
      const { data } = await client(DashboardRelationshipsDocument, { id });
      return relationshipsOf(data.node as NonNullable<typeof data.node>);
    };
    const majid = await relationships(MAJID);
    expect(majid.find((r) => r.other.id === QUDS)).toMatchObject({
      from: 'Majid Azizi',
      relation: 'alleged member of',
      to: 'Quds Force',
      other: { name: 'Quds Force' },
    });
    const quds = await relationships(QUDS);
    expect(quds.find((r) => r.other.id === MAJID)).toMatchObject({ from: 'Majid Azizi', to: 'Quds Force' });
    expect(quds.find((r) => r.relation === 'part of')).toMatchObject({
      from: 'Quds Force',
      to: 'Revolutionary Guards Corps',
      other: { name: 'Revolutionary Guards Corps' },
    });
    const apec = await relationships(globalId('Event', 'apec-meeting-2024'));
    expect(apec.find((r) => r.relation === 'timed to coincide with')).toMatchObject({
      from: 'Plot to assassinate an Israeli national in Peru',
      to: 'APEC meeting in Peru',
      other: { name: 'Plot to assassinate an Israeli national in Peru' },
    });
    for (const r of [...majid, ...quds, ...apec]) expect(r.evidence.length).toBeGreaterThan(0);
  });

  it('has nothing for an ID that names no entity, and the pair query counts the articles of both', async () => {
    const { client } = clientFor();
    const { data } = await client(DashboardRelationshipsDocument, { id: globalId('Person', 'nobody') });
    expect(data.node).toBeNull();
    const pair = await client(DashboardPairDocument, { id: MAJID, other: QUDS });
    expect(pair.data.other).toMatchObject({ __typename: 'Organization', name: 'Quds Force' });
    expect(pair.data.sharedArticles.totalCount).toBe(2);
  });
});

describe("the README's example of a dashboard of one's own", () => {
  it('prints what the README says, against a running server', async () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
    const section = readme.split('\n## A dashboard of your own\n')[1]?.split('\n## ')[0] ?? '';
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const expected = [...code.matchAll(/^\/\/ (.*)$/gm)].map((match) => match[1]);
    expect(expected.length).toBeGreaterThan(0);
    const server = await startServer(testConfig({ shutdownDrainMs: 0 }));
    const file = path.resolve(import.meta.dirname, `../test-output/readme-dashboard-example-${process.pid}.ts`);
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
      logged.push(parts.join(' '));
    });
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(
        file,
        code
          .replaceAll("'./client/", "'../client/")
          .replaceAll("'./dashboard/", "'../dashboard/")
          .replace('http://localhost:4000/graphql', server.url),
      );
      await import(file);
    } finally {
      log.mockRestore();
      rmSync(file, { force: true });
      await server.close();
    }
    expect(logged).toEqual(expected);
  });
});

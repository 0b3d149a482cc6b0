/**
 * Persisted queries (src/plugins/persisted-queries.ts): Apollo's Automatic Persisted Queries by POST and GET,
 * driven by Apollo Client's own persisted-query link; the trusted documents of client/persisted-operations.json
 * by hash; and `--operations trusted`, which runs nothing else.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { PersonSummaryDocument } from '../client/generated.js';
import { loadConfig } from '../src/config.js';
import { CSRF_HEADER } from '../src/plugins/graphql-over-http.js';
import { documentHash, loadManifest } from '../src/plugins/persisted-queries.js';
import { startServer } from '../src/server.js';
import type { NewsYoga } from '../src/yoga.js';
import { createTestApi, testApp, testConfig } from './helpers.js';

const QUERY = '{ stats { articles persons } }';
const HASH = documentHash(QUERY);
const MANIFEST_FILE = path.resolve(import.meta.dirname, '../client/persisted-operations.json');
const PERSON_SUMMARY = print(PersonSummaryDocument);

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function post(yoga: NewsYoga, body: Record<string, unknown>): Promise<Answer> {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const codeOf = (answer: Answer) => answer.errors?.[0]?.extensions?.code;

describe('Automatic Persisted Queries', () => {
  it('an unknown hash is PERSISTED_QUERY_NOT_FOUND; the document with its hash registers it; then the hash alone runs it', async () => {
    const yoga = testApp(api.store).yoga;
    const miss = await post(yoga, { extensions: persisted(HASH) });
    expect(miss.status).toBe(404);
    expect(miss.errors).toEqual([
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ]);
    const registration = await post(yoga, { query: QUERY, extensions: persisted(HASH) });
    expect(registration.status).toBe(200);
    const hit = await post(yoga, { extensions: persisted(HASH) });
    expect(hit).toEqual(registration);
    expect(hit.data).toEqual({ stats: { articles: 2, persons: expect.any(Number) } });
    // By GET, as Apollo's link with useGETForHashedQueries and urql's exchange send it, with its ETag.
    const url = `http://localhost/graphql?extensions=${encodeURIComponent(JSON.stringify(persisted(HASH)))}`;
    const headers = { [CSRF_HEADER]: '1', accept: 'application/graphql-response+json' };
    const byGet = await yoga.fetch(url, { headers });
    expect(byGet.status).toBe(200);
    expect((await byGet.json()).data).toEqual(hit.data);
    const tag = byGet.headers.get('etag') as string;
    expect(tag).toBeTruthy();
    expect((await yoga.fetch(url, { headers: { ...headers, 'if-none-match': tag } })).status).toBe(304);
  });

  it('refuses a document whose hash is not the one sent, and does not register it', async () => {
    const yoga = testApp(api.store).yoga;
    const other = documentHash('{ stats { articles } }');
    const mismatch = await post(yoga, { query: QUERY, extensions: persisted(other) });
    expect(mismatch.status).toBe(400);
    expect(codeOf(mismatch)).toBe('PERSISTED_QUERY_MISMATCH');
    expect(mismatch.data).toBeUndefined();
    expect(codeOf(await post(yoga, { extensions: persisted(other) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    // A registered hash cannot be made to stand for another document.
    await post(yoga, { query: QUERY, extensions: persisted(HASH) });
    expect(codeOf(await post(yoga, { query: '{ stats { persons } }', extensions: persisted(HASH) }))).toBe(
      'PERSISTED_QUERY_MISMATCH',
    );
    expect((await post(yoga, { extensions: persisted(HASH) })).data).toEqual({
      stats: { articles: 2, persons: expect.any(Number) },
    });
  });

  it.each([
    ['version 2', { persistedQuery: { version: 2, sha256Hash: HASH } }],
    ['no version', { persistedQuery: { sha256Hash: HASH } }],
    ['a hash that is not hexadecimal SHA-256', persisted('abc')],
    ['a hash that is a number', { persistedQuery: { version: 1, sha256Hash: 12 } }],
    ['persistedQuery: null', { persistedQuery: null }],
    ['persistedQuery: "x"', { persistedQuery: 'x' }],
  ])('refuses a malformed extension (%s) with BAD_REQUEST', async (_name, extensions) => {
    const answer = await post(api.yoga, { query: QUERY, extensions });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('BAD_REQUEST');
    expect(answer.data).toBeUndefined();
  });

  it('refuses an over-long document before registering it', async () => {
    const yoga = testApp(api.store).yoga;
    const long = `{ stats { articles } }${' '.repeat(6_000)}`;
    const answer = await post(yoga, { query: long, extensions: persisted(documentHash(long)) });
    expect(codeOf(answer)).toBe('QUERY_TOO_LONG');
    expect(yoga.cacheSizes().persistedQueries?.entries).toBe(0);
  });

  it('keeps registered documents within their byte bound', async () => {
    const maxBytes = 4_000;
    const yoga = testApp(api.store, { persistedQueryStore: { maxEntries: 1_000, maxBytes } }).yoga;
    for (let i = 0; i < 60; i++) {
      const query = `query Q${i} { stats { articles persons } }`;
      expect((await post(yoga, { query, extensions: persisted(documentHash(query)) })).status).toBe(200);
      const sizes = yoga.cacheSizes().persistedQueries;
      expect(sizes?.bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(yoga.cacheSizes().persistedQueries?.entries).toBeLessThan(60);
    // The first registered were evicted (asked for again, a client's link registers them again); the last run.
    expect(
      codeOf(await post(yoga, { extensions: persisted(documentHash('query Q0 { stats { articles persons } }')) })),
    ).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(
      (await post(yoga, { extensions: persisted(documentHash('query Q59 { stats { articles persons } }')) })).status,
    ).toBe(200);
  });
});

/** An Apollo Client with its persisted-query link, over an HttpLink whose fetch is yoga.fetch; records what it sends. */
function apolloClient(yoga: NewsYoga, options: { useGETForHashedQueries?: boolean } = {}) {
  const sent: { method: string; hashOnly: boolean; status: number }[] = [];
  const fetchThroughYoga = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { query?: string }) : undefined;
    const hasQuery = body ? typeof body.query === 'string' : url.searchParams.has('query');
    const response = await yoga.fetch(url.toString(), init ?? {});
    sent.push({ method: init?.method ?? 'GET', hashOnly: !hasQuery, status: response.status });
    return response;
  };
  const link = new PersistedQueryLink({ sha256: documentHash, ...options }).concat(
    new HttpLink({ uri: 'http://localhost/graphql', fetch: fetchThroughYoga, headers: { [CSRF_HEADER]: '1' } }),
  );
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), sent };
}

describe("Apollo Client's persisted-query link", () => {
  const PERSON = gql`
    query ApolloPerson($slug: String!) {
      person(slug: $slug) {
        name
        nationalities
      }
    }
  `;

  it('gets answers: a miss and the registration first, then hits by hash only, by POST and by GET', async () => {
    const yoga = testApp(api.store).yoga;
    const first = apolloClient(yoga);
    const answer = await first.client.query({ query: PERSON, variables: { slug: 'majid-azizi' } });
    expect(answer.data).toMatchObject({ person: { name: 'Majid Azizi' } });
    expect(first.sent).toEqual([
      { method: 'POST', hashOnly: true, status: 404 },
      { method: 'POST', hashOnly: false, status: 200 },
    ]);

    const again = await first.client.query({
      query: PERSON,
      variables: { slug: 'majid-azizi' },
      fetchPolicy: 'network-only',
    });
    expect(again.data).toEqual(answer.data);
    expect(first.sent.slice(2)).toEqual([{ method: 'POST', hashOnly: true, status: 200 }]);

    // Another client (another browser) finds the document registered, and asks by GET.
    const second = apolloClient(yoga, { useGETForHashedQueries: true });
    const byGet = await second.client.query({ query: PERSON, variables: { slug: 'majid-azizi' } });
    expect(byGet.data).toEqual(answer.data);
    expect(second.sent).toEqual([{ method: 'GET', hashOnly: true, status: 200 }]);
  });

  it('in trusted mode, gets TRUSTED_DOCUMENTS_ONLY for a document not in the manifest, after its one retry', async () => {
    const yoga = testApp(api.store, { operations: 'trusted' }).yoga;
    const { client, sent } = apolloClient(yoga);
    const failure = await client.query({ query: PERSON, variables: { slug: 'majid-azizi' } }).catch((error) => error);
    expect(String(failure)).toContain('This server runs only its trusted documents');
    expect(sent).toEqual([
      { method: 'POST', hashOnly: true, status: 404 },
      { method: 'POST', hashOnly: false, status: 403 },
    ]);
  });
});

describe('trusted documents', () => {
  it('client/persisted-operations.json holds every generated operation as the typed client sends it', () => {
    const manifest = loadManifest(MANIFEST_FILE);
    expect(manifest.get(documentHash(PERSON_SUMMARY))).toBe(PERSON_SUMMARY);
    expect(manifest.size).toBe(10);
  });

  it('in the default mode, are run by hash without registration, and any other document runs too', async () => {
    const byHash = await post(api.yoga, {
      extensions: persisted(documentHash(PERSON_SUMMARY)),
      variables: { slug: 'majid-azizi' },
    });
    expect(byHash.status).toBe(200);
    expect(byHash.data?.person).toMatchObject({ name: 'Majid Azizi' });
    expect((await post(api.yoga, { query: QUERY })).status).toBe(200);
    // GraphiQL's page and its introspection query.
    const page = await api.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect((await post(api.yoga, { query: '{ __schema { queryType { name } } }' })).status).toBe(200);
  });

  describe('with --operations trusted', () => {
    let trusted: NewsYoga;
    beforeAll(() => {
      trusted = testApp(api.store, { operations: 'trusted' }).yoga;
    });

    it('runs a trusted document sent by hash or as its text', async () => {
      const variables = { slug: 'majid-azizi' };
      const byHash = await post(trusted, { extensions: persisted(documentHash(PERSON_SUMMARY)), variables });
      expect(byHash.status).toBe(200);
      const byText = await post(trusted, { query: PERSON_SUMMARY, variables });
      expect(byText).toEqual(byHash);
      const both = await post(trusted, {
        query: PERSON_SUMMARY,
        variables,
        extensions: persisted(documentHash(PERSON_SUMMARY)),
      });
      expect(both).toEqual(byHash);
    });

    it('refuses any other document with TRUSTED_DOCUMENTS_ONLY, registers nothing, and runs no introspection', async () => {
      for (const body of [
        { query: QUERY },
        { query: QUERY, extensions: persisted(HASH) },
        { query: `${PERSON_SUMMARY} `, variables: { slug: 'majid-azizi' } },
        { query: '{ __schema { queryType { name } } }' },
      ]) {
        const answer = await post(trusted, body);
        expect(answer.status, body.query).toBe(403);
        expect(codeOf(answer), body.query).toBe('TRUSTED_DOCUMENTS_ONLY');
        expect(answer.data, body.query).toBeUndefined();
      }
      expect(codeOf(await post(trusted, { extensions: persisted(HASH) }))).toBe('PERSISTED_QUERY_NOT_FOUND');
      const byGet = await trusted.fetch(`http://localhost/graphql?query=${encodeURIComponent(QUERY)}`, {
        headers: { [CSRF_HEADER]: '1' },
      });
      expect(byGet.status).toBe(403);
      expect((await byGet.json()).errors[0].extensions.code).toBe('TRUSTED_DOCUMENTS_ONLY');
    });

    it('refuses to start without its manifest, or with one whose hashes are not its documents', async () => {
      const directory = await mkdtemp(path.join(tmpdir(), 'newsgraph-manifest-'));
      try {
        const missing = path.join(directory, 'missing.json');
        expect(() => testApp(api.store, { operations: 'trusted', operationsManifest: missing })).toThrow(
          /missing\.json/,
        );
        const tampered = path.join(directory, 'tampered.json');
        await writeFile(tampered, JSON.stringify({ [documentHash(PERSON_SUMMARY)]: QUERY }));
        expect(() => testApp(api.store, { operations: 'trusted', operationsManifest: tampered })).toThrow(
          /not the SHA-256 of its document/,
        );
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    });

    it('is what the server runs with --operations trusted (OPERATIONS=trusted)', async () => {
      expect(loadConfig(['--operations', 'trusted'], {}).operations).toBe('trusted');
      expect(loadConfig([], { OPERATIONS: 'trusted' }).operations).toBe('trusted');
      expect(() => loadConfig(['--operations', 'some'], {})).toThrow(/OPERATIONS/);
      const server = await startServer(testConfig({ operations: 'trusted' }));
      try {
        const send = (body: unknown) =>
          fetch(server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
        const refused = await send({ query: QUERY });
        expect(refused.status).toBe(403);
        expect((await refused.json()).errors[0].extensions.code).toBe('TRUSTED_DOCUMENTS_ONLY');
        const served = await send({ query: PERSON_SUMMARY, variables: { slug: 'majid-azizi' } });
        expect(served.status).toBe(200);
        expect((await served.json()).data.person.name).toBe('Majid Azizi');
      } finally {
        await server.close();
      }
    });
  });
});

describe('README', () => {
  it('shows the answer to a hash the server does not have, as the server gives it', async () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**Persisted queries.**'));
    const document = section.match(/printf '([^']+)' \| sha256sum/)?.[1] as string;
    const shown = section.match(/^# (\{"errors".*)$/m)?.[1] as string;
    const yoga = testApp(api.store).yoga;
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: persisted(documentHash(document)) }),
    });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe(shown);
  });
});

/** What a client sees at the HTTP level: GraphiQL, error codes, masking, the depth limit, the data version. */
import { getIntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStore } from '../src/data/load-store.js';
import type { MemoryStore } from '../src/data/memory/memory-store.js';
import { CSRF_HEADER } from '../src/plugins/graphql-over-http.js';
import { createTestApi, DATA_DIR, testApp } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

function expectEveryErrorCoded(errors: { extensions?: Record<string, unknown> }[] | undefined) {
  expect(errors?.length).toBeGreaterThan(0);
  for (const error of errors ?? []) {
    expect(typeof error.extensions?.code).toBe('string');
    expect(JSON.stringify(error)).not.toMatch(/stack|originalError|at .*\.ts:\d+/);
  }
}

describe('GraphiQL', () => {
  it('is served at /graphql to browsers, titled newsgraph, with a default query', async () => {
    const response = await api.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<title>newsgraph</title>');
    expect(html).toContain('WhoIsMajidAzizi');
  });

  it('answers queries sent by GET with the CSRF-prevention header, and refuses a GET without it', async () => {
    const url = `http://localhost/graphql?query=${encodeURIComponent('{ person(slug: "majid-azizi") { name } }')}`;
    const response = await api.yoga.fetch(url, { headers: { accept: 'application/json', [CSRF_HEADER]: '1' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { person: { name: 'Majid Azizi' } } });
    // A cross-site <img src> or link is a "simple" GET a browser sends without preflight: refused.
    const simple = await api.yoga.fetch(url, { headers: { accept: 'application/json' } });
    expect(simple.status).toBe(403);
    expect(await simple.json()).toEqual({
      errors: [{ message: 'Required CSRF header(s) not present', extensions: { code: 'FORBIDDEN' } }],
    });
  });
});

describe('error codes', () => {
  it('a syntax error is GRAPHQL_PARSE_FAILED', async () => {
    const result = await api.query('{ persons { ');
    expect(result.status).toBe(400);
    expectEveryErrorCoded(result.errors);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('an unknown field is GRAPHQL_VALIDATION_FAILED', async () => {
    const result = await api.query('{ persons { nodez } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(result.errors?.[0]?.message).toContain('Cannot query field "nodez"');
  });

  it('a variable of the wrong type, or a missing one, is BAD_USER_INPUT', async () => {
    for (const variables of [{ first: 'ten' }, {}]) {
      const result = await api.query('query($first: Int!) { persons(first: $first) { totalCount } }', variables);
      expectEveryErrorCoded(result.errors);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toContain('$first');
    }
  });

  it('a body that is not JSON is BAD_REQUEST with no parser internals', async () => {
    const response = await api.request('{"query": ');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string; extensions?: Record<string, unknown> }[] };
    expectEveryErrorCoded(body.errors);
    expect(body.errors[0]).toEqual({ message: 'POST body sent invalid JSON.', extensions: { code: 'BAD_REQUEST' } });
  });

  it('an empty search query is BAD_USER_INPUT', async () => {
    const result = await api.query('{ search(query: "   ") { totalCount } }');
    expect(result.errors?.[0]).toMatchObject({
      message: 'query: must not be empty',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('an unexpected failure is masked: no message, no stack, code INTERNAL_SERVER_ERROR', async () => {
    const store = await loadStore(DATA_DIR);
    const broken = Object.assign(Object.create(store) as MemoryStore, {
      affiliationsByPerson: async () => {
        throw new Error('database password is hunter2');
      },
    });
    const { yoga } = testApp(broken);
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ person(slug: "majid-azizi") { name affiliations { role } } }' }),
    });
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    const body = JSON.parse(text) as {
      data: unknown;
      errors: { message: string; extensions: Record<string, unknown> }[];
    };
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: 'Unexpected error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expectEveryErrorCoded(body.errors);
  });
});

describe('depth limit', () => {
  it('refuses a query deeper than the limit with QUERY_TOO_DEEP, before running it', async () => {
    api.counter.reset();
    let selection = 'name';
    for (let i = 0; i < 5; i++) selection = `affiliations { organization { members { person { ${selection} } } } }`;
    const result = await api.query(`{ persons { nodes { ${selection} } } }`);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_DEEP', limit: 20 });
    expect(result.errors?.[0]?.message).toMatch(/^Query depth limit of 20 exceeded, found \d+\.$/);
    expect(result.data).toBeUndefined();
    expect(api.counter.total()).toBe(0);
  });

  it('counts fragments too', async () => {
    const result = await api.query(`
      fragment Deep on Organization { members { person { affiliations { organization { members { person { affiliations { organization { members { person { affiliations { organization { members { person { affiliations { organization { name } } } } } } } } } } } } } } } } }
      { persons { nodes { affiliations { organization { ...Deep } } } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('accepts a query at the limit, and exempts introspection', async () => {
    // Twenty levels of nested lists are over the cost limit: raise it to test depth alone.
    const deep = await createTestApi(undefined, { maxCost: 10_000_000, maxNodes: 100_000_000 });
    const hop = (inner: string) => `affiliations { organization { members { person { ${inner} } } } }`;
    const atLimit = await deep.query(`{ persons { nodes { ${hop(hop(hop(hop('affiliations { role }'))))} } } }`);
    expect(atLimit.errors).toBeUndefined();
    const introspection = await api.query(getIntrospectionQuery({ descriptions: true }));
    expect(introspection.errors).toBeUndefined();
    expect(introspection.data).toHaveProperty('__schema');
  });

  it('is configurable', async () => {
    const shallow = await createTestApi(undefined, { maxDepth: 2 });
    const result = await shallow.query('{ persons { nodes { name } } }');
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_DEEP', limit: 2 });
  });
});

describe('data version', () => {
  it('reports the content hash of the data on every response, errors included', async () => {
    const ok = await api.query('{ articles { totalCount } }');
    const bad = await api.query('{ articles(first: 1000) { totalCount } }');
    expect(ok.extensions?.dataVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(ok.extensions?.dataVersion).toBe(api.store.version);
    expect(bad.extensions?.dataVersion).toBe(api.store.version);
  });
});

describe('GraphiQL default query', () => {
  it('runs without errors', async () => {
    const { GRAPHIQL_DEFAULT_QUERY } = await import('../src/graphiql.js');
    const result = await api.query<{ person: { name: string } }>(GRAPHIQL_DEFAULT_QUERY);
    expect(result.errors).toBeUndefined();
    expect(result.data?.person.name).toBe('Majid Azizi');
  });
});

describe('response shape', () => {
  it('keeps the keys of the response in the order of the query (GraphQL spec §7.2.2)', async () => {
    const response = await api.request({
      query: '{ articles { totalCount } person(slug: "majid-azizi") { slug name } stats { events articles } }',
    });
    const text = await response.text();
    const keys = (from: string) => [...from.matchAll(/"(\w+)":/g)].map((m) => m[1]);
    expect(keys(text.slice(0, text.indexOf('"extensions"')))).toEqual([
      'data',
      'articles',
      'totalCount',
      'person',
      'slug',
      'name',
      'stats',
      'events',
      'articles',
    ]);
  });
});

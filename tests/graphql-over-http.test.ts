import { type AuditResult, serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors.js';
import { CSRF_HEADER } from '../src/plugins/graphql-over-http.js';
import { type RunningServer, startServer } from '../src/server.js';
import { createTestApi, testConfig } from './helpers.js';

let running: RunningServer;
beforeAll(async () => {
  running = await startServer(testConfig());
});
afterAll(async () => {
  await running?.close(0);
});

/**
 * The audits play a GraphQL client, not a browser. Their GET requests carry no content type: that is a
 * "simple" request, which any web page can make a visitor's browser send cross-site without a CORS preflight
 * (an <img src>, a link), so the server deliberately refuses it unless it carries the CSRF-prevention header
 * (README, "GraphQL over HTTP"). A real client sets the header on every request, so the audits do too;
 * without it, the three audits of GET requests that expect a 200 (5A70, D6D5, 6A70) get the 403 instead.
 */
const fetchWithCsrfHeader: typeof fetch = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set(CSRF_HEADER, '1');
  return fetch(input, { ...init, headers });
};

const audits = serverAudits({ url: () => running.url, fetchFn: fetchWithCsrfHeader });
const mustAudits = audits.filter((audit) => audit.name.startsWith('MUST'));
const otherAudits = audits.filter((audit) => !audit.name.startsWith('MUST'));

async function describeResult(result: AuditResult): Promise<string> {
  if (result.status === 'ok') return 'ok';
  let body = '';
  try {
    body = await result.response.clone().text();
  } catch {
    body = '(body already read by the audit)';
  }
  return `${result.status}: ${result.reason} — HTTP ${result.response.status}: ${body.slice(0, 500)}`;
}

describe('graphql-http server audits', () => {
  it('are there to run (the library still names its audits MUST, SHOULD and MAY)', () => {
    expect(mustAudits.length).toBeGreaterThan(10);
    expect(otherAudits.length).toBeGreaterThan(10);
    expect(audits.every((audit) => /^(MUST|SHOULD|MAY) /.test(audit.name))).toBe(true);
  });

  // '%s' of a string prints it whole (an object's '$name' would be cut at 40 characters).
  it.each(mustAudits.map((audit) => [`${audit.name} (${audit.id})`, audit] as const))('%s', async (_, audit) => {
    expect(await describeResult(await audit.fn())).toBe('ok');
  });

  it.each(otherAudits.map((audit) => [`${audit.name} (${audit.id})`, audit] as const))('%s', async (_, audit) => {
    expect(await describeResult(await audit.fn())).toBe('ok');
  });
});

// --- helpers for the requests below -------------------------------------------------------------------------

type ErrorBody = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
const PUBLISHED_CODES: readonly string[] = Object.values(ErrorCode);
const TYPENAME = '{ __typename }';

function url(params: Record<string, string> = {}): string {
  const target = new URL(running.url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.href;
}

function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(running.url, { method: 'POST', headers, body });
}

/** The response is a JSON body of errors, each with an `extensions.code` from the published list; returns the codes. */
async function codedErrors(response: Response): Promise<string[]> {
  const text = await response.text();
  expect(text, `HTTP ${response.status} with an empty body: no coded error`).not.toBe('');
  expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.errors?.length, text).toBeGreaterThan(0);
  for (const error of body.errors ?? []) {
    expect(typeof error.extensions?.code, text).toBe('string');
    expect(PUBLISHED_CODES, `${text}: a code outside ErrorCode`).toContain(error.extensions?.code);
  }
  return (body.errors ?? []).map((error) => String(error.extensions?.code));
}

// --- CSRF prevention ----------------------------------------------------------------------------------------

describe('CSRF prevention', () => {
  it('refuses a GET query without the header and without a JSON content type: 403 FORBIDDEN', async () => {
    const response = await fetch(url({ query: TYPENAME }), { headers: { accept: 'application/json' } });
    expect(response.status).toBe(403);
    expect(await codedErrors(response.clone())).toEqual([ErrorCode.FORBIDDEN]);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Required CSRF header(s) not present', extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it('answers a GET query with the header', async () => {
    const response = await fetch(url({ query: '{ person(slug: "majid-azizi") { name } }' }), {
      headers: { accept: 'application/json', [CSRF_HEADER]: '1' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { person: { name: 'Majid Azizi' } } });
  });

  it('answers a GET query with a JSON content type and no header (a browser must preflight that)', async () => {
    const response = await fetch(url({ query: TYPENAME }), { headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('answers a JSON POST without the header', async () => {
    const response = await post(JSON.stringify({ query: TYPENAME }), { 'content-type': 'application/json' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it.each([
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
  ])('refuses a "simple" cross-site POST (%s) without the header, with a code', async (contentType) => {
    const response = await post(JSON.stringify({ query: TYPENAME }), { 'content-type': contentType });
    expect([403, 415]).toContain(response.status);
    const codes = await codedErrors(response);
    expect(codes).toEqual([response.status === 403 ? ErrorCode.FORBIDDEN : ErrorCode.UNSUPPORTED_MEDIA_TYPE]);
  });

  it('refuses a POST with no content type and no header', async () => {
    const response = await post(JSON.stringify({ query: TYPENAME }), {});
    expect(response.status).toBe(403);
    expect(await codedErrors(response)).toEqual([ErrorCode.FORBIDDEN]);
  });
});

// --- CORS ---------------------------------------------------------------------------------------------------

function preflight(origin: string): RequestInit {
  return {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  };
}

describe('CORS', () => {
  it('allows any origin by default, never with credentials', async () => {
    const origin = 'https://anywhere.example';
    const response = await fetch(running.url, preflight(origin));
    expect(response.status).toBe(204);
    // yoga answers CORS_ORIGINS=* by echoing the request's Origin (with Vary: Origin) rather than a literal `*`:
    // the same permission, since credentials are never allowed.
    expect(['*', origin]).toContain(response.headers.get('access-control-allow-origin'));
    if (response.headers.get('access-control-allow-origin') !== '*') {
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/i);
    }
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    const allowedHeaders = response.headers.get('access-control-allow-headers')?.split(/,\s*/);
    expect(allowedHeaders).toEqual(expect.arrayContaining(['content-type', CSRF_HEADER]));
  });

  describe.each([[['https://dash.example']], [['https://dash.example', 'https://admin.example']]])(
    'with corsOrigins %j',
    (corsOrigins) => {
      let api: Awaited<ReturnType<typeof createTestApi>>;
      beforeAll(async () => {
        api = await createTestApi(undefined, { corsOrigins });
      });

      it.each(corsOrigins)('echoes the allowed origin %s, without credentials', async (origin) => {
        const response = await api.yoga.fetch('http://localhost/graphql', preflight(origin));
        expect(response.status).toBe(204);
        expect(response.headers.get('access-control-allow-origin')).toBe(origin);
        expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      });

      // A sandboxed iframe or a file: page sends `Origin: null`: allowing "null" would let any site in.
      it.each(['https://evil.example', 'null'])('does not allow the origin %s', async (origin) => {
        const response = await api.yoga.fetch('http://localhost/graphql', preflight(origin));
        expect(response.headers.get('access-control-allow-origin')).not.toBe(origin);
        expect(response.headers.get('access-control-allow-origin')).not.toBe('*');
        const actual = await api.yoga.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: { origin, 'content-type': 'application/json' },
          body: JSON.stringify({ query: TYPENAME }),
        });
        expect(actual.headers.get('access-control-allow-origin')).not.toBe(origin);
        expect(actual.headers.get('access-control-allow-origin')).not.toBe('*');
      });
    },
  );
});

// --- methods, media types, batching -------------------------------------------------------------------------

describe('methods and media types', () => {
  it('refuses a mutation over GET: 405, Allow: POST, METHOD_NOT_ALLOWED', async () => {
    const response = await fetch(url({ query: 'mutation { __typename }' }), {
      headers: { accept: 'application/graphql-response+json', [CSRF_HEADER]: '1' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await codedErrors(response)).toEqual([ErrorCode.METHOD_NOT_ALLOWED]);
  });

  it('refuses an unknown operation name over GET with a published code', async () => {
    const response = await fetch(url({ query: 'query A { __typename }', operationName: 'B' }), {
      headers: { accept: 'application/graphql-response+json', [CSRF_HEADER]: '1' },
    });
    expect(response.status).toBe(400);
    expect(await codedErrors(response)).toHaveLength(1);
  });

  it('answers a subscription asked for as JSON with 406 NOT_ACCEPTABLE (it is answered with Server-Sent Events)', async () => {
    const response = await fetch(url({ query: 'subscription { dataVersionChanged { dataVersion } }' }), {
      headers: { accept: 'application/json', [CSRF_HEADER]: '1' },
    });
    expect(response.status).toBe(406);
    expect(await codedErrors(response)).toEqual([ErrorCode.NOT_ACCEPTABLE]);
  });

  it('refuses a subscription to an introspection field at validation, with a published code', async () => {
    const response = await fetch(url({ query: 'subscription { __typename }' }), {
      headers: { accept: 'application/json', [CSRF_HEADER]: '1' },
    });
    expect(await codedErrors(response)).toEqual([ErrorCode.GRAPHQL_VALIDATION_FAILED]);
  });

  it('serves GraphiQL to a browser asking for HTML, without the header, and never runs a query for it', async () => {
    for (const target of [url(), url({ query: 'mutation { __typename }' })]) {
      const response = await fetch(target, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('<title>newsgraph</title>');
    }
  });

  it.each(['application/json', 'application/graphql-response+json'])(
    'refuses a batch (a JSON array) with BAD_REQUEST (accept: %s)',
    async (accept) => {
      const batch = [{ query: TYPENAME }, { query: '{ stats { articles } }' }];
      const response = await post(JSON.stringify(batch), { 'content-type': 'application/json', accept });
      expect(response.status).toBe(400);
      const body = (await response.clone().json()) as ErrorBody;
      expect(body.errors?.[0]?.message).toBe('Batching is not supported.');
      expect(await codedErrors(response)).toEqual([ErrorCode.BAD_REQUEST]);
    },
  );

  it.each(['PUT', 'PATCH', 'DELETE'])('answers %s with 405, Allow: GET, POST, METHOD_NOT_ALLOWED', async (method) => {
    const response = await fetch(running.url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: TYPENAME }),
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(await codedErrors(response)).toEqual([ErrorCode.METHOD_NOT_ALLOWED]);
  });

  it('refuses a body that is not JSON, from a client that sent the header, with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await post(JSON.stringify({ query: TYPENAME }), {
      'content-type': 'text/plain',
      [CSRF_HEADER]: '1',
    });
    expect(response.status).toBe(415);
    expect(await codedErrors(response)).toEqual([ErrorCode.UNSUPPORTED_MEDIA_TYPE]);
  });

  it('refuses an Accept header it cannot answer with 406 NOT_ACCEPTABLE', async () => {
    const response = await fetch(url({ query: TYPENAME }), {
      headers: { accept: 'application/xml', [CSRF_HEADER]: '1' },
    });
    expect(response.status).toBe(406);
    expect(await codedErrors(response)).toEqual([ErrorCode.NOT_ACCEPTABLE]);
  });

  // A request error is 400 whatever the client accepts (yoga's own rule would answer application/json with 200).
  it.each([
    ['a body that is not JSON', '{ "not a JSON'],
    ['no body', undefined],
  ])('answers %s with 400 BAD_REQUEST, for graphql-response+json and application/json', async (_, body) => {
    for (const [accept, status] of [
      ['application/graphql-response+json', 400],
      ['application/json', 400],
    ] as const) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        ...(body === undefined ? {} : { body }),
      });
      expect(response.status).toBe(status);
      expect(await codedErrors(response)).toEqual([ErrorCode.BAD_REQUEST]);
    }
  });
});

/**
 * Issue 9's HTTP attacks (defects 6 and 11), sent to the real node:http server (startServer): a bad Host header
 * or request target, variables nested thousands of levels deep, a mutation, a malformed body for a client that
 * accepts only application/json, CORS answers with an allow-list. Each is refused with a coded error, never a
 * 500 or a stack trace, and the server keeps answering.
 */
import net from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { createTestApi, DATA_DIR, testConfig } from './helpers.js';

const logged: Record<string, unknown>[] = [];
let running: RunningServer;
let port: number;
beforeAll(async () => {
  const log = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        logged.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  running = await startServer(testConfig({ responseCacheMaxEntries: 100, logLevel: 'warn' }), log);
  port = (running.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await running?.close(0);
});

/** Sends `text` on a new socket and returns what comes back (within 5 s). */
function raw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.end(text));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s; got ${JSON.stringify(received)}`));
    }, 5_000);
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', reject);
  });
}

/** The status and the JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(answer: string): { status: number; body: { errors?: { extensions?: { code?: string } }[] } } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) };
}

async function healthy() {
  const response = await fetch(running.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ stats { articles } }' }),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ data: { stats: { articles: 2 } } });
}

describe('a bad Host header or request target', () => {
  it.each([
    ['Host: a b', `GET /graphql HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n`],
    ['GET *', `GET * HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\nConnection: close\r\n\r\n`],
    ['OPTIONS *', `OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`],
    ['a target without a slash', `GET graphql HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`],
    ['Host with a bad port', `GET /graphql HTTP/1.1\r\nHost: localhost:99999\r\nConnection: close\r\n\r\n`],
  ])('%s: 400 BAD_REQUEST with no stack trace, logged', async (name, request) => {
    const before = logged.length;
    const answer = await raw(request.replace('PORT', String(port)));
    const { status, body } = parseAnswer(answer);
    expect(status, answer).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(answer).not.toMatch(/node_modules|at new URL|TypeError/);
    expect(
      logged.slice(before).some((line) => line.level === 40 && /Host|target|malformed/.test(String(line.msg))),
      name,
    ).toBe(true);
    await healthy();
  });

  it('still answers an absolute-form target (as a proxy sends it) and a normal one', async () => {
    const body = JSON.stringify({ query: '{ stats { articles } }' });
    for (const target of [`http://127.0.0.1:${port}/graphql`, '/graphql']) {
      const answer = await raw(
        `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
      expect(parseAnswer(answer)).toMatchObject({ status: 200, body: { data: { stats: { articles: 2 } } } });
    }
  });
});

/** `{ a: { a: … 1 } }`, `levels` deep, built as JSON text (JSON.stringify itself overflows at a few thousand). */
function nestedJson(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

describe('deeply nested variables and extensions', () => {
  it.each([
    ['an unused variable', (deep: string) => `{"query":"{ stats { articles } }","variables":{"deep":${deep}}}`],
    [
      'a declared variable',
      (deep: string) =>
        `{"query":"query($f: ArticleFilter) { articles(filter: $f) { totalCount } }","variables":{"f":${deep}}}`,
    ],
    ['extensions', (deep: string) => `{"query":"{ stats { articles } }","extensions":{"deep":${deep}}}`],
  ])('%s 5,000 levels deep: 400 BAD_USER_INPUT, not a 500', async (_, body) => {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: body(nestedJson(5_000)),
      });
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(answer.errors[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(answer.errors[0]?.message).toMatch(/deeper than the limit of 16/);
    }
    await healthy();
  });

  it('answers variables nested as deep as the schema allows', async () => {
    const response = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($f: ArticleFilter) { articles(filter: $f) { totalCount } }',
        variables: { f: { mentions: [], text: 'azizi' }, unused: { a: { b: { c: [1, [2]] } } } },
      }),
    });
    expect(await response.json()).toMatchObject({ data: { articles: { totalCount: expect.any(Number) } } });
  });
});

describe('GraphQL over HTTP details', () => {
  it('refuses a mutation (the schema has none) as a validation error, before execution', async () => {
    for (const [accept, status] of [
      ['application/graphql-response+json', 400],
      ['application/json', 200],
    ] as const) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query: 'mutation { __typename }' }),
      });
      expect(response.status).toBe(status);
      const body = (await response.json()) as { data?: unknown; errors: { message: string; extensions: object }[] };
      expect(body.data).toBeUndefined();
      expect(body.errors).toEqual([
        expect.objectContaining({
          message: 'The mutation operation is not supported by the schema.',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ]);
    }
  });

  it('answers a malformed JSON body with 400 BAD_REQUEST whatever the client accepts', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json', '*/*']) {
      const response = await fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: '{ "not a JSON',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    }
  });

  it('says Vary: Origin on every answer with a CORS allow-list, allowed or not', async () => {
    const api = await createTestApi(DATA_DIR, { corsOrigins: ['https://dash.example'] });
    for (const origin of ['https://dash.example', 'https://evil.example', null]) {
      for (const method of ['OPTIONS', 'POST']) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (origin) headers.origin = origin;
        if (method === 'OPTIONS') headers['access-control-request-method'] = 'POST';
        const response = await api.yoga.fetch('http://localhost/graphql', {
          method,
          headers,
          ...(method === 'POST' ? { body: JSON.stringify({ query: '{ __typename }' }) } : {}),
        });
        expect(response.headers.get('vary'), `${method} from ${origin}`).toMatch(/\bOrigin\b/);
      }
    }
  });
});

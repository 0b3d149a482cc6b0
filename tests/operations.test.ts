/**
 * Operating the server: graceful shutdown under load, health and readiness, Prometheus metrics, one access
 * log line per request with its request id, the request body limit at the HTTP layer, and configuration
 * errors at start-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { testConfig } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');

const children: ChildProcess[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((server) => server.close(0)));
});

/** Starts src/main.ts and resolves with its GraphQL URL once it listens (the URL is in its JSON log on stdout). */
function startMain(args = ['--port', '0', '--host', '127.0.0.1']) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  const started = new Promise<{ url: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving GraphQL and GraphiQL at (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) resolve({ url: match[1] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
  return { child, started, output: () => output };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** A server on a free port, closed after the test, logging (pino, level info) into `logs`, one object per line. */
async function server(overrides: Partial<Config> = {}) {
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      callback();
    },
  });
  const running = await startServer(testConfig(overrides), pino({ level: 'info' }, stream));
  servers.push(running);
  return { running, logs, origin: new URL(running.url).origin };
}

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request through node:http. `body` as a string is sent with its Content-Length; as an array of chunks it
 * is streamed without one (chunked transfer encoding).
 */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | string[] } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (typeof options.body === 'string') headers['content-length'] = Buffer.byteLength(options.body);
    let answered = false;
    const req = httpRequest(url, { method: options.method ?? 'GET', headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    // A server that answers before reading a large body may close while we still write it: the answer counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (Array.isArray(options.body)) {
      for (const chunk of options.body) req.write(chunk);
      req.end();
    } else req.end(options.body);
  });
}

const QUERY = '{ articles { totalCount nodes { slug } } person(slug: "majid-azizi") { name } }';
const EXPECTED = {
  data: {
    articles: {
      totalCount: 2,
      nodes: [
        { slug: 'irans-alleged-terror-plot-in-peru' },
        { slug: 'foiling-lima-terror-plot-arrest-of-majid-azizi' },
      ],
    },
    person: { name: 'Majid Azizi' },
  },
};
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
async function until<T>(what: string, check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SIGTERM during a burst of requests', () => {
  it('finishes the requests it accepted, refuses the rest cleanly, and exits 0', async () => {
    const { child, started, output } = startMain();
    const { url } = await started;
    const body = JSON.stringify({ query: QUERY });
    // 200 requests at once over at most 50 keep-alive connections: the rest wait in the agent for a free one.
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });

    type Outcome = 'completed' | 'refused' | 'broken';
    /**
     * In flight at the signal: sent whole on a connection the server had already answered on (so it had
     * accepted that connection), with no response yet. A request sent on a brand-new connection may still sit
     * in the kernel's accept queue: closing the listener resets it, which is "never accepted".
     */
    const outcomes: { outcome: Outcome; detail: string; inFlight: boolean; onNewConnection: boolean }[] = [];
    const answeredOn = new WeakSet<object>(); // connections that have carried a response
    const sent = new Map<number, boolean>(); // sent whole, no response yet: id → on an answered connection
    let inFlightAtSignal = new Map<number, boolean>();
    let responses = 0;

    const one = (id: number) =>
      new Promise<void>((resolve) => {
        let answered = false;
        const done = (outcome: Outcome, detail = '') => {
          const known = inFlightAtSignal.get(id);
          outcomes.push({ outcome, detail, inFlight: known === true, onNewConnection: known === false });
          resolve();
        };
        const req = httpRequest(
          url,
          { method: 'POST', agent, headers: { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) } },
          (res) => {
            answered = true;
            sent.delete(id);
            answeredOn.add(res.socket);
            responses++;
            if (responses === 50) {
              inFlightAtSignal = new Map(sent);
              child.kill('SIGTERM');
            }
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('error', (error) => done('broken', `body cut off (status ${res.statusCode}): ${error.message}`));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString();
              if (res.statusCode !== 200) return done('broken', `status ${res.statusCode}: ${text}`);
              let json: { data?: unknown; errors?: unknown };
              try {
                json = JSON.parse(text);
              } catch {
                return done('broken', `truncated body: ${text}`);
              }
              // Compared as values: the order of the keys is not what this test is about.
              if (!isDeepStrictEqual({ data: json.data, errors: json.errors }, { ...EXPECTED, errors: undefined })) {
                return done('broken', `wrong answer: ${text}`);
              }
              done('completed');
            });
          },
        );
        req.on('finish', () => {
          if (!answered) sent.set(id, answeredOn.has(req.socket as object));
        });
        // An error before any response: the request was never accepted (refused, or reset before an answer).
        req.on('error', (error) => {
          if (answered) return;
          sent.delete(id);
          done('refused', (error as NodeJS.ErrnoException).code ?? error.message);
        });
        req.end(body);
      });

    const burstStarted = performance.now();
    await Promise.all(Array.from({ length: 200 }, (_, id) => one(id)));
    const code = await exitCode(child);
    const exitedMs = Math.round(performance.now() - burstStarted);
    agent.destroy();

    const count = (outcome: Outcome, list = outcomes) => list.filter((o) => o.outcome === outcome).length;
    expect(responses).toBeGreaterThanOrEqual(50);
    expect(outcomes).toHaveLength(200);
    // No 5xx, no truncated or wrong body: every request completed correctly or was refused at the connection.
    expect(outcomes.filter((o) => o.outcome === 'broken')).toEqual([]);
    expect(count('completed') + count('refused')).toBe(200);
    for (const o of outcomes.filter((o) => o.outcome === 'refused')) {
      expect(o.detail).toMatch(/^(ECONNREFUSED|ECONNRESET|EPIPE|socket hang up)$/);
    }
    // The requests in flight when the signal was sent were answered (all of them in practice; "most" here).
    const inFlight = outcomes.filter((o) => o.inFlight);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(count('completed', inFlight)).toBeGreaterThanOrEqual(Math.ceil(inFlight.length * 0.9));
    expect(code).toBe(0);
    expect(output()).toContain('SIGTERM received');
    const onNew = outcomes.filter((o) => o.onNewConnection);
    console.info(
      `SIGTERM burst: ${count('completed')} completed, ${count('refused')} refused ` +
        `(${outcomes.filter((o) => o.detail === 'ECONNREFUSED').length} ECONNREFUSED); ` +
        `in flight at the signal: ${count('completed', inFlight)}/${inFlight.length} completed; ` +
        `sent on a connection not yet answered on: ${count('completed', onNew)}/${onNew.length} completed; ` +
        `process exited ${exitedMs} ms after the burst began`,
    );
  });
});

/** Reads one HTTP/1.1 response (with a Content-Length) from a raw socket, or 'closed' if the socket ends first. */
function readResponse(socket: Socket): Promise<{ status: number; head: string; body: string } | 'closed'> {
  return new Promise((resolve) => {
    let buffer = '';
    const finish = (value: { status: number; head: string; body: string } | 'closed') => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.slice(0, end);
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (buffer.length - end - 4 < length) return;
      finish({ status: Number(head.split(' ')[1]), head, body: buffer.slice(end + 4, end + 4 + length) });
    };
    const onClose = () => finish('closed');
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
  });
}

function openSocket(origin: string): Promise<Socket> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

const READY_REQUEST = 'GET /ready HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n';

describe('health and readiness', () => {
  it('/health is 200; /ready is 200 with the data version while serving', async () => {
    const { running, origin } = await server();
    const health = await fetch(`${origin}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${origin}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, dataVersion: running.holder.current().version });
    expect(running.holder.current().version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('after close() begins, /ready on an open keep-alive connection is 503 or the connection is closed', async () => {
    const { running, origin } = await server();
    const idle = await openSocket(origin);
    const busy = await openSocket(origin);
    try {
      idle.write(READY_REQUEST);
      const first = await readResponse(idle);
      expect(first).toMatchObject({ status: 200 });
      expect(first !== 'closed' && JSON.parse(first.body)).toEqual({
        ready: true,
        dataVersion: running.holder.current().version,
      });
      // The other connection has the first bytes of a /ready request in when close() begins.
      busy.write(READY_REQUEST.slice(0, 10));
      // A full round trip on another connection, after those bytes were sent: the server has read them.
      expect((await fetch(`${origin}/health`)).status).toBe(200);

      const closed = running.close(5_000);
      // The idle connection: either closed by the server, or the answer says not ready.
      idle.write(READY_REQUEST);
      const second = await readResponse(idle);
      if (second !== 'closed') {
        expect(second.status).toBe(503);
        expect(JSON.parse(second.body)).toMatchObject({ ready: false });
      }
      // The busy connection: its request completes, and says not ready.
      busy.write(READY_REQUEST.slice(10));
      const third = await readResponse(busy);
      expect(third).not.toBe('closed');
      if (third !== 'closed') {
        expect(third.status).toBe(503);
        expect(JSON.parse(third.body)).toEqual({ ready: false, dataVersion: running.holder.current().version });
        expect(third.head).toMatch(/connection: close/i);
      }
      await closed;
      // Closed: new connections are refused.
      await expect(fetch(`${origin}/ready`)).rejects.toThrow();
    } finally {
      idle.destroy();
      busy.destroy();
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus text with request counts, durations and errors by code', async () => {
    const { origin, running } = await server();
    for (let i = 0; i < 3; i++) {
      const answer = await send(running.url, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ query: QUERY }),
      });
      expect(answer.status).toBe(200);
    }
    const bad = await send(running.url, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: '{ events(filter: { from: "July 2024" }) { totalCount } }' }),
    });
    expect(JSON.parse(bad.body).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const metrics = await fetch(`${origin}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^# TYPE graphql_envelop_request counter$/m);
    // The query sent three times ran once: the replay cache answered it twice (counted by HTTP and as replays).
    expect(text).toMatch(/^graphql_envelop_request\{[^}]*operationType="query"[^}]*\} 2$/m);
    expect(text).toMatch(/^newsgraph_replayed_responses_total\{statusCode="200"\} 2$/m);
    expect(text).toMatch(/^# TYPE graphql_yoga_http_duration histogram$/m);
    expect(text).toMatch(/^graphql_yoga_http_duration_bucket\{le="\+Inf",[^}]*statusCode="200"[^}]*\} 4$/m);
    expect(text).toMatch(/^graphql_yoga_http_duration_count\{[^}]*\} 4$/m);
    expect(text).toMatch(/^# TYPE graphql_envelop_request_duration histogram$/m);
    expect(text).toMatch(/^# TYPE newsgraph_errors_total counter$/m);
    expect(text).toMatch(/^newsgraph_errors_total\{code="BAD_USER_INPUT"\} 1$/m);
  });
});

describe('access logs', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('writes one JSON line per request, with the request id the client sent or a generated one', async () => {
    const { running, logs } = await server();
    const post = (headers: Record<string, string> = {}) =>
      send(running.url, {
        method: 'POST',
        headers: { ...JSON_HEADERS, ...headers },
        body: JSON.stringify({ query: QUERY }),
      });

    const plain = await post();
    const sent = await post({ 'x-request-id': 'client-req.42:a_b-c' });
    const tooLong = await post({ 'x-request-id': 'a'.repeat(300) });
    const spaces = await post({ 'x-request-id': 'has spaces in it' });
    const health = await send(`${new URL(running.url).origin}/health`);
    const answers = [plain, sent, tooLong, spaces];
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(health.status).toBe(200);

    expect(sent.headers['x-request-id']).toBe('client-req.42:a_b-c');
    for (const answer of [plain, tooLong, spaces, health]) expect(answer.headers['x-request-id']).toMatch(UUID);
    const ids = [...answers, health].map((a) => a.headers['x-request-id']);
    expect(new Set(ids).size).toBe(5);

    const lines = await until('five access log lines', () => {
      const requests = logs.filter((l) => l.msg === 'request');
      return requests.length >= 5 ? requests : undefined;
    });
    expect(lines).toHaveLength(5);
    for (const [i, id] of ids.entries()) {
      const mine = lines.filter((l) => l.reqId === id);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        level: 30,
        reqId: id,
        method: i < 4 ? 'POST' : 'GET',
        url: i < 4 ? '/graphql' : '/health',
        status: 200,
        ms: expect.any(Number),
      });
      expect(mine[0]?.ms as number).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('request body limit at the HTTP layer', () => {
  const envelopRequests = async (origin: string) => {
    const text = await (await fetch(`${origin}/metrics`)).text();
    return [...text.matchAll(/^graphql_envelop_request\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  };
  /** A valid query padded (in an unused variable) to about `bytes` bytes. */
  const padded = (bytes: number) =>
    JSON.stringify({ query: '{ articles { totalCount } }', variables: { pad: 'x'.repeat(bytes) } });

  it('refuses a 200 KB body with 413 before yoga sees it; a normal POST works', async () => {
    const { running, origin } = await server();
    const normal = await send(running.url, { method: 'POST', headers: JSON_HEADERS, body: padded(1_000) });
    expect(normal.status).toBe(200);
    expect(JSON.parse(normal.body)).toMatchObject({ data: { articles: { totalCount: 2 } } });
    const executed = await envelopRequests(origin);
    expect(executed).toBe(1);

    const large = await send(running.url, { method: 'POST', headers: JSON_HEADERS, body: padded(200_000) });
    expect(large.status).toBe(413);
    const body = JSON.parse(large.body);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: expect.stringContaining('102400 bytes'),
        extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 102_400 },
      },
    ]);
    expect(await envelopRequests(origin)).toBe(executed);
  });

  it('refuses a chunked POST (no Content-Length) with 411 and a code', async () => {
    const { running, origin } = await server();
    const body = JSON.stringify({ query: QUERY });
    const chunked = await send(running.url, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: [body.slice(0, 10), body.slice(10)],
    });
    expect(chunked.status).toBe(411);
    expect(chunked.headers['transfer-encoding']).toBeUndefined();
    expect(JSON.parse(chunked.body)).toEqual({
      errors: [{ message: expect.stringMatching(/Content-Length/), extensions: { code: 'BAD_REQUEST' } }],
    });
    expect(await envelopRequests(origin)).toBe(0);
  });

  it('takes the limit from maxBodyBytes', async () => {
    const { running } = await server({ maxBodyBytes: 512 });
    const small = await send(running.url, { method: 'POST', headers: JSON_HEADERS, body: padded(300) });
    expect(small.status).toBe(200);
    const large = await send(running.url, { method: 'POST', headers: JSON_HEADERS, body: padded(600) });
    expect(large.status).toBe(413);
    expect(JSON.parse(large.body).errors[0]).toMatchObject({
      message: expect.stringContaining('512 bytes'),
      extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 512 },
    });
  });
});

describe('configuration errors', () => {
  it('exits 1 naming --max-cost / MAX_COST when it is not a number', async () => {
    const { child, started, output } = startMain(['--port', '0', '--max-cost', 'abc']);
    started.catch(() => undefined);
    expect(await exitCode(child)).toBe(1);
    expect(output()).toContain('--max-cost / MAX_COST');
    expect(output()).toMatch(/--max-cost \/ MAX_COST = "abc": must be a whole number/);
  });
});

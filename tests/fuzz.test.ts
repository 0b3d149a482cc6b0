/**
 * Property-based fuzzing of the whole request path (fast-check): thousands of random and malformed requests,
 * from documents walked from the real schema to random bytes, and for every one: no 5xx, a JSON body, a string
 * `extensions.code` on every error, nothing unmasked (stack traces, `originalError`, library messages), never
 * INTERNAL_SERVER_ERROR (an unexpected error is a bug), no crash, no hang; and the heap does not grow (nor the
 * metrics, whose label values a client must not be able to choose).
 *
 * Runs: 1,500 inputs by default (10–15 s), more with FUZZ_RUNS=20000; and 3,000 valid queries within the published
 * limits (FUZZ_VALID_RUNS; `npm run fuzz` sends 20,000). Seed: fixed, FUZZ_SEED overrides it.
 * fast-check prints the seed, the path and the shrunk input of a failure; FUZZ_SEED=… FUZZ_PATH=… with
 * `-t '<test name>'` replays it. FUZZ_SURVEY=1 records every problem (the smallest input of each kind, printed at
 * the end) instead of stopping at the first: use it to see everything that is wrong at once.
 */
import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { YogaLogger } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/config.js';
import { ErrorCode } from '../src/errors.js';
import { CSRF_HEADER } from '../src/plugins/graphql-over-http.js';
import { type RunningServer, startServer } from '../src/server.js';
import {
  bodyBytes,
  buildAllGenerators,
  type FuzzRequest,
  getRequest,
  limitProbeRequest,
  materialize,
  operationsRequest,
  rawRequest,
  schemaDocumentRequest,
  serverBodyRequest,
  validQueryRequest,
  variablesRequest,
} from './fuzz-arbitraries.js';
import { createTestApi, DATA_DIR, testConfig } from './helpers.js';

const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_713);
const PATH = process.env.FUZZ_PATH;
const SURVEY = process.env.FUZZ_SURVEY === '1';
const VALID_RUNS = Number(process.env.FUZZ_VALID_RUNS ?? 3_000);
const LONG = TOTAL_RUNS > 1_500;
/** Valid queries between two /health checks. */
const HEALTH_EVERY = 500;
/** A share of the runs for one property (at least 20). */
const runs = (share: number) => Math.max(20, Math.round(TOTAL_RUNS * share));

/** Text that must never reach a client: stack frames, error internals, library messages, unexpected errors. */
const FORBIDDEN = [
  '    at ',
  'originalError',
  'Invalid base64',
  'has not been implemented',
  'Cannot read properties',
  'undefined is not',
  'is not a function',
  'Maximum call stack',
  'INTERNAL_SERVER_ERROR',
  'Unexpected error.',
];
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
/** The code an HTTP-level refusal with this status should carry (src/errors.ts). */
const CODE_FOR_STATUS: Record<number, string> = {
  403: ErrorCode.FORBIDDEN,
  405: ErrorCode.METHOD_NOT_ALLOWED,
  406: ErrorCode.NOT_ACCEPTABLE,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
};

const stats = {
  inputs: 0,
  byGenerator: new Map<string, number>(),
  codes: new Map<string, number>(),
  /** Valid queries only: the codes they were answered with, their statuses, and how many carried data. */
  valid: { codes: new Map<string, number>(), statuses: new Map<number, number>(), withData: 0 },
  statuses: new Map<number, number>(),
  /** Responses that carried data (a document that ran), and those with errors. */
  withData: 0,
  withErrors: 0,
  /** The slowest answer (yoga.fetch to the end of the body), and what it answered. */
  maxLatencyMs: 0,
  slowest: '',
  healthChecks: 0,
  /** Reported, not asserted: codes outside ErrorCode, and HTTP statuses whose code is not the one errors.ts gives them. */
  observations: new Map<string, { count: number; example: string }>(),
  /** FUZZ_SURVEY only: every problem, with the smallest input that showed it. */
  problems: new Map<string, { count: number; example: string }>(),
};
const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

function note(map: Map<string, { count: number; example: string }>, key: string, request: FuzzRequest) {
  const example = fc.stringify(request);
  const seen = map.get(key);
  if (!seen) map.set(key, { count: 1, example });
  else {
    seen.count++;
    if (example.length < seen.example.length) seen.example = example;
  }
}

interface Received {
  status: number;
  contentType: string;
  text: string;
}

/** The JSON payloads of a response: one for JSON, one per event or part for event streams and multipart. */
function payloadsOf(received: Received, problems: string[]): unknown[] {
  const { contentType, text } = received;
  const parse = (chunk: string, where: string) => {
    try {
      return [JSON.parse(chunk) as unknown];
    } catch {
      problems.push(`${where} is not JSON: ${JSON.stringify(chunk.slice(0, 120))}`);
      return [];
    }
  };
  if (contentType.startsWith('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '')
      .flatMap((line) => parse(line.slice(5), 'an event'));
  }
  if (contentType.startsWith('multipart/mixed')) {
    return text
      .split(/\r?\n---/)
      .map((part) =>
        part
          .split(/\r?\n\r?\n/)
          .slice(1)
          .join('\n\n')
          .trim(),
      )
      .filter((body) => body !== '' && body !== '--')
      .flatMap((body) => parse(body, 'a part'));
  }
  return parse(text, 'the body');
}

function looksLikeGraphQL(contentType: string, text: string): boolean {
  if (!contentType.includes('json')) return false;
  try {
    const payload = JSON.parse(text) as unknown;
    return typeof payload === 'object' && payload !== null && ('data' in payload || 'errors' in payload);
  } catch {
    return false;
  }
}

/** Everything wrong with one response (empty when it is right). Counts codes and statuses on the way. */
function problemsOf(request: FuzzRequest, received: Received): string[] {
  const problems: string[] = [];
  const { status, contentType, text } = received;
  bump(stats.statuses, status);
  if (request.gen === 'valid-query') bump(stats.valid.statuses, status);
  if (status >= 500) problems.push(`HTTP ${status}`);

  const method = request.method;
  if (contentType.startsWith('text/html')) {
    // GraphiQL (its page embeds its whole bundle, stack-frame strings included), for a browser's GET only.
    if (method !== 'GET' || !(request.headers.accept ?? '').includes('text/html')) {
      problems.push(`HTML answered to ${method} with Accept ${JSON.stringify(request.headers.accept)}`);
    }
    return problems;
  }

  // Another URL (/metrics, /ready, a 404) is checked only when it answers GraphQL, which yoga does on any URL
  // whose text ends with /graphql.
  const path = request.url.split(/[?#]/)[0];
  if (path !== '/graphql' && !looksLikeGraphQL(contentType, text)) return problems;

  // A forbidden phrase counts unless the request itself carried it (an error message may quote the input).
  const sent = `${request.url} ${request.body ? Buffer.from(bodyBytes(request.body)).toString('utf8') : ''}`;
  for (const phrase of FORBIDDEN) {
    if (text.includes(phrase) && !sent.includes(phrase))
      problems.push(`the response contains ${JSON.stringify(phrase)}`);
  }

  if (method === 'OPTIONS' || method === 'HEAD') return problems; // preflight and HEAD answer without a body
  if (text === '') {
    problems.push(`HTTP ${status} with an empty body (content-type ${JSON.stringify(contentType)})`);
    return problems;
  }

  for (const payload of payloadsOf(received, problems)) {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      problems.push(`a payload is not an object: ${JSON.stringify(payload)?.slice(0, 80)}`);
      continue;
    }
    const { data, errors } = payload as { data?: unknown; errors?: unknown };
    if (data === undefined && errors === undefined) problems.push('a payload has neither data nor errors');
    if (data !== undefined && data !== null) stats.withData++;
    if (data !== undefined && data !== null && request.gen === 'valid-query') stats.valid.withData++;
    if (errors !== undefined) stats.withErrors++;
    if (errors === undefined) continue;
    if (!Array.isArray(errors) || errors.length === 0) {
      problems.push(`errors is not a non-empty list: ${JSON.stringify(errors)?.slice(0, 80)}`);
      continue;
    }
    for (const error of errors as { message?: unknown; extensions?: { code?: unknown } }[]) {
      const code = error?.extensions?.code;
      if (typeof error?.message !== 'string') problems.push(`an error without a message: ${JSON.stringify(error)}`);
      if (typeof code !== 'string') {
        problems.push(`an error without a string extensions.code: ${JSON.stringify(error).slice(0, 200)}`);
        continue;
      }
      bump(stats.codes, code);
      if (request.gen === 'valid-query') bump(stats.valid.codes, code);
      if (code === ErrorCode.INTERNAL_SERVER_ERROR) problems.push(`INTERNAL_SERVER_ERROR (HTTP ${status})`);
      if (!KNOWN_CODES.has(code)) note(stats.observations, `code ${code} is not one of ErrorCode`, request);
      const expected = CODE_FOR_STATUS[status];
      if (expected && code !== expected)
        note(stats.observations, `HTTP ${status} carries ${code}, not ${expected}`, request);
    }
  }

  if (request.expect) {
    const { code, notCode, noErrors, status: wanted } = request.expect;
    const parsed = (() => {
      try {
        return JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
      } catch {
        return {};
      }
    })();
    const codes = (parsed.errors ?? []).map((e) => e.extensions?.code);
    if (code && !codes.includes(code)) problems.push(`expected ${code}, got ${JSON.stringify(codes)}`);
    if (notCode && codes.includes(notCode)) problems.push(`expected no ${notCode}, got ${JSON.stringify(codes)}`);
    if (noErrors && codes.length) problems.push(`expected no errors, got ${JSON.stringify(codes)}`);
    if (wanted && status !== wanted) problems.push(`expected HTTP ${wanted}, got ${status}`);
  }
  return problems;
}

/** Fails the property with the problems (or, in a survey, records them and goes on). */
function verdict(request: FuzzRequest, problems: string[]): boolean {
  if (problems.length === 0) return true;
  if (SURVEY) {
    for (const problem of problems) {
      const kind = problem.startsWith('(yoga logged')
        ? problem.replace(/SyntaxError: [^|)]*/g, 'SyntaxError from JSON.parse')
        : problem.replace(/"[^"]*"/g, '"…"');
      note(stats.problems, `${request.gen}: ${kind.replace(/\d{4,}/g, 'N')}`, request);
    }
    return true;
  }
  throw new Error(problems.join('\n'));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

let api: Awaited<ReturnType<typeof createTestApi>>;

/** /health answers 200 promptly (after each batch of fuzzed requests). */
async function expectHealthy(): Promise<void> {
  const response = await withTimeout(Promise.resolve(api.yoga.fetch('http://localhost/health')), 5_000, '/health');
  expect(response.status).toBe(200);
  await response.text();
  stats.healthChecks++;
}
const registry = new Registry();

/** What yoga logged as unexpected while answering the current input: the cause behind an INTERNAL_SERVER_ERROR. */
const logged: string[] = [];
const describeArgs = (args: unknown[]) =>
  args.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : String(a))).join(' ');
const logger: YogaLogger = {
  debug: () => {},
  info: () => {},
  warn: (...args: unknown[]) => logged.push(describeArgs(args)),
  error: (...args: unknown[]) => logged.push(describeArgs(args)),
};

async function send(request: FuzzRequest): Promise<Received> {
  const { url, init } = materialize(request);
  const response = await withTimeout(Promise.resolve(api.yoga.fetch(url, init)), 10_000, 'yoga.fetch');
  const text = await withTimeout(response.text(), 10_000, 'the response body');
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

/**
 * Promise rejections nobody handled, with the input in flight when each was noticed (it or the one before): in
 * the server, an unhandled rejection ends the process.
 */
const unhandled: { error: string; request: string }[] = [];
let inFlight: FuzzRequest | null = null;
const onUnhandled = (error: unknown) => {
  // A GraphQLError knows the document it came from, which may be an earlier input's.
  const { path, source } = error as { path?: unknown; source?: { body?: string } };
  unhandled.push({
    error: `${String((error as Error)?.message ?? error)}${path ? ` at ${JSON.stringify(path)}` : ''}`,
    request: source?.body ?? (inFlight ? fc.stringify(inFlight).slice(0, 3_000) : '(none)'),
  });
};

/** One input through yoga.fetch: a throw from yoga (a crash) is a problem like any other. */
async function check(request: FuzzRequest): Promise<boolean> {
  inFlight = request;
  stats.inputs++;
  bump(stats.byGenerator, request.gen);
  logged.length = 0;
  let received: Received;
  const sentAt = performance.now();
  try {
    received = await send(request);
  } catch (error) {
    return verdict(request, [`yoga.fetch threw: ${(error as Error).stack ?? String(error)}`]);
  }
  const latency = performance.now() - sentAt;
  if (latency > stats.maxLatencyMs) {
    stats.maxLatencyMs = latency;
    stats.slowest = `${request.gen} ${fc.stringify(request).slice(0, 400)}`;
  }
  const problems = problemsOf(request, received);
  if (problems.length && logged.length) problems.push(`(yoga logged: ${[...new Set(logged)].join(' | ')})`);
  return verdict(request, problems);
}

const params = <T extends FuzzRequest>(numRuns: number, examples: T[] = []): fc.Parameters<[T]> => ({
  numRuns,
  seed: SEED,
  ...(PATH ? { path: PATH } : {}),
  // Inputs that once failed, shrunk: tried first on every run, whatever the seed and the number of runs.
  examples: examples.map((example) => [example]),
  endOnFailure: SURVEY,
});

const CSRF = { [CSRF_HEADER]: '1' };
const form = (url: string, text: string): FuzzRequest => ({
  gen: 'regression',
  method: 'POST',
  url,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...CSRF },
  body: { kind: 'text', text },
});
const multipart = (operations: string, map?: string): FuzzRequest => {
  const field = (name: string, value: string) =>
    `--x\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return {
    gen: 'regression',
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'multipart/form-data; boundary=x', ...CSRF },
    body: { kind: 'text', text: `${field('operations', operations)}${map ? field('map', map) : ''}--x--\r\n` },
  };
};
const get = (url: string): FuzzRequest => ({ gen: 'regression', method: 'GET', url, headers: { ...CSRF } });

/** What the fuzzer found (each was an HTTP 500 INTERNAL_SERVER_ERROR, or a 406/415 with an empty body). */
const RAW_REGRESSIONS: FuzzRequest[] = [
  form('/graphql', 'query=%7B__typename%7D&variables=%7B'), // yoga JSON.parse's form variables unguarded
  // The same through other URLs yoga answers GraphQL on: any URL whose text ends with /graphql or /graphql/.
  form('/graphql/', 'variables=%7B'),
  form('/x/graphql', 'variables=%7B'),
  form('/?a=/graphql', 'variables=%7B'),
  multipart('null'), // TypeError: Cannot read properties of null (reading 'query')
  multipart('{"query":"{__typename}"}', '{"0":[1]}'), // TypeError: keyPath.split is not a function
  multipart('{"query":"{__typename}"}', '{"0":5}'), // TypeError: keys is not iterable
  {
    gen: 'regression',
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', accept: 'image/png' },
    body: { kind: 'text', text: '{"query":"{ __typename }"}' },
  }, // 406 with an empty body
  {
    gen: 'regression',
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'text/plain', ...CSRF },
    body: { kind: 'text', text: '{"query":"{ __typename }"}' },
  }, // 415 with an empty body
];
const GET_REGRESSIONS: FuzzRequest[] = [
  get('/graphql?extensions=%7B'), // yoga JSON.parse's GET extensions unguarded
  get('/graphql?query=%7B__typename%7D&variables=%7B'), // … and variables
  get('/graphql/?query=%7B__typename%7D&variables=%7B'), // the same through /graphql/
  get('/health?query=%7B__typename%7D&variables=%7B&z=/graphql'), // … and through any URL ending with /graphql
];

// ----------------------------------------------------------------------------------------------------------------
// Memory: the heap after a warm-up, and at the end. V8's gc is exposed at run time, so the measure is after a full
// collection rather than whatever garbage happens to be around.

function exposedGc(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}
const gc = exposedGc();

/**
 * yoga keeps parsed documents and parse errors in LRU caches of 1,024 entries each (validation results hang off
 * the parsed documents): bounded, but up to about 60 MB when full of fuzzed documents, and how full depends on how
 * long the run was. Both measures are taken with the caches full of tiny documents instead (new ones each time,
 * so that they evict everything), which leaves only growth that is not bounded.
 */
async function flushDocumentCaches(tag: string): Promise<void> {
  for (let i = 0; i < 1_100; i++) {
    await (await api.request({ query: `{ __typename } # ${tag} ${i}` })).text();
    await (await api.request({ query: `{ __typename # ${tag} ${i}` })).text();
  }
}

/** heapUsed after full collections (the least of three); without gc, the least of a few samples after idle turns. */
async function settledHeap(): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < (gc ? 3 : 6); i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 10));
    samples.push(process.memoryUsage().heapUsed);
  }
  return Math.min(...samples);
}

let heapBefore = 0;
let heapAfter = 0;
const started = performance.now();

const everything = fc.oneof(
  { weight: 5, arbitrary: schemaDocumentRequest },
  { weight: 2, arbitrary: variablesRequest },
  { weight: 1, arbitrary: operationsRequest },
  { weight: 1, arbitrary: limitProbeRequest },
  { weight: 4, arbitrary: rawRequest },
  { weight: 2, arbitrary: getRequest },
);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  api = await createTestApi(DATA_DIR, { registry, logger });
  // The generators are built on first use otherwise: in the middle of the run, counted as growth (about 50 MB).
  buildAllGenerators();
  // Warm-up: every code path run once, lazy initialisations done, before the baseline.
  for (const request of fc.sample(everything, { numRuns: 300, seed: SEED + 1 })) {
    const { url, init } = materialize(request);
    await (await api.yoga.fetch(url, init)).text();
  }
  await flushDocumentCaches('before');
  heapBefore = await settledHeap();
}, 60_000);

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  const sorted = <K>(map: Map<K, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  const lines = [
    `fuzz: ${stats.inputs} inputs in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${SEED}, FUZZ_RUNS ${TOTAL_RUNS}${SURVEY ? ', survey' : ''})`,
    `  by generator: ${sorted(stats.byGenerator)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  payloads with data: ${stats.withData}, with errors: ${stats.withErrors}`,
    `  HTTP statuses: ${sorted(stats.statuses)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  ${stats.codes.size} distinct error codes: ${sorted(stats.codes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  valid queries: ${stats.byGenerator.get('valid-query') ?? 0}, with data ${stats.valid.withData}; HTTP ${sorted(
      stats.valid.statuses,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; codes ${sorted(stats.valid.codes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  slowest answer: ${stats.maxLatencyMs.toFixed(0)} ms (${stats.slowest}); /health checked ${stats.healthChecks} times`,
    `  heap: ${(heapBefore / 2 ** 20).toFixed(1)} MB after warm-up, ${(heapAfter / 2 ** 20).toFixed(1)} MB after the run (${((heapAfter - heapBefore) / 2 ** 20).toFixed(1)} MB; gc ${gc ? 'exposed' : 'not exposed'})`,
  ];
  // Asserted in 'memory' below; listed here with their documents.
  for (const { error, request } of unhandled.slice(0, 3)) {
    lines.push(
      `  UNHANDLED REJECTION (${unhandled.length}× in all): ${error}\n    document: ${request.slice(0, 1_500)}`,
    );
  }
  for (const [key, { count, example }] of stats.observations) {
    lines.push(`  observation (${count}×): ${key}\n    e.g. ${example.slice(0, 600)}`);
  }
  for (const [key, { count, example }] of stats.problems) {
    lines.push(`  PROBLEM (${count}×): ${key}\n    smallest: ${example.slice(0, 1_500)}`);
  }
  console.log(lines.join('\n'));
});

describe('fuzzing the GraphQL endpoint (yoga.fetch)', { timeout: LONG ? 1_800_000 : 60_000 }, () => {
  it('answers random documents walked from the schema (valid ones run, broken ones are refused) with coded errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 6, arbitrary: schemaDocumentRequest }, { weight: 1, arbitrary: limitProbeRequest }),
        check,
      ),
      params(runs(0.4)),
    );
  });

  it('answers valid queries within the published limits, boundary arguments included, with data or coded errors; /health stays up', {
    timeout: Math.max(60_000, VALID_RUNS * 20),
  }, async () => {
    let sent = 0;
    const checkAndProbe = async (request: FuzzRequest) => {
      const ok = await check(request);
      if (++sent % HEALTH_EVERY === 0) await expectHealthy();
      return ok;
    };
    await fc.assert(fc.asyncProperty(validQueryRequest, checkAndProbe), params(VALID_RUNS));
    await expectHealthy();
  });

  it('answers variables of wrong types, missing variables and operationName mix-ups with coded errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 3, arbitrary: variablesRequest }, { weight: 1, arbitrary: operationsRequest }),
        check,
      ),
      params(runs(0.2)),
    );
  });

  it('answers random bytes, non-requests, batches, huge bodies, any method, content type and Accept', async () => {
    await fc.assert(fc.asyncProperty(rawRequest, check), params(runs(0.25), RAW_REGRESSIONS));
  });

  it('answers GET query strings (with and without the CSRF header) with coded errors', async () => {
    await fc.assert(fc.asyncProperty(getRequest, check), params(runs(0.1), GET_REGRESSIONS));
  });
});

describe('fuzzing the body limit through the HTTP server', { timeout: LONG ? 600_000 : 60_000 }, () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(testConfig());
  });
  afterAll(async () => {
    await server?.close(1_000);
  });

  /** Sends with node:http: the declared Content-Length, or a chunked body with none. */
  function post(request: FuzzRequest & { chunked: boolean }): Promise<Received> {
    const bytes = request.body ? bodyBytes(request.body) : new Uint8Array();
    const url = new URL(server.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: request.method,
          headers: request.chunked
            ? { ...request.headers, 'transfer-encoding': 'chunked' }
            : { ...request.headers, 'content-length': String(bytes.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      // The server may answer (413) and close before the whole body is written: that is its right.
      req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
      if (request.chunked) {
        req.write(bytes);
        req.end();
      } else req.end(bytes);
    });
  }

  it('refuses bodies over the limit with PAYLOAD_TOO_LARGE and answers the rest like yoga.fetch does', async () => {
    const maxBodyBytes = 102_400; // the default of --max-body-bytes
    await fc.assert(
      fc.asyncProperty(serverBodyRequest, async (request) => {
        stats.inputs++;
        bump(stats.byGenerator, request.gen);
        let received: Received;
        try {
          received = await withTimeout(post(request), 10_000, 'the server');
        } catch (error) {
          return verdict(request, [`the request failed: ${(error as Error).message}`]);
        }
        const problems = problemsOf(request, received);
        const size = request.body ? bodyBytes(request.body).length : 0;
        if (request.method === 'POST' && request.chunked && received.status !== 411) {
          problems.push(`a chunked POST got HTTP ${received.status}, not 411`);
        }
        if (request.method === 'POST' && !request.chunked && size > maxBodyBytes) {
          if (received.status !== 413 || !received.text.includes('PAYLOAD_TOO_LARGE')) {
            problems.push(`a body of ${size} bytes got HTTP ${received.status}, not 413 PAYLOAD_TOO_LARGE`);
          }
        }
        if (request.method === 'POST' && !request.chunked && size <= maxBodyBytes && received.status === 413) {
          problems.push(`a body of ${size} bytes (under the limit) got 413`);
        }
        return verdict(request, problems);
      }),
      params(LONG ? runs(0.01) : 60),
    );
  });
});

describe('memory', () => {
  it('leaves no promise rejection unhandled (in the server, one would end the process)', async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled.map(({ error, request }) => `${error}: ${request.slice(0, 300)}`)).toEqual([]);
  });

  it(`the heap grows by less than 64 MB over the whole run`, async () => {
    await flushDocumentCaches('after');
    heapAfter = await settledHeap();
    expect(heapAfter - heapBefore).toBeLessThan(64 * 2 ** 20);
  });

  /** Values of all the metric series in the registry (a histogram series is one value per bucket, sum, count). */
  async function metricValues(): Promise<number> {
    return (await registry.getMetricsAsJSON()).reduce((n, metric) => n + metric.values.length, 0);
  }

  // The shrunk forms of the heap growth the fuzzer found: a metric label whose value the client chooses makes a
  // new series (a histogram: one value per bucket, plus sum and count) for every value never seen before, kept for
  // the life of the process and printed by every /metrics scrape.
  it('keeps no metric series per distinct URL (query string)', async () => {
    const before = await metricValues();
    for (let i = 0; i < 100; i++) {
      const response = await api.yoga.fetch(`http://localhost/graphql?query=%7B__typename%7D&x=${i}`, {
        headers: { accept: 'application/json', [CSRF_HEADER]: '1' },
      });
      expect(response.status).toBe(200);
      await response.text();
    }
    const added = (await metricValues()) - before;
    console.log(`metrics: 100 GETs with distinct query strings added ${added} series values`);
    expect(added).toBeLessThan(100);
  });

  it('keeps no metric series per distinct operation name', async () => {
    const before = await metricValues();
    for (let i = 0; i < 100; i++) {
      const response = await api.request({ query: `query Fuzz${i} { __typename }` });
      expect(response.status).toBe(200);
      await response.text();
    }
    const added = (await metricValues()) - before;
    console.log(`metrics: 100 POSTs with distinct operation names added ${added} series values`);
    expect(added).toBeLessThan(100);
  });

  it('the limits it relies on are the published ones', () => {
    // The generators aim at these values (limit probes, huge bodies): a change here means revisiting them.
    expect(DEFAULT_LIMITS).toMatchObject({ maxDepth: 20, maxAliases: 10, maxDirectives: 10, maxTokens: 500 });
  });
});

/**
 * How server.ts answers the requests the replay cache may know (GET and POST on the GraphQL endpoint that do not
 * ask for a stream): the body is read first (its bytes are part of the key), a kept answer is replayed, a JSON
 * POST of a known query is answered by the query lane (query-lane.ts), and anything else goes to yoga with that
 * body, as yoga's own node adapter would pass it; the answer is sent and offered to the replay cache. Every other
 * request goes to yoga's node adapter unchanged (server.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendNodeResponse } from '@whatwg-node/server';
import type { SourceHolder } from '../data/reloader.js';
import { ErrorCode, errorBody, JSON_MEDIA_TYPE } from '../errors.js';
import type { RateLimiter } from '../plugins/rate-limit.js';
import type { RequestMetrics } from '../plugins/request-metrics.js';
import type { NewsYoga } from '../yoga.js';
import type { LaneAnswer } from './query-lane.js';
import type { Replay, ReplayCache, ResultNote } from './replay-cache.js';

export interface GraphQLHandlerOptions {
  yoga: NewsYoga;
  holder: SourceHolder;
  replay: ReplayCache;
  rateLimiter: RateLimiter | null;
  metrics: RequestMetrics;
  /** Where an unexpected failure of the pipeline is logged (its details never go to the client). */
  onError: (error: unknown, req: IncomingMessage) => void;
}

/** The whole body of a request (its size was checked from Content-Length before). */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.once('error', reject);
    // Closed before the end: the client went away. ('close' follows every request; after 'end' it must not build
    // an Error, whose stack trace was about 8% of a lane answer's CPU.)
    req.once('close', () => {
      if (!ended) reject(new Error('the request was closed before its body ended'));
    });
  });
}

/** Budget header names as the rate-limit plugin sets them, by their lower-case form. */
const BUDGET_VALUE = {
  'ratelimit-limit': 'limit',
  'ratelimit-remaining': 'remaining',
  'ratelimit-reset': 'reset',
} as const;

/** Media types of answers worth offering to the replay cache. */
const JSON_ANSWER = /^application\/(graphql-response\+)?json\b/;

export function graphqlHandler(options: GraphQLHandlerOptions) {
  const { yoga, holder, replay, rateLimiter, metrics, onError } = options;
  const replaying = replay.enabled;

  /** Sends a kept answer, charged to its client: false when the client's budget is empty (the pipeline refuses it). */
  const sendReplay = (req: IncomingMessage, res: ServerResponse, kept: Replay, started: number): boolean => {
    let budget: Record<'limit' | 'remaining' | 'reset', string> | null = null;
    if (rateLimiter) {
      const client = rateLimiter.identity.ofNodeRequest(req);
      if (rateLimiter.retryAfter(client) > 0) return false;
      budget = rateLimiter.charge(client, kept.cost);
    }
    for (const [name, value] of kept.headers) {
      const filled = value ?? budget?.[BUDGET_VALUE[name as keyof typeof BUDGET_VALUE]];
      if (filled !== undefined) res.setHeader(name, filled);
    }
    res.writeHead(kept.status);
    res.end(kept.body);
    // Only queries have answers kept (a subscription's is a stream, and the API has no mutations).
    metrics.http(req.method as string, kept.status, 'query', (performance.now() - started) / 1000);
    metrics.replayed(kept.status);
    return true;
  };

  /** A Fetch request of a node request whose body has been read, aborted when its client goes away. */
  const fetchRequest = (req: IncomingMessage, res: ServerResponse, body: Buffer | null): Request => {
    const controller = new AbortController();
    const abort = () => controller.abort();
    res.once('close', abort);
    res.once('finish', () => res.off('close', abort));
    return new yoga.fetchAPI.Request(`http://${req.headers.host ?? 'localhost'}${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      signal: controller.signal,
      ...(body === null ? {} : { body: body as Uint8Array<ArrayBuffer> }),
    });
  };

  /** Writes an answer whose body is in hand, and offers it to the replay cache (under `key`, unless null). */
  const sendKept = (
    res: ServerResponse,
    status: number,
    headers: Iterable<[string, string]>,
    body: string,
    note: ResultNote | undefined,
    key: string | null,
    version: string,
  ) => {
    if (res.destroyed) return;
    for (const [name, value] of headers) res.setHeader(name, value);
    res.writeHead(status);
    res.end(body);
    if (key !== null) replay.keep(key, version, note, status, headers, body);
  };

  /** Sends the pipeline's answer; a JSON answer or a 304 is offered to the replay cache. */
  const send = async (
    req: IncomingMessage,
    res: ServerResponse,
    request: Request,
    response: Response,
    key: string | null,
    version: string,
  ) => {
    const { status, headers } = response;
    const offered =
      key !== null && (status === 304 || (status === 200 && JSON_ANSWER.test(headers.get('content-type') ?? '')));
    if (!offered) {
      await sendNodeResponse(response, res, req, true);
      return;
    }
    sendKept(res, status, headers, await response.text(), replay.noteOf(request), key, version);
  };

  /** Sends the query lane's answer, offered to the replay cache. */
  const sendLane = (res: ServerResponse, answer: LaneAnswer, key: string | null, version: string) =>
    sendKept(res, answer.status, answer.headers, answer.body, answer.note, key, version);

  /** An unexpected failure after the pipeline started: logged, and a coded 500 if nothing was sent yet. */
  const fail = (req: IncomingMessage, res: ServerResponse) => (error: unknown) => {
    onError(error, req);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const failure = errorBody(ErrorCode.INTERNAL_SERVER_ERROR, 'Unexpected error.');
    res.writeHead(500, { 'content-type': JSON_MEDIA_TYPE, 'content-length': Buffer.byteLength(failure) });
    res.end(failure);
  };

  const answer = (req: IncomingMessage, res: ServerResponse, body: Buffer | null, started: number) => {
    const version = holder.current().version;
    // No replay while the data cannot be read: a lost database is answered SERVICE_UNAVAILABLE, never from memory.
    const key = replaying && (holder.isAvailable?.() ?? true) ? replay.keyOf(req, body, version) : null;
    const kept = key === null ? undefined : replay.get(key, version);
    if (kept && sendReplay(req, res, kept, started)) return;
    const taken = body === null ? null : yoga.lane.take(req, body);
    if (taken) {
      yoga.lane
        .answer(req, res, taken, started)
        .then((answer) => sendLane(res, answer, key, version))
        .catch(fail(req, res));
      return;
    }
    const request = fetchRequest(req, res, body);
    Promise.resolve(yoga.handleRequest(request, { req, res }))
      .then((response) => send(req, res, request, response, key, version))
      .catch(fail(req, res));
  };

  /** Answers a request the replay cache may know (ReplayCache.candidate). */
  return (req: IncomingMessage, res: ServerResponse, started: number): void => {
    if (req.method !== 'POST') {
      answer(req, res, null, started);
      return;
    }
    readBody(req).then(
      (body) => answer(req, res, body, started),
      // The client went away while sending its body: nothing to answer.
      () => res.destroy(),
    );
  };
}

/**
 * The replay cache: a request identical to one the pipeline answered successfully, under the same data version,
 * is answered with the very response the pipeline made for it (status, headers, body), without running the
 * pipeline again. server.ts consults it before yoga; yoga's plugin here tells it which answers may be kept.
 *
 * Identical means: the same data version, method, request target (path and query string) and body, and the same
 * request headers, all of them, in the same order, except those that change nothing in the answer but whom it is
 * for: `x-request-id` (echoed, set per request), the header that names the client for the budget and
 * `x-forwarded-for` (they choose whose budget pays, which is charged per request, below), and `content-length`,
 * `connection` and `keep-alive` (the transport). So Accept, Accept-Encoding, If-None-Match, Origin (CORS), the
 * CSRF header, Content-Type and anything else a client sends are part of the key: a request that differs in any
 * of them goes through the pipeline. A request that asks for a stream (`text/event-stream`) is never replayed.
 *
 * Kept: answers with status 200 whose result had no error (an error is never replayed: a TIMEOUT or a refusal may
 * not happen next time) and 304 revalidations of the current data version; not streams, not HTML (GraphiQL's page
 * has its own 304s). A new data version empties the cache, and the data version is part of every key, so a reload
 * never replays an answer made from other data. Bounded by entries and bytes (the body, the headers and the key,
 * as BoundedCache counts them).
 *
 * The per-client budget still applies to a replay: the client is charged what the original answer was charged
 * (its `extensions.cost`: actual objects, or requested), a client whose budget is empty goes through the pipeline
 * (which refuses it with 429, as always), and the RateLimit-* headers are the client's own, computed for the
 * replay, in the places the original had them. Answers by hash (APQ) are replayed like any other: a replay never
 * needs the document again, so an answer can outlive its document's place in the APQ store.
 */
import type { IncomingMessage } from 'node:http';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BoundedCache, byteLength } from '../bounded-cache.js';
import { chargedCost } from '../plugins/rate-limit.js';

/** How big the replay cache may grow. */
export interface ReplayCacheLimits {
  /** Most answers kept (0: no replay cache). */
  maxEntries: number;
  /** Most bytes kept, in all (bodies, headers and keys). */
  maxBytes: number;
}

/** The budget headers, which a replay fills for its own client. */
export const BUDGET_HEADERS = new Set(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']);

/** A response as the pipeline made it, to be sent again. */
export interface Replay {
  status: number;
  /** The headers in the order they were sent (names in lower case); a budget header's value is null. */
  headers: [string, string | null][];
  body: Buffer;
  /** What the budget charged for it. */
  cost: number;
}

/** What the pipeline's result said of an answer: whether it may be kept, and what it cost. */
export interface ResultNote {
  replayable: boolean;
  dataVersion: string | undefined;
  cost: number;
}

/** Paths of the GraphQL endpoint (yoga serves it with and without the trailing slash). */
const ENDPOINTS = new Set(['/graphql', '/graphql/']);

/** Media types of the answers kept: GraphQL over HTTP's JSON. */
const JSON_ANSWER = /^application\/(graphql-response\+)?json\b/;

/** The bytes a kept header list and entry take beyond their text: a guess at the arrays and objects around them. */
const ENTRY_OVERHEAD_BYTES = 256;

export class ReplayCache {
  private readonly entries: BoundedCache<Replay>;
  private readonly notes = new WeakMap<Request, ResultNote>();
  /** Request headers left out of the key (lower case). */
  private readonly ignored: Set<string>;
  private version: string | undefined;

  /**
   * `clientHeader` is the header that names the client for the budget (RATE_LIMIT_KEY_HEADER), if any: it changes
   * whose budget pays, not the answer.
   */
  constructor(limits: ReplayCacheLimits, clientHeader: string | null) {
    this.entries = new BoundedCache<Replay>(limits.maxEntries, limits.maxBytes);
    this.ignored = new Set([
      'x-request-id',
      'x-forwarded-for',
      'content-length',
      'connection',
      'keep-alive',
      ...(clientHeader ? [clientHeader.toLowerCase()] : []),
    ]);
  }

  /**
   * Whether a node request could be replayed (a GET or POST on the GraphQL endpoint, not asking for a stream):
   * server.ts then reads its body and asks for its key.
   */
  static candidate(req: IncomingMessage): boolean {
    const { method, url = '' } = req;
    if (method !== 'GET' && method !== 'POST') return false;
    const query = url.indexOf('?');
    if (!ENDPOINTS.has(query === -1 ? url : url.slice(0, query))) return false;
    return !req.headers.accept?.includes('text/event-stream');
  }

  /** The key of a candidate request and its body (null for a GET), under data version `version`. */
  keyOf(req: IncomingMessage, body: Buffer | null, version: string): string {
    let key = `${version}\n${req.method} ${req.url}\n`;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      if (!this.ignored.has(name)) key += `${name}:${raw[i + 1]}\n`;
    }
    // latin1: one character per byte, so two bodies give the same key only when they are the same bytes.
    return body === null ? key : `${key}\n${body.toString('latin1')}`;
  }

  /** The answer kept for `key`, if any; a new data version empties the cache first. */
  get(key: string, version: string): Replay | undefined {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
      return undefined;
    }
    return this.entries.get(key);
  }

  /** What yoga's plugin noted of the result it answered `request` with (none for an answer without a result). */
  noteOf(request: Request): ResultNote | undefined {
    return this.notes.get(request);
  }

  /**
   * Keeps an answer (whose request's key is `key`, made under `version`; `note` is what its result said) if it may
   * be replayed: status 200 from a result without errors, computed from the data of `version`, with a JSON body;
   * or a 304 revalidation of an entity tag of `version`. `headers` are names (any case) with their values.
   * Returns whether it was kept.
   */
  keep(
    key: string,
    version: string,
    note: ResultNote | undefined,
    status: number,
    headers: Iterable<[string, string]>,
    body: string,
  ): boolean {
    if (version !== this.version || !this.enabled) return false;
    // Lower case: a Fetch Headers of whatwg-node iterates names as they were set.
    const listed = Array.from(headers, ([name, value]): [string, string] => [name.toLowerCase(), value]);
    const valueNamed = (name: string) => listed.find(([listedName]) => listedName === name)?.[1];
    let cost = 0;
    if (status === 200) {
      if (!note?.replayable || note.dataVersion !== version) return false;
      if (!JSON_ANSWER.test(valueNamed('content-type') ?? '')) return false;
      cost = note.cost;
    } else if (status === 304) {
      // A tag names the data version it was made for (http-caching.ts): "<version>-<digest>".
      if (!valueNamed('etag')?.startsWith(`"${version}-`)) return false;
    } else {
      return false;
    }
    const kept: [string, string | null][] = [];
    let bytes = ENTRY_OVERHEAD_BYTES + byteLength(body);
    for (const [name, value] of listed) {
      kept.push([name, BUDGET_HEADERS.has(name) ? null : value]);
      bytes += name.length + value.length + 32;
    }
    return this.entries.set(key, { status, headers: kept, body: Buffer.from(body), cost }, bytes);
  }

  /** Whether it keeps anything (a size of 0 turns it off). */
  get enabled(): boolean {
    return this.entries.maxEntries > 0 && this.entries.maxBytes > 0;
  }

  /** Answers kept, and their bytes. */
  get size(): number {
    return this.entries.size;
  }
  get bytes(): number {
    return this.entries.bytes;
  }
  get maxBytes(): number {
    return this.entries.maxBytes;
  }

  /**
   * The yoga plugin that notes, for each request, whether its result may be replayed (one result, not a stream,
   * without errors), its data version and what the budget charges for it (as rate-limit.ts charges it).
   */
  plugin(): Plugin {
    return {
      onResultProcess: ({ request, result }) => {
        if (Array.isArray(result) || Symbol.asyncIterator in result) return;
        this.notes.set(request, resultNote(result as ExecutionResult));
      },
    };
  }
}

/** Whether a result's answer may be replayed (it has no error), its data version, and what the budget charges for it. */
export function resultNote({ errors, extensions }: ExecutionResult): ResultNote {
  return {
    replayable: !errors?.length,
    dataVersion: typeof extensions?.dataVersion === 'string' ? extensions.dataVersion : undefined,
    cost: chargedCost(extensions?.cost),
  };
}

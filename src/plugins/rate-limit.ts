/**
 * The per-client budget, as GitHub and Shopify have: a leaky bucket of cost points per client, charged after
 * execution with what the request cost (`extensions.cost`, from cost.ts), refilled continuously. A request is
 * refused (429 RATE_LIMITED, with Retry-After) only when its client's bucket is already empty before it.
 *
 * Why "at least one point" rather than "room for the requested cost" before execution: the check runs first,
 * in onRequest, before the body is parsed, so a client over its budget costs the server almost nothing (the
 * point of the limit); and the requested cost is an upper bound (every list at its page size), so refusing on it
 * would refuse queries a client can afford. What a request spends beyond the bucket's points becomes debt, paid
 * back by the refill before the next request is served, so concurrent requests cannot overspend for free; the
 * debt is at most one budget (a refused QUERY_TOO_COMPLEX reports a cost far over any budget).
 *
 * The client is the value of the API-key header when one is configured and sent (hashed: never kept or used
 * raw), otherwise its address: the socket's, or through X-Forwarded-For from trusted proxies only
 * (@fastify/proxy-addr). IPv4-mapped IPv6 addresses count as IPv4, and an IPv6 address by its /64 prefix (one
 * host gets a whole /64, so any finer key would give it 2^64 budgets). A request with no address (yoga.fetch
 * in-process) shares one bucket. The buckets are a BoundedCache: least recently charged go first, a full
 * bucket is dropped (it is the same as none), and a request that costs nothing makes none.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyaddr from '@fastify/proxy-addr';
import type { Plugin } from 'graphql-yoga';
import ipaddr from 'ipaddr.js';
import { BoundedCache } from '../bounded-cache.js';
import type { RateLimitSettings } from '../config.js';
import { ErrorCode, errorBody, JSON_MEDIA_TYPE } from '../errors.js';

export interface RateLimitOptions extends RateLimitSettings {
  /** Now, in milliseconds, never going back (default performance.now): tests inject time. */
  clock?: () => number;
}

/** One client's bucket: the points it had at `at` (ms); negative is debt. */
export interface Bucket {
  points: number;
  at: number;
}

/** The response headers (the IETF draft's RateLimit-Limit / -Remaining / -Reset, as draft 6 and most APIs). */
export const RATE_LIMIT_HEADERS = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'];

/**
 * What a bucket takes on the heap, its key aside: measured at about 300 bytes with a 30-character key in a Map
 * of 100,000 (the entry, the bucket, the map's slot). Keys are at most about 40 characters (see clientKey).
 */
const BUCKET_BYTES = 270;
const MAX_KEY_BYTES = 64;

/** The buckets of at most `maxClients` clients. */
export function rateLimitBuckets(maxClients: number): BoundedCache<Bucket> {
  // The entries bound is the one that binds (keys have a bounded length); BoundedCache keeps nothing over a
  // quarter of its bytes, hence at least 4 entries' worth.
  return new BoundedCache<Bucket>(maxClients, Math.max(4, maxClients) * (BUCKET_BYTES + MAX_KEY_BYTES));
}

/** Every client's bucket: `capacity` points, refilled at `refillPerSecond`, times in milliseconds. */
export class ClientBudgets {
  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly buckets: BoundedCache<Bucket>,
  ) {}

  /** The points `key` has at `now`: the whole budget for a client without a bucket. */
  balance(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.capacity;
    const points = bucket.points + (Math.max(0, now - bucket.at) / 1000) * this.refillPerSecond;
    if (points < this.capacity) return points;
    this.buckets.delete(key); // full again: the same as no bucket
    return this.capacity;
  }

  /** Takes `cost` points from `key` at `now` (into debt, at most one budget of it); returns what is left. */
  charge(key: string, cost: number, now: number): number {
    const balance = this.balance(key, now);
    if (cost === 0) return balance; // the bucket as it was: no new bucket, no rounding of the old one
    const points = Math.max(balance - cost, -this.capacity);
    if (points >= this.capacity) this.buckets.delete(key);
    else this.buckets.set(key, { points, at: now }, BUCKET_BYTES);
    return points;
  }

  /** Whole seconds the refill takes to give back `points` (rounded up). */
  seconds(points: number): number {
    return Math.ceil(points / this.refillPerSecond);
  }
}

/** What opening a subscription costs: the one object each of its events carries. */
export const SUBSCRIPTION_COST = 1;

/** The cost a response is charged: the objects it really returned when the cost plugin reports them, else its requested cost. */
export function chargedCost(cost: unknown): number {
  const { actual, requested } = (cost ?? {}) as { actual?: unknown; requested?: unknown };
  const points = actual ?? requested;
  return typeof points === 'number' && Number.isFinite(points) && points > 0 ? points : 0;
}

const hashed = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** The key of an address: IPv4 as is, IPv6 by its /64 prefix, anything else (a proxy's odd header) hashed. */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return `addr:${hashed(address)}`;
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return `ip:${ip.toString()}`;
  const prefix = (ip as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `ip:${prefix.join(':')}::/64`;
}

/** Requests with no address (in-process, through yoga.fetch) share this key. */
export const NO_ADDRESS_KEY = 'no-address';

/**
 * Who sent a request, as the budget and the subscription limits count clients: the value of the API-key header
 * when one is configured and sent (hashed), otherwise the address (the socket's, or the nearest untrusted one in
 * X-Forwarded-For when the socket is a trusted proxy), or NO_ADDRESS_KEY for a request with no socket.
 */
export class ClientIdentity {
  private readonly keyHeader: string | null;
  private readonly trust: ((address: string, index: number) => boolean) | null;

  constructor(settings: Pick<RateLimitSettings, 'keyHeader' | 'trustedProxies'>) {
    this.keyHeader = settings.keyHeader || null;
    this.trust = settings.trustedProxies.length > 0 ? proxyaddr.compile(settings.trustedProxies) : null;
  }

  /** The header that names the client (lower case), or null: it changes no answer, only whose budget pays. */
  get header(): string | null {
    return this.keyHeader;
  }

  /** The client of a node request (server.ts answers some requests before yoga). */
  ofNodeRequest(req: IncomingMessage): string {
    const apiKey = this.keyHeader && req.headers[this.keyHeader];
    if (typeof apiKey === 'string' && apiKey) return `key:${hashed(apiKey)}`;
    return this.ofAddress(req);
  }

  /** The client of a Fetch request, with the node request in its server context when it came over HTTP. */
  of(request: Request, serverContext: { req?: IncomingMessage }): string {
    const apiKey = this.keyHeader && request.headers.get(this.keyHeader);
    if (apiKey) return `key:${hashed(apiKey)}`;
    return this.ofAddress(serverContext.req);
  }

  private ofAddress(req: IncomingMessage | undefined): string {
    if (!req?.socket?.remoteAddress) return NO_ADDRESS_KEY;
    return addressKey(this.trust ? proxyaddr(req, this.trust) : req.socket.remoteAddress);
  }
}

/** The budget headers of an answer (the IETF draft's RateLimit-Limit, -Remaining and -Reset). */
export interface BudgetHeaders {
  limit: string;
  remaining: string;
  reset: string;
}

/**
 * The per-client budget, as the plugin applies it and the replay cache (src/http/replay-cache.ts) applies it to
 * the answers it replays: one set of buckets, one clock, one way of naming clients.
 */
export class RateLimiter {
  readonly identity: ClientIdentity;
  readonly capacity: number;
  readonly refillPerSecond: number;
  private readonly budgets: ClientBudgets;
  private readonly clock: () => number;

  constructor(
    options: RateLimitOptions,
    readonly buckets: BoundedCache<Bucket>,
  ) {
    this.capacity = options.points;
    this.refillPerSecond = options.refillPerSecond;
    this.clock = options.clock ?? (() => performance.now());
    this.identity = new ClientIdentity(options);
    this.budgets = new ClientBudgets(this.capacity, this.refillPerSecond, buckets);
  }

  /** Whole seconds until `client` may be served, or 0 when it may be now (it has a point left). */
  retryAfter(client: string): number {
    const available = this.budgets.balance(client, this.clock());
    // One point, give or take the rounding of fractions of a second: a client that waited Retry-After is served.
    if (available >= 1 - 1e-9) return 0;
    return Math.max(1, this.budgets.seconds(1 - available));
  }

  /** Takes `cost` points from `client` (its answer has been made) and returns its answer's budget headers. */
  charge(client: string, cost: number): BudgetHeaders {
    const remaining = this.budgets.charge(client, cost, this.clock());
    return {
      limit: String(this.capacity),
      remaining: String(Math.max(0, Math.floor(remaining))),
      reset: String(this.budgets.seconds(this.capacity - remaining)),
    };
  }

  /** The 429 answer of a client that must wait `retryAfter` seconds. */
  refusal(retryAfter: number): { body: string; headers: Record<string, string> } {
    const { capacity, refillPerSecond } = this;
    return {
      body: errorBody(
        ErrorCode.RATE_LIMITED,
        `This client has spent its budget of ${capacity} cost points, which refills at ${refillPerSecond} points a second: retry in ${retryAfter} s.`,
        { limit: capacity, refillPerSecond, retryAfter },
      ),
      headers: { 'content-type': JSON_MEDIA_TYPE, 'retry-after': String(retryAfter) },
    };
  }
}

export function rateLimitPlugin(limiter: RateLimiter, onRefuse: (code: string) => void = () => {}): Plugin {
  let endpoint = '/graphql';
  /** The client and the cost of each request on the GraphQL endpoint, from its start to its response. */
  const requests = new WeakMap<Request, { key: string; cost: number }>();

  return {
    onYogaInit: ({ yoga }) => {
      endpoint = yoga.graphqlEndpoint;
    },
    onRequest: ({ request, url, serverContext, endResponse, fetchAPI }) => {
      // The GraphQL endpoint only (yoga also serves it with a trailing slash): /health, /ready and /metrics are
      // for load balancers and scrapers, whatever their address spent.
      if (url.pathname !== endpoint && url.pathname !== `${endpoint}/`) return;
      const key = limiter.identity.of(request, serverContext as { req?: IncomingMessage });
      requests.set(request, { key, cost: 0 });
      const retryAfter = limiter.retryAfter(key);
      if (retryAfter === 0) return;
      onRefuse(ErrorCode.RATE_LIMITED);
      const { body, headers } = limiter.refusal(retryAfter);
      endResponse(new fetchAPI.Response(body, { status: 429, headers }));
    },
    onResultProcess: ({ request, result }) => {
      const state = requests.get(request);
      if (!state || Array.isArray(result)) return;
      // A subscription is charged when it opens, before its first event: its events are not priced one by one
      // (the subscription limits bound how many a client keeps open).
      state.cost = Symbol.asyncIterator in result ? SUBSCRIPTION_COST : chargedCost(result.extensions?.cost);
    },
    onResponse: ({ request, response }) => {
      const state = requests.get(request);
      if (!state) return;
      const { limit, remaining, reset } = limiter.charge(state.key, state.cost);
      response.headers.set('RateLimit-Limit', limit);
      response.headers.set('RateLimit-Remaining', remaining);
      response.headers.set('RateLimit-Reset', reset);
    },
  };
}

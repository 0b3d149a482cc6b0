/**
 * HTTP caching of GET queries: an `ETag`, `Cache-Control` and `Vary` on every successful GET answer, and 304 Not
 * Modified (no body) to a revalidation whose `If-None-Match` names the current tag. POST answers get none of it:
 * HTTP caches do not reuse them, and a client that wants HTTP caching sends its query by GET (or by hash, see
 * persisted-queries.ts).
 */
import { createHash } from 'node:crypto';
import type { FetchAPI, Plugin } from 'graphql-yoga';
import type { SourceHolder } from '../data/reloader.js';
import { CSRF_HEADER } from './graphql-over-http.js';

/** How long clients and shared caches may reuse an answer. */
export interface HttpCacheSettings {
  /** `max-age`: seconds an answer is fresh (0: revalidate every time, at the cost of a 304). */
  maxAgeSeconds: number;
  /** `stale-while-revalidate`: seconds a cache may serve a stale answer while it revalidates it. */
  staleWhileRevalidateSeconds: number;
}

/** The GraphQL parameters of a GET, in the URL (GraphQL over HTTP). */
const GET_PARAMETERS = ['query', 'operationName', 'variables', 'extensions'] as const;

/** Headers that describe a body, which a 304 has not. */
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding']);

/** Paths of the GraphQL endpoint (yoga serves it with and without the trailing slash). */
const ENDPOINTS = new Set(['/graphql', '/graphql/']);

/**
 * The request headers an answer depends on, beside its URL: `Accept` chooses the media type (and the status of
 * some errors); `Content-Type` and the CSRF header decide whether a GET is refused (403). Only `Accept` is in
 * `Vary`: the other two decide between an answer and a refusal, and a refusal is never stored.
 */
function headerInputs(request: Request): [string, string, boolean] {
  return [
    request.headers.get('accept') ?? '',
    request.headers.get('content-type') ?? '',
    request.headers.has(CSRF_HEADER),
  ];
}

/**
 * What, beside the data and the request, decides an answer: the printed schema and the settings that refuse or
 * change answers (`parts`), hashed when first needed, once (it is part of every ETag).
 */
export function serverFingerprint(parts: () => unknown[]): () => string {
  let fingerprint: string | undefined;
  return () => {
    fingerprint ??= createHash('sha256').update(JSON.stringify(parts())).digest('base64url');
    return fingerprint;
  };
}

/**
 * The entity tag of the answer to a GET: the data version, then a SHA-256 of everything else the answer depends
 * on: the server's fingerprint (schema and settings), the four GraphQL parameters exactly as sent, and the
 * request headers above. A reload (a new data version) changes every tag; a parameter the server ignores
 * (`?_=cachebuster`) does not.
 */
export function entityTag(dataVersion: string, fingerprint: string, url: URL, request: Request): string {
  const inputs = [fingerprint, ...GET_PARAMETERS.map((name) => url.searchParams.get(name)), ...headerInputs(request)];
  const digest = createHash('sha256').update(JSON.stringify(inputs)).digest('base64url');
  return `"${dataVersion}-${digest}"`;
}

/**
 * Whether an `If-None-Match` value matches `tag` (RFC 9110 §13.1.2): `*`, or a comma-separated list of entity
 * tags, compared weakly (`W/"x"` matches `"x"`), as the RFC requires for If-None-Match.
 */
export function noneMatchMatches(ifNoneMatch: string, tag: string): boolean {
  const opaque = tag.replace(/^W\//, '');
  for (const listed of ifNoneMatch.split(',')) {
    const candidate = listed.trim();
    if (candidate === '*' || candidate.replace(/^W\//, '') === opaque) return true;
  }
  return false;
}

/**
 * The HTTP caching of GET queries. A successful answer (status 200 and no error) gets its `ETag`, `Cache-Control:
 * public, max-age=…, stale-while-revalidate=…` and `Vary: Accept`; an answer with any error gets `Cache-Control:
 * no-store` (a TIMEOUT or a refusal may not happen next time, and an error is never worth keeping).
 *
 * A revalidation (`If-None-Match`) is answered before the request is parsed when it names the tag the request
 * would get under the data served now: a tag is only ever issued for a successful answer, and everything the
 * answer depends on is in the tag, so the answer would be the same bytes. `If-None-Match: *` is answered after
 * execution (304 when the answer is a success). `fingerprint` names the schema and the settings that change
 * answers (limits, introspection, accepted operations), so a server restarted with other settings issues other
 * tags.
 */
export function httpCachingPlugin(
  holder: SourceHolder,
  settings: HttpCacheSettings,
  fingerprint: () => string,
): Plugin {
  const cacheControl = `public, max-age=${settings.maxAgeSeconds}, stale-while-revalidate=${settings.staleWhileRevalidateSeconds}`;
  /** The data version of each GET's successful answer (null: the answer had errors). */
  const answered = new WeakMap<Request, string | null>();
  /** A 304 carries the headers the 200 would have (RFC 9110 §15.4.5), without the body's. */
  const notModified = (fetchAPI: FetchAPI, tag: string, answer?: Response) => {
    const headers = new fetchAPI.Headers();
    for (const [name, value] of answer?.headers ?? []) {
      if (!BODY_HEADERS.has(name.toLowerCase())) headers.append(name, value);
    }
    headers.set('etag', tag);
    headers.set('cache-control', cacheControl);
    appendVary(headers, 'Accept');
    return new fetchAPI.Response(null, { status: 304, headers });
  };

  return {
    onRequest: ({ request, url, endResponse, fetchAPI }) => {
      if (request.method !== 'GET' || !ENDPOINTS.has(url.pathname)) return;
      const ifNoneMatch = request.headers.get('if-none-match');
      if (!ifNoneMatch || ifNoneMatch.trim() === '*') return;
      if (!url.searchParams.has('query') && !url.searchParams.has('extensions')) return;
      const tag = entityTag(holder.current().version, fingerprint(), url, request);
      if (noneMatchMatches(ifNoneMatch, tag)) endResponse(notModified(fetchAPI, tag));
    },
    onResultProcess: ({ request, result }) => {
      if (request.method !== 'GET') return;
      if (Array.isArray(result) || Symbol.asyncIterator in result) {
        answered.set(request, null);
        return;
      }
      const version = result.extensions?.dataVersion;
      answered.set(request, result.errors?.length || typeof version !== 'string' ? null : version);
    },
    onResponse: ({ request, response, setResponse, fetchAPI }) => {
      if (request.method !== 'GET' || response.status === 304) return;
      const url = new URL(request.url, 'http://localhost');
      if (!ENDPOINTS.has(url.pathname) || !response.headers.get('content-type')?.includes('json')) return;
      const version = answered.get(request);
      if (response.status !== 200 || typeof version !== 'string') {
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const tag = entityTag(version, fingerprint(), url, request);
      const ifNoneMatch = request.headers.get('if-none-match');
      if (ifNoneMatch && noneMatchMatches(ifNoneMatch, tag)) {
        setResponse(notModified(fetchAPI, tag, response));
        return;
      }
      response.headers.set('etag', tag);
      response.headers.set('cache-control', cacheControl);
      appendVary(response.headers, 'Accept');
    },
  };
}

/** Adds `name` to the response's `Vary` unless it is there. */
function appendVary(headers: Headers, name: string): void {
  const vary = headers.get('vary');
  if (vary?.split(',').some((listed) => listed.trim().toLowerCase() === name.toLowerCase())) return;
  headers.set('vary', vary ? `${vary}, ${name}` : name);
}

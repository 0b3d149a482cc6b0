/** CORS with an exact allow-list of origins. */
import type { CORSOptions, Plugin } from 'graphql-yoga';
import { CSRF_HEADER } from './graphql-over-http.js';
import { RATE_LIMIT_HEADERS } from './rate-limit.js';

/**
 * CORS with an exact allow-list: an allowed origin is echoed; any other origin (including "null", which
 * sandboxed frames and file: pages send) gets no Access-Control-Allow-Origin at all. Never credentials.
 * With an allow-list every answer depends on the request's Origin, so every answer says `Vary: Origin`
 * (varyOnOriginPlugin): a shared cache must not give one origin's answer to another.
 */
export function corsFor(origins: string[]) {
  const allowAll = origins.includes('*');
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!allowAll && (!origin || !origins.includes(origin))) return false as unknown as CORSOptions;
    return {
      origin: allowAll ? '*' : (origin as string),
      methods: ['GET', 'POST'],
      credentials: false,
      allowedHeaders: ['content-type', CSRF_HEADER, 'x-request-id'],
      // A dashboard on another origin can read its budget and back off.
      exposedHeaders: RATE_LIMIT_HEADERS,
    } satisfies CORSOptions;
  };
}

/** Adds `Vary: Origin` to every response (CORS with an allow-list: the answer's headers depend on the Origin). */
export function varyOnOriginPlugin(): Plugin {
  return {
    onResponse: ({ response }) => {
      const vary = response.headers.get('vary');
      if (!vary?.split(',').some((name) => name.trim().toLowerCase() === 'origin')) {
        response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
      }
    },
  };
}

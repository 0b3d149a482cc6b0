/**
 * The GraphiQL page (about 9 MB: GraphiQL's code is inlined) sent compressed, brotli or gzip as the browser
 * accepts, and revalidated with an ETag: a second visit costs a 304. The compressed bodies are made once per
 * process, in zlib's thread pool, when the page is first asked for (compressed-bodies.ts); until they are ready the
 * page goes uncompressed, so no visit waits for them.
 */
import type { Plugin } from 'graphql-yoga';
import { answerWith, type CompressedBody, compressedBody } from './compressed-bodies.js';

const bodiesByPage = new Map<string, CompressedBody>();

function bodyOf(page: string): CompressedBody {
  let body = bodiesByPage.get(page);
  if (!body) {
    body = compressedBody(page);
    bodiesByPage.set(page, body);
  }
  return body;
}

/**
 * yoga renders GraphiQL for a GET to the endpoint that accepts text/html; this replaces that answer with the
 * page's best variant for the request's Accept-Encoding, with its ETag, `Cache-Control: no-cache` (kept, but
 * revalidated on every visit: a new version of the server may bring another page under the same URL) and `Vary:
 * Accept, Accept-Encoding`. An `If-None-Match` naming any of the page's tags is a 304 with no body. Other HTML
 * answers (the dashboard's) are left alone.
 */
export function graphiqlPagePlugin(page: () => string): Plugin {
  let endpoint = '/graphql';
  return {
    onYogaInit: ({ yoga }) => {
      endpoint = yoga.graphqlEndpoint;
    },
    onResponse: ({ request, response, setResponse, fetchAPI }) => {
      if (request.method !== 'GET' || response.status !== 200) return;
      if (!response.headers.get('content-type')?.startsWith('text/html')) return;
      const { pathname } = new URL(request.url);
      if (pathname !== endpoint && pathname !== `${endpoint}/`) return;
      const headers = new fetchAPI.Headers();
      for (const [name, value] of response.headers) {
        if (!['content-length', 'content-encoding'].includes(name.toLowerCase())) headers.set(name, value);
      }
      headers.set('cache-control', 'no-cache');
      setResponse(answerWith(request, bodyOf(page()), headers, fetchAPI, ['Accept']));
    },
  };
}

/**
 * The GraphiQL page (about 9 MB: GraphiQL's code is inlined) sent compressed, brotli or gzip as the browser
 * accepts, and revalidated with an ETag: a second visit costs a 304. The compressed bodies are made once per
 * process, in zlib's thread pool, when the page is first asked for; until they are ready the page goes
 * uncompressed, so no visit waits for them.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

/** The page's bodies, one per content coding, and their entity tags. */
interface PageVariants {
  identity: { body: Buffer<ArrayBuffer>; tag: string };
  br?: { body: Buffer<ArrayBuffer>; tag: string };
  gzip?: { body: Buffer<ArrayBuffer>; tag: string };
}

/**
 * Brotli quality 5 and gzip level 6: about 2.0 MB and 2.4 MB from 9.1 MB, each in a second or two of one thread
 * pool worker (quality 11 takes a minute for 12% less).
 */
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 6;

const variantsByPage = new Map<string, PageVariants>();

function variantsOf(page: string): PageVariants {
  let variants = variantsByPage.get(page);
  if (variants) return variants;
  const body = Buffer.from(page, 'utf8') as Buffer<ArrayBuffer>;
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 32);
  const made: PageVariants = { identity: { body, tag: `"${digest}"` } };
  variants = made;
  variantsByPage.set(page, made);
  promisify(brotliCompress)(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }).then(
    (compressed) => {
      made.br = { body: compressed as Buffer<ArrayBuffer>, tag: `"${digest}-br"` };
    },
    () => undefined, // never: the input is a buffer in memory; the page then goes uncompressed
  );
  promisify(gzip)(body, { level: GZIP_LEVEL }).then(
    (compressed) => {
      made.gzip = { body: compressed as Buffer<ArrayBuffer>, tag: `"${digest}-gzip"` };
    },
    () => undefined,
  );
  return variants;
}

/** The content codings an Accept-Encoding value accepts (q > 0), by name; `*` accepts any not named. */
export function acceptedCodings(acceptEncoding: string | null): (coding: 'br' | 'gzip') => boolean {
  const weights = new Map<string, number>();
  for (const item of (acceptEncoding ?? '').split(',')) {
    const [name, ...parameters] = item.split(';').map((part) => part.trim().toLowerCase());
    if (!name) continue;
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const weight = q ? Number(q.slice(2)) : 1;
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  return (coding) => (weights.get(coding) ?? weights.get('*') ?? 0) > 0;
}

/**
 * yoga renders GraphiQL for a GET to the endpoint that accepts text/html; this replaces that answer with the
 * page's best variant for the request's Accept-Encoding, with its ETag, `Cache-Control: no-cache` (kept, but
 * revalidated on every visit: a new version of the server may bring another page under the same URL) and `Vary:
 * Accept, Accept-Encoding`. An `If-None-Match` naming any of the page's tags is a 304 with no body.
 */
export function graphiqlPagePlugin(page: () => string): Plugin {
  return {
    onResponse: ({ request, response, setResponse, fetchAPI }) => {
      if (request.method !== 'GET' || response.status !== 200) return;
      if (!response.headers.get('content-type')?.startsWith('text/html')) return;
      const variants = variantsOf(page());
      const accepts = acceptedCodings(request.headers.get('accept-encoding'));
      const [coding, variant] =
        variants.br && accepts('br')
          ? (['br', variants.br] as const)
          : variants.gzip && accepts('gzip')
            ? (['gzip', variants.gzip] as const)
            : ([null, variants.identity] as const);
      const headers = new fetchAPI.Headers();
      for (const [name, value] of response.headers) {
        if (!['content-length', 'content-encoding'].includes(name.toLowerCase())) headers.set(name, value);
      }
      headers.set('cache-control', 'no-cache');
      headers.set('vary', 'Accept, Accept-Encoding');
      const ifNoneMatch = request.headers.get('if-none-match');
      const tags = [variants.identity, variants.br, variants.gzip].flatMap((v) => (v ? [v.tag] : []));
      const matched = ifNoneMatch
        ?.split(',')
        .map((tag) => tag.trim().replace(/^W\//, ''))
        .find((tag) => tags.includes(tag));
      if (matched) {
        for (const name of ['content-type', 'Content-Type']) headers.delete(name);
        headers.set('etag', matched);
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      headers.set('etag', variant.tag);
      headers.set('content-length', String(variant.body.length));
      if (coding) headers.set('content-encoding', coding);
      setResponse(new fetchAPI.Response(variant.body, { status: 200, headers }));
    },
  };
}

/**
 * Bodies the server makes once and sends many times (the GraphiQL page, the dashboard's page and assets): each
 * compressed with brotli and gzip once per process, in zlib's thread pool, and answered with the best variant for
 * the request's Accept-Encoding, an ETag per variant and 304 on revalidation. Until a compressed variant is ready
 * the body goes uncompressed, so no request waits for the compression.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FetchAPI } from 'graphql-yoga';

interface Variant {
  body: Buffer<ArrayBuffer>;
  tag: string;
}

/** One body and its variants, one per content coding, each with its entity tag. */
export interface CompressedBody {
  identity: Variant;
  br?: Variant;
  gzip?: Variant;
}

export interface CompressionLevels {
  /** Brotli quality, 0–11. */
  brotli: number;
  /** Gzip level, 1–9. */
  gzip: number;
}

/**
 * Brotli quality 5 and gzip level 6: the GraphiQL page (9.1 MB) goes to about 2.0 MB and 2.4 MB, each in a second
 * or two of one thread pool worker (quality 11 takes a minute for 12% less). Small bodies can afford quality 11.
 */
export const DEFAULT_LEVELS: CompressionLevels = { brotli: 5, gzip: 6 };

/** The body with its compression started (in the background); its variants appear as they are made. */
export function compressedBody(content: string | Buffer, levels: CompressionLevels = DEFAULT_LEVELS): CompressedBody {
  const body = (typeof content === 'string' ? Buffer.from(content, 'utf8') : content) as Buffer<ArrayBuffer>;
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 32);
  const made: CompressedBody = { identity: { body, tag: `"${digest}"` } };
  promisify(brotliCompress)(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: levels.brotli, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  }).then(
    (compressed) => {
      made.br = { body: compressed as Buffer<ArrayBuffer>, tag: `"${digest}-br"` };
    },
    () => undefined, // never: the input is a buffer in memory; the body then goes uncompressed
  );
  promisify(gzip)(body, { level: levels.gzip }).then(
    (compressed) => {
      made.gzip = { body: compressed as Buffer<ArrayBuffer>, tag: `"${digest}-gzip"` };
    },
    () => undefined,
  );
  return made;
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

/** Headers that describe a body, which a 304 has not. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding'];

/**
 * The answer to `request` (a GET or HEAD) with the best variant of `body` for its Accept-Encoding, `headers`
 * added (Content-Type, Cache-Control, ...), `Vary: Accept-Encoding` (plus `vary`), and the variant's ETag. An
 * `If-None-Match` naming any of the body's tags is a 304 with no body. A HEAD gets the headers alone.
 */
export function answerWith(
  request: Request,
  body: CompressedBody,
  headers: Headers,
  fetchAPI: FetchAPI,
  vary: string[] = [],
): Response {
  const accepts = acceptedCodings(request.headers.get('accept-encoding'));
  const [coding, variant] =
    body.br && accepts('br')
      ? (['br', body.br] as const)
      : body.gzip && accepts('gzip')
        ? (['gzip', body.gzip] as const)
        : ([null, body.identity] as const);
  headers.set('vary', [...vary, 'Accept-Encoding'].join(', '));
  const tags = [body.identity, body.br, body.gzip].flatMap((v) => (v ? [v.tag] : []));
  const matched = request.headers
    .get('if-none-match')
    ?.split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .find((tag) => tags.includes(tag));
  if (matched) {
    for (const name of BODY_HEADERS) headers.delete(name);
    headers.set('etag', matched);
    return new fetchAPI.Response(null, { status: 304, headers });
  }
  headers.set('etag', variant.tag);
  headers.set('content-length', String(variant.body.length));
  if (coding) headers.set('content-encoding', coding);
  else headers.delete('content-encoding');
  return new fetchAPI.Response(request.method === 'HEAD' ? null : variant.body, { status: 200, headers });
}

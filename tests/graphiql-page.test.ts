/** The GraphiQL page (src/plugins/graphiql-page.ts): compressed as the browser accepts, revalidated with a 304. */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_OPTIONS, memoizedGraphiQL } from '../src/graphiql.js';
import { createTestApi } from './helpers.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
const page = memoizedGraphiQL(GRAPHIQL_OPTIONS);

function open(headers: Record<string, string> = {}) {
  return api.yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html', ...headers } });
}

beforeAll(async () => {
  api = await createTestApi();
  // The first visit starts the compression; wait (bounded) until the compressed page is served.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await open({ 'accept-encoding': 'br, gzip' });
    await response.arrayBuffer();
    if (response.headers.get('content-encoding') === 'br') {
      const gzipped = await open({ 'accept-encoding': 'gzip' });
      await gzipped.arrayBuffer();
      if (gzipped.headers.get('content-encoding') === 'gzip') return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the compressed GraphiQL page was not ready within 60 s');
}, 70_000);

describe('the GraphiQL page', () => {
  it('is sent with brotli or gzip, per Accept-Encoding, and decompresses to the same page', async () => {
    const br = await open({ 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toBe('text/html');
    const brBody = Buffer.from(await br.arrayBuffer());
    expect(Number(br.headers.get('content-length'))).toBe(brBody.length);
    expect(brBody.length).toBeLessThan(Buffer.byteLength(page) / 3);
    expect(brotliDecompressSync(brBody).toString('utf8')).toBe(page);

    const gz = await open({ 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')).toBe(page);

    for (const acceptEncoding of [undefined, 'identity', 'br;q=0, gzip;q=0']) {
      const plain = await open(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      expect(plain.headers.get('content-encoding'), acceptEncoding).toBeNull();
      expect(await plain.text()).toBe(page);
    }
  });

  it('has an ETag per coding, Cache-Control: no-cache and Vary; a revalidation is a 304 with no body', async () => {
    const br = await open({ 'accept-encoding': 'br' });
    const gz = await open({ 'accept-encoding': 'gzip' });
    const tags = [br.headers.get('etag'), gz.headers.get('etag')];
    expect(tags[0]).toMatch(/^"[A-Za-z0-9_-]+-br"$/);
    expect(tags[1]).toMatch(/^"[A-Za-z0-9_-]+-gzip"$/);
    expect(br.headers.get('cache-control')).toBe('no-cache');
    expect(br.headers.get('vary')).toBe('Accept, Accept-Encoding');
    const revalidated = await open({ 'accept-encoding': 'br', 'if-none-match': `W/${tags[0]}` });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect(revalidated.headers.get('etag')).toBe(tags[0]);
    expect(revalidated.headers.get('content-encoding')).toBeNull();
    const changed = await open({ 'accept-encoding': 'br', 'if-none-match': '"another-page"' });
    expect(changed.status).toBe(200);
    expect(brotliDecompressSync(Buffer.from(await changed.arrayBuffer())).toString('utf8')).toBe(page);
  });

  it('leaves GraphQL answers alone', async () => {
    const response = await api.request(
      { query: '{ stats { articles } }' },
      {
        headers: { 'content-type': 'application/json', 'accept-encoding': 'br' },
      },
    );
    expect(response.headers.get('content-encoding')).toBeNull();
    expect((await response.json()).data).toEqual({ stats: { articles: 2 } });
  });
});

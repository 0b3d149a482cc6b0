/** Bodies made once and sent many times (src/plugins/compressed-bodies.ts): codings, tags, 304 and HEAD. */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { acceptedCodings, answerWith, type CompressedBody, compressedBody } from '../src/plugins/compressed-bodies.js';

const fetchAPI = { Response, Headers } as unknown as Parameters<typeof answerWith>[3];

async function ready(body: CompressedBody): Promise<CompressedBody> {
  const deadline = Date.now() + 10_000;
  while (!(body.br && body.gzip)) {
    if (Date.now() > deadline) throw new Error('the compressed variants were not made within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return body;
}

function get(headers: Record<string, string> = {}, method = 'GET') {
  return new Request('http://localhost/x', { method, headers });
}

describe('a compressed body', () => {
  const text = 'newsgraph '.repeat(2_000);

  it('goes uncompressed until its variants are made, then as each request accepts', async () => {
    const body = compressedBody(text, { brotli: 11, gzip: 9 });
    const early = answerWith(get({ 'accept-encoding': 'br' }), body, new Headers(), fetchAPI);
    // Made in the thread pool: not before this turn of the event loop ends.
    expect(early.headers.get('content-encoding')).toBeNull();
    expect(await early.text()).toBe(text);
    await ready(body);
    const br = answerWith(get({ 'accept-encoding': 'gzip, br' }), body, new Headers(), fetchAPI);
    expect(br.headers.get('content-encoding')).toBe('br');
    const brBytes = Buffer.from(await br.arrayBuffer());
    expect(Number(br.headers.get('content-length'))).toBe(brBytes.length);
    expect(brBytes.length).toBeLessThan(text.length / 20);
    expect(brotliDecompressSync(brBytes).toString()).toBe(text);
    const gz = answerWith(get({ 'accept-encoding': 'gzip' }), body, new Headers(), fetchAPI);
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(text);
    const plain = answerWith(get(), body, new Headers(), fetchAPI);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(text);
  });

  it('has a tag per coding and answers a revalidation naming any of them with a 304 without a body', async () => {
    const body = await ready(compressedBody(text));
    const headers = () => new Headers({ 'content-type': 'text/plain', 'cache-control': 'no-cache' });
    const br = answerWith(get({ 'accept-encoding': 'br' }), body, headers(), fetchAPI, ['Accept']);
    const tag = br.headers.get('etag');
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{32}-br"$/);
    expect(br.headers.get('vary')).toBe('Accept, Accept-Encoding');
    const revalidated = answerWith(
      get({ 'accept-encoding': 'br', 'if-none-match': `"other", W/${tag}` }),
      body,
      headers(),
      fetchAPI,
    );
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(tag);
    expect(revalidated.headers.get('content-type')).toBeNull();
    expect(revalidated.headers.get('content-encoding')).toBeNull();
    expect(revalidated.headers.get('cache-control')).toBe('no-cache');
    expect(await revalidated.text()).toBe('');
    const stale = answerWith(get({ 'if-none-match': '"other"' }), body, headers(), fetchAPI);
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(text);
  });

  it('answers a HEAD with the headers of the GET and no body', async () => {
    const body = await ready(compressedBody(text));
    const head = answerWith(get({ 'accept-encoding': 'gzip' }, 'HEAD'), body, new Headers(), fetchAPI);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-encoding')).toBe('gzip');
    expect(Number(head.headers.get('content-length'))).toBe(body.gzip?.body.length);
    expect(await head.text()).toBe('');
  });
});

describe('Accept-Encoding', () => {
  it.each([
    ['gzip, br', 'br', true],
    ['gzip;q=1.0, br;q=0', 'br', false],
    ['gzip;q=0.5', 'gzip', true],
    ['*', 'gzip', true],
    ['*;q=0, gzip', 'br', false],
    ['identity', 'gzip', false],
    ['', 'gzip', false],
    ['br;q=abc', 'br', false],
  ] as const)('%j accepts %s: %s', (header, coding, accepted) => {
    expect(acceptedCodings(header)(coding)).toBe(accepted);
  });
});

/**
 * The dashboard's page and assets (src/plugins/dashboard-page.ts), through HTTP requests to the yoga instance: the
 * page with its Content-Security-Policy, the assets it names, compressed as the browser accepts, revalidated with a
 * 304, nothing from another origin; the bad paths (an unknown file, another method, a dashboard not built).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../scripts/build-dashboard.js';
import { loadStore } from '../src/data/load-store.js';
import type { MemoryStore } from '../src/data/memory/memory-store.js';
import { DASHBOARD_CSP } from '../src/plugins/dashboard-page.js';
import { DATA_DIR, testApp } from './helpers.js';

const outDir = mkdtempSync(path.join(tmpdir(), 'newsgraph-dashboard-'));
let store: MemoryStore;
let yoga: ReturnType<typeof testApp>['yoga'];
/** The built files, by path under /dashboard/. */
let assets: { path: string; content: Buffer }[];
let page: string;

function get(pathAndQuery: string, headers: Record<string, string> = {}, method = 'GET') {
  return yoga.fetch(`http://localhost${pathAndQuery}`, { method, headers });
}

beforeAll(async () => {
  const built = await buildDashboard(outDir);
  store = await loadStore(DATA_DIR);
  yoga = testApp(store, { dashboardDir: outDir }).yoga;
  page = readFileSync(path.join(outDir, 'index.html'), 'utf8');
  assets = built
    .filter((file) => file.file.startsWith('assets/'))
    .map((file) => ({ path: `/dashboard/${file.file}`, content: readFileSync(path.join(outDir, file.file)) }));
  // The first request starts the compression (in zlib's thread pool); wait, bounded, until every variant is made.
  const deadline = Date.now() + 30_000;
  for (const target of ['/dashboard', ...assets.map((asset) => asset.path)]) {
    for (const coding of ['br', 'gzip']) {
      for (;;) {
        const response = await get(target, { 'accept-encoding': coding });
        await response.arrayBuffer();
        if (response.headers.get('content-encoding') === coding) break;
        if (Date.now() > deadline) throw new Error(`${target} was not sent with ${coding} within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the dashboard page', () => {
  it('is HTML with a Content-Security-Policy that allows only this origin, and names its script and stylesheet', async () => {
    const response = await get('/dashboard?entity=UGVyc29uOm1hamlkLWF6aXpp&interval=YEAR');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("default-src 'none'");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|https?:|\*/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    expect(html).toBe(page);
    expect(html).toMatch(/<script type="module" src="dashboard\/assets\/main-[A-Z0-9]+\.js"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" href="dashboard\/assets\/main-[A-Z0-9]+\.css" \/>/);
    // No inline script or style for the policy to refuse.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/);
  });

  it('and its assets reference nothing on another origin', () => {
    const html = page;
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of assets) {
      const text = asset.content.toString('utf8');
      // The only absolute URLs in the code are XML namespaces (uPlot and the network create SVG elements in
      // them), which are names, never fetched.
      const urls = new Set(text.match(/https?:\/\/[^\s"'`)]+/g) ?? []);
      expect(
        [...urls].filter((url) => !url.startsWith('http://www.w3.org/')),
        asset.path,
      ).toEqual([]);
      expect(text, asset.path).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
      expect(text, asset.path).not.toMatch(/\bimport\(\s*["'`]https?:/);
    }
  });

  it('serves every asset it names, with its media type, cached for a year (its name changes with its content)', async () => {
    expect(assets.map((asset) => path.extname(asset.path)).sort()).toEqual(['.css', '.js']);
    for (const asset of assets) {
      expect(page).toContain(asset.path.slice(1));
      const response = await get(asset.path);
      expect(response.status, asset.path).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        asset.path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-security-policy')).toBeNull();
      expect(Buffer.from(await response.arrayBuffer()).equals(asset.content)).toBe(true);
    }
  });

  it('sends the page and the assets with brotli or gzip, per Accept-Encoding', async () => {
    for (const [target, content] of [['/dashboard', Buffer.from(page)], ...assets.map((a) => [a.path, a.content])] as [
      string,
      Buffer,
    ][]) {
      const br = await get(target, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers.get('content-encoding'), target).toBe('br');
      expect(br.headers.get('vary')).toBe('Accept-Encoding');
      const brBody = Buffer.from(await br.arrayBuffer());
      expect(Number(br.headers.get('content-length'))).toBe(brBody.length);
      expect(brotliDecompressSync(brBody).equals(content), target).toBe(true);
      const gz = await get(target, { 'accept-encoding': 'gzip' });
      expect(gz.headers.get('content-encoding'), target).toBe('gzip');
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(content), target).toBe(true);
      const plain = await get(target, { 'accept-encoding': 'identity' });
      expect(plain.headers.get('content-encoding')).toBeNull();
      expect(Buffer.from(await plain.arrayBuffer()).equals(content)).toBe(true);
    }
    // The script is most of the weight, and compresses to about a third.
    const script = assets.find((asset) => asset.path.endsWith('.js'));
    const compressed = await get(script?.path ?? '', { 'accept-encoding': 'br' });
    expect((await compressed.arrayBuffer()).byteLength).toBeLessThan((script?.content.length ?? 0) / 2.5);
  });

  it('has an ETag per coding; a revalidation naming it is a 304 without a body', async () => {
    for (const target of ['/dashboard', ...assets.map((asset) => asset.path)]) {
      const first = await get(target, { 'accept-encoding': 'br' });
      await first.arrayBuffer();
      const tag = first.headers.get('etag');
      expect(tag, target).toMatch(/^"[A-Za-z0-9_-]{32}-br"$/);
      const again = await get(target, { 'accept-encoding': 'br', 'if-none-match': tag ?? '' });
      expect(again.status, target).toBe(304);
      expect(again.headers.get('etag')).toBe(tag);
      expect(await again.text()).toBe('');
      const changed = await get(target, { 'accept-encoding': 'br', 'if-none-match': '"another-build"' });
      expect(changed.status, target).toBe(200);
    }
  });

  it('answers HEAD with the headers alone', async () => {
    const response = await get('/dashboard', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(await response.text()).toBe('');
  });

  it('redirects /dashboard/ to /dashboard, keeping the query', async () => {
    const response = await get('/dashboard/?interval=WEEK');
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/dashboard?interval=WEEK');
  });

  it('answers 404 for a file it does not have, however the path is written', async () => {
    for (const target of [
      '/dashboard/assets/main-NOPE.js',
      '/dashboard/manifest.json',
      '/dashboard/index.html',
      '/dashboard/assets/..%2Fmanifest.json',
      '/dashboard/anything',
    ]) {
      const response = await get(target);
      expect(response.status, target).toBe(404);
      expect(response.headers.get('content-type'), target).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toMatch(/^No such file in the dashboard/);
    }
    // Dot segments are resolved before any plugin sees the path: this one leaves /dashboard/ (yoga's own 404).
    const outside = await get('/dashboard/assets/%2e%2e/%2e%2e/package.json');
    expect(outside.status).toBe(404);
    expect(await outside.text()).not.toContain('newsgraph');
  });

  it('refuses other methods with 405 and Allow', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await get('/dashboard', {}, method);
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('leaves GraphiQL and GraphQL where they were', async () => {
    const graphiql = await get('/graphql', { accept: 'text/html' });
    expect(graphiql.status).toBe(200);
    expect(await graphiql.text()).toContain('graphiql');
    const answer = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { articles } }' }),
    });
    expect((await answer.json()).data).toEqual({ stats: { articles: 2 } });
  });
});

describe('a dashboard not built', () => {
  it('is a 503 that says how to build it, and is served once built', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'newsgraph-dashboard-empty-'));
    try {
      const app = testApp(store, { dashboardDir: empty }).yoga;
      const response = await app.fetch('http://localhost/dashboard');
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:dashboard');
      await buildDashboard(empty);
      const built = await app.fetch('http://localhost/dashboard');
      expect(built.status).toBe(200);
      expect(await built.text()).toContain('<title>newsgraph dashboard</title>');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

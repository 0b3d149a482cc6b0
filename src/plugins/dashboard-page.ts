/**
 * The dashboard at /dashboard: the page and its assets, as scripts/build-dashboard.ts wrote them into
 * dashboard/dist/ (at `npm ci`, `npm start` and before the tests). Read once per process, when first asked for,
 * and sent like the GraphiQL page: brotli or gzip as the browser accepts (compressed once, in the background),
 * with an ETag and 304 on revalidation. The assets are named by their content's hash, so they are cached for a
 * year; the page is revalidated on every visit. The page goes with a Content-Security-Policy that allows
 * nothing but this origin: no inline script or style, no other server, no frame around it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'graphql-yoga';
import { answerWith, type CompressedBody, compressedBody } from './compressed-bodies.js';

export const DASHBOARD_PATH = '/dashboard';

/** Where the build writes the dashboard. */
export const DEFAULT_DASHBOARD_DIR = path.resolve(import.meta.dirname, '../../dashboard/dist');

/** Only this origin, for everything; nothing inline; no frames, forms, plugins or base URL. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** What the build's manifest.json says (scripts/build-dashboard.ts). */
interface Manifest {
  page: string;
  assets: Record<string, string>;
}

interface Dashboard {
  page: CompressedBody;
  /** By path under /dashboard/ ("assets/main-ABC123.js"), with the media type. */
  assets: Map<string, { body: CompressedBody; type: string }>;
}

/** Brotli at its best: the assets are small (about 130 KB in all) and compressed once per process. */
const LEVELS = { brotli: 11, gzip: 9 };

const loaded = new Map<string, Dashboard>();

/** The built dashboard in `directory`, read once; throws when it is not built (the next request tries again). */
function dashboardIn(directory: string): Dashboard {
  const known = loaded.get(directory);
  if (known) return known;
  const manifest = JSON.parse(readFileSync(path.join(directory, 'manifest.json'), 'utf8')) as Manifest;
  const dashboard: Dashboard = {
    page: compressedBody(readFileSync(path.join(directory, manifest.page)), LEVELS),
    assets: new Map(
      Object.entries(manifest.assets).map(([file, type]) => [
        file,
        { body: compressedBody(readFileSync(path.join(directory, file)), LEVELS), type },
      ]),
    ),
  };
  loaded.set(directory, dashboard);
  return dashboard;
}

const text = (
  fetchAPI: { Response: typeof Response },
  status: number,
  body: string,
  headers: Record<string, string> = {},
) =>
  new fetchAPI.Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers },
  });

/** Serves GET and HEAD /dashboard and /dashboard/assets/…; /dashboard/ redirects to /dashboard. */
export function dashboardPagePlugin(directory = DEFAULT_DASHBOARD_DIR): Plugin {
  return {
    onRequest: ({ request, url, endResponse, fetchAPI }) => {
      const { pathname } = url;
      if (pathname !== DASHBOARD_PATH && !pathname.startsWith(`${DASHBOARD_PATH}/`)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(text(fetchAPI, 405, 'The dashboard answers GET and HEAD only.\n', { allow: 'GET, HEAD' }));
        return;
      }
      if (pathname === `${DASHBOARD_PATH}/`) {
        endResponse(
          new fetchAPI.Response(null, { status: 308, headers: { location: `${DASHBOARD_PATH}${url.search}` } }),
        );
        return;
      }
      let dashboard: Dashboard;
      try {
        dashboard = dashboardIn(directory);
      } catch {
        endResponse(
          text(
            fetchAPI,
            503,
            'The dashboard is not built: run `npm run build:dashboard` (`npm ci` and `npm start` build it too).\n',
          ),
        );
        return;
      }
      const headers = new fetchAPI.Headers({ 'x-content-type-options': 'nosniff' });
      if (pathname === DASHBOARD_PATH) {
        headers.set('content-type', 'text/html; charset=utf-8');
        headers.set('cache-control', 'no-cache');
        headers.set('content-security-policy', DASHBOARD_CSP);
        headers.set('referrer-policy', 'no-referrer');
        endResponse(answerWith(request, dashboard.page, headers, fetchAPI));
        return;
      }
      const asset = dashboard.assets.get(pathname.slice(DASHBOARD_PATH.length + 1));
      if (!asset) {
        endResponse(text(fetchAPI, 404, `No such file in the dashboard: ${pathname}\n`));
        return;
      }
      headers.set('content-type', asset.type);
      headers.set('cache-control', 'public, max-age=31536000, immutable');
      endResponse(answerWith(request, asset.body, headers, fetchAPI));
    },
  };
}

/**
 * Headless Chromium (Debian's, driven by playwright-core) on the dashboard: shared by the browser tests
 * (tests-e2e/), the screenshot script and the bench. Every request to another origin is refused and recorded, and
 * so is every console error, page error and Content-Security-Policy violation.
 */
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface DashboardSession {
  context: BrowserContext;
  page: Page;
  /** Console errors, page errors and CSP violations, as they came. */
  problems: string[];
  /** Requests the page tried to make to any other origin (all refused). */
  outsideRequests: string[];
}

export interface OpenOptions {
  /** Default: a laptop's, 1440 × 1000. */
  viewport?: { width: number; height: number };
  /** Called with the page before it navigates (to watch its requests from the first). */
  beforeNavigation?: (page: Page) => void;
}

/**
 * A fresh browser context (no cache, no history) on `${origin}/dashboard${query}`, waiting for the page's first
 * response only.
 */
export async function openDashboard(
  browser: Browser,
  origin: string,
  query = '',
  options: OpenOptions = {},
): Promise<DashboardSession & { status: number | undefined }> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 1000 } });
  const problems: string[] = [];
  const outsideRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
    outsideRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  options.beforeNavigation?.(page);
  const response = await page.goto(`${origin}/dashboard${query}`, { waitUntil: 'domcontentloaded' });
  return { context, page, problems, outsideRequests, status: response?.status() };
}

/**
 * Waits until every panel has settled (drawn, empty or failed: `data-drawn="true"` on <html>) and returns the
 * time of the first `dashboard-drawn` mark, in ms since the navigation started.
 */
export async function waitUntilDrawn(page: Page, timeout = 30_000): Promise<number> {
  await page.waitForFunction(() => document.documentElement.dataset.drawn === 'true', null, { timeout });
  return page.evaluate(() => performance.getEntriesByName('dashboard-drawn')[0]?.startTime ?? Number.NaN);
}

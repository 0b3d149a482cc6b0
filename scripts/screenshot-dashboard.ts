/**
 * `npm run screenshot`: builds the dashboard, serves the fixtures, and writes docs/dashboard.png, the picture in
 * the README: the dashboard following Majid Azizi, with the evidence for his membership of the Quds Force. Fails
 * (and writes nothing) when a panel does not draw or the page has a console error.
 */
import path from 'node:path';
import { configFor } from '../src/config.js';
import { startServer } from '../src/server.js';
import { launchChromium, openDashboard, waitUntilDrawn } from './browser.js';
import { buildDashboard } from './build-dashboard.js';

const ROOT = path.resolve(import.meta.dirname, '..');
export const SCREENSHOT_FILE = path.join(ROOT, 'docs', 'dashboard.png');

const id = (type: string, slug: string) => Buffer.from(`${type}:${slug}`).toString('base64');
const VIEW = `?entity=${encodeURIComponent(id('Person', 'majid-azizi'))}&with=${encodeURIComponent(id('Organization', 'quds-force'))}`;

await buildDashboard();
const server = await startServer(
  configFor({ port: 0, host: '127.0.0.1', dataDir: path.join(ROOT, 'data'), logLevel: 'silent', shutdownDrainMs: 0 }),
);
const browser = await launchChromium();
try {
  const session = await openDashboard(browser, new URL(server.url).origin, VIEW, {
    viewport: { width: 1440, height: 900 },
  });
  await waitUntilDrawn(session.page);
  const states = await session.page
    .locator('[data-panel]')
    .evaluateAll((panels) =>
      panels.map((panel) => `${panel.getAttribute('data-panel')}: ${panel.getAttribute('data-state')}`),
    );
  if (states.some((state) => !state.endsWith(': ready')) || session.problems.length > 0) {
    throw new Error(`the dashboard did not draw cleanly: ${[...states, ...session.problems].join('; ')}`);
  }
  await session.page.screenshot({ path: SCREENSHOT_FILE, fullPage: true });
  console.log(`wrote ${path.relative(process.cwd(), SCREENSHOT_FILE)}`);
} catch (error) {
  console.error(`npm run screenshot failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await server.close();
}

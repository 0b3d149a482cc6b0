/**
 * The dashboard in a real browser: the server as `npm start` runs it (on the fixtures, and on a generated corpus of
 * 10,000 articles), Debian's Chromium driven by playwright-core. Every panel draws, with nothing from another
 * origin and no console error; search, the network and the evidence respond to a reader; a refused query or a
 * server gone away shows a message in the panel, never a blank page. Screenshots go to test-output/e2e/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCorpus } from '../bench/lib/corpora.js';
import { type DashboardSession, launchChromium, openDashboard, waitUntilDrawn } from '../scripts/browser.js';
import { configFor } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';

const require = createRequire(import.meta.url);
const repo = path.resolve(import.meta.dirname, '..');
const outputDir = path.join(repo, 'test-output/e2e');
const UI_TIMEOUT = 30_000;

const globalId = (type: string, slug: string) => Buffer.from(`${type}:${slug}`).toString('base64');
const MAJID = globalId('Person', 'majid-azizi');
const QUDS = globalId('Organization', 'quds-force');
const PANELS = ['stats', 'timeline', 'top-entities', 'network', 'evidence'];

let fixtures: RunningServer | undefined;
let browser: Browser | undefined;

const serve = (dataDir: string) =>
  startServer(configFor({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', shutdownDrainMs: 0 }));

beforeAll(async () => {
  mkdirSync(outputDir, { recursive: true });
  fixtures = await serve(path.join(repo, 'data'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await fixtures?.close();
});

function origin(server: RunningServer | undefined): string {
  if (!server) throw new Error('the server did not start (see beforeAll)');
  return new URL(server.url).origin;
}

/** Opens the dashboard, runs `step`, and always checks that nothing went wrong on the page; screenshot on failure. */
async function withDashboard(
  name: string,
  query: string,
  step: (session: DashboardSession) => Promise<void>,
  server = fixtures,
) {
  if (!browser) throw new Error('Chromium did not start (see beforeAll)');
  const session = await openDashboard(browser, origin(server), query);
  expect(session.status, 'GET /dashboard').toBe(200);
  try {
    await step(session);
  } catch (error) {
    const screenshot = path.join(outputDir, `${name}-failure.png`);
    await session.page.screenshot({ path: screenshot, fullPage: true }).catch(() => undefined);
    const problems = session.problems.length ? session.problems.join('\n  ') : 'none';
    throw new Error(
      `${(error as Error).message}\nProblems seen on the page:\n  ${problems}\nScreenshot: ${screenshot}`,
      { cause: error },
    );
  } finally {
    await session.context.close();
  }
  expect(session.problems, 'console errors, page errors or CSP violations').toEqual([]);
  expect(session.outsideRequests, 'requests to another origin').toEqual([]);
}

const panelState = (page: Page, panel: string) => page.locator(`[data-panel="${panel}"]`).getAttribute('data-state');

async function expectAllPanels(page: Page, state = 'ready') {
  await waitUntilDrawn(page, UI_TIMEOUT);
  for (const panel of PANELS) expect(await panelState(page, panel), `the ${panel} panel`).toBe(state);
}

/** Pixels of the timeline's canvas that are drawn (neither transparent nor white). */
function drawnPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-chart="timeline"] canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
      if (a > 0 && !(r > 245 && g > 245 && b > 245)) drawn++;
    }
    return drawn;
  });
}

const entityParam = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

/** The network's centre node: its entity and its name. */
async function centre(page: Page) {
  const node = page.locator('svg.network g.node-centre');
  return { id: await node.getAttribute('data-entity'), name: await node.getAttribute('data-name') };
}

/** Checks what every panel drew; returns the number of nodes and edges of the network. */
async function checkDrawn(page: Page) {
  expect(await drawnPixels(page), 'drawn pixels on the timeline canvas').toBeGreaterThan(2_000);
  const nodes = await page.locator('svg.network g.node').count();
  const edges = await page.locator('svg.network line.edge').count();
  expect(nodes, 'nodes of the network').toBeGreaterThan(1);
  expect(edges, 'edges of the network').toBeGreaterThanOrEqual(nodes - 1);
  expect(await page.locator('svg.network circle').first().getAttribute('r')).toMatch(/^\d+(\.\d+)?$/);
  expect(await page.locator('[data-panel="stats"] [data-figure="articles"]').textContent()).toMatch(/^[\d,]+$/);
  expect(await page.locator('[data-panel="stats"] [data-figure="dataVersion"]').textContent()).toMatch(
    /^[0-9a-f]{16}$/,
  );
  expect(await page.locator('[data-panel="top-entities"] table.ranking tbody tr').count()).toBeGreaterThan(3);
  expect(await page.locator('[data-panel="evidence"] .article-body').textContent()).not.toBe('');
  return { nodes, edges };
}

describe('the dashboard on the fixtures', () => {
  it('draws every panel, follows the top entity, and asks nothing of another origin', async () => {
    await withDashboard('dashboard-fixtures', '', async ({ page }) => {
      await expectAllPanels(page);
      // No entity in the URL: the top entity of the window, and the strongest co-mention it has a relationship with.
      expect(entityParam(page, 'entity')).toBe(MAJID);
      expect(entityParam(page, 'with')).not.toBeNull();
      expect(await page.locator('[data-panel="stats"] [data-figure="articles"]').textContent()).toBe('2');
      expect(await page.locator('[data-panel="stats"] [data-figure="mentions"]').textContent()).toBe('82');
      expect(await centre(page)).toEqual({ id: MAJID, name: 'Majid Azizi' });
      expect(await page.locator('svg.network g.node').count()).toBe(21);
      await checkDrawn(page);
      expect(await page.locator('[data-panel="timeline"] .caption').textContent()).toBe(
        'Articles mentioning Majid Azizi, per month: 2 articles from 2024-03-01 to 2024-07-31',
      );
      await page.screenshot({ path: path.join(outputDir, 'dashboard-fixtures.png'), fullPage: true });
    });
  });

  it('follows an entity picked by search, with the keyboard: every panel updates', async () => {
    await withDashboard('dashboard-search', `?entity=${MAJID}`, async ({ page }) => {
      await expectAllPanels(page);
      const search = page.getByRole('combobox', { name: 'Follow an entity' });
      await search.fill('quds');
      const option = page.getByRole('option', { name: /Quds Force/ });
      await option.waitFor({ timeout: UI_TIMEOUT });
      expect(await search.getAttribute('aria-expanded')).toBe('true');
      await search.press('ArrowDown');
      expect(await page.getByRole('option').first().getAttribute('aria-selected')).toBe('true');
      await search.press('Enter');
      await expect.poll(() => entityParam(page, 'entity'), { timeout: UI_TIMEOUT }).toBe(QUDS);
      await expectAllPanels(page);
      expect(await centre(page)).toEqual({ id: QUDS, name: 'Quds Force' });
      expect(await page.locator('[data-panel="timeline"] .caption').textContent()).toMatch(
        /^Articles mentioning Quds Force, per month: 2 articles/,
      );
      expect(await page.locator('.following').textContent()).toMatch(/^Following Quds Force \(Organization\)/);
      expect(await page.locator('[data-panel="top-entities"] tr[aria-current="true"] button').textContent()).toBe(
        'Quds Force',
      );
      expect(await page.locator('[data-panel="evidence"] h2').textContent()).toMatch(/^Evidence: Quds Force and /);
      // Back returns to the entity before.
      await page.goBack();
      await expect.poll(() => entityParam(page, 'entity'), { timeout: UI_TIMEOUT }).toBe(MAJID);
      await expect.poll(() => centre(page).then((c) => c.name), { timeout: UI_TIMEOUT }).toBe('Majid Azizi');
    });
  });

  it('re-centres the network on a node clicked, or entered from the keyboard', async () => {
    await withDashboard('dashboard-network', `?entity=${MAJID}`, async ({ page }) => {
      await expectAllPanels(page);
      const target = page.locator(`svg.network g.node[data-entity="${QUDS}"]`);
      await target.click();
      await expect.poll(() => entityParam(page, 'entity'), { timeout: UI_TIMEOUT }).toBe(QUDS);
      // The pair is the edge just followed.
      expect(entityParam(page, 'with')).toBe(MAJID);
      await expectAllPanels(page);
      expect(await centre(page)).toEqual({ id: QUDS, name: 'Quds Force' });
      expect(await page.locator('[data-panel="evidence"] h2').textContent()).toBe(
        'Evidence: Quds Force and Majid Azizi',
      );
      // The keyboard: the centre takes the focus first, the arrows move to the next node, Enter re-centres.
      await page.locator('svg.network g.node-centre').focus();
      await page.keyboard.press('ArrowRight');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-entity'));
      expect(focused).not.toBe(QUDS);
      await page.keyboard.press('Enter');
      await expect.poll(() => entityParam(page, 'entity'), { timeout: UI_TIMEOUT }).toBe(focused);
      await expectAllPanels(page);
      expect((await centre(page)).id).toBe(focused);
    });
  });

  it('highlights the quote and the mentions at their offsets in the article body', async () => {
    await withDashboard('dashboard-evidence', `?entity=${MAJID}&with=${QUDS}`, async ({ page }) => {
      await expectAllPanels(page);
      const evidence = page.locator('[data-panel="evidence"]');
      expect(await evidence.locator('.pair .relationship').first().textContent()).toBe(
        'Majid Azizi alleged member of Quds Force',
      );
      const articleId = await evidence.locator('.article-view h3').getAttribute('data-article-id');
      expect(articleId).toBeTruthy();
      // The article's body and the pair's quotes, from the API itself.
      const api = await page.evaluate(async (id) => {
        const post = (query: string, variables: Record<string, unknown>) =>
          fetch('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query, variables }),
          }).then((r) => r.json());
        const article = await post(
          'query($id: ID!) { node(id: $id) { ... on Article { body mentions(first: 100) { nodes { start end entity { name } } } } } }',
          { id },
        );
        const person = await post(
          '{ person(slug: "majid-azizi") { affiliations { organization { slug } evidence { quote start end article { id } } } } }',
          {},
        );
        return { article: article.data.node, affiliations: person.data.person.affiliations };
      }, articleId);
      const quotes = (
        api.affiliations as {
          organization: { slug: string };
          evidence: { quote: string; start: number; end: number; article: { id: string } }[];
        }[]
      )
        .filter((a) => a.organization.slug === 'quds-force')
        .flatMap((a) => a.evidence)
        .filter((q) => q.article.id === articleId);
      expect(quotes.length).toBeGreaterThan(0);
      const marks = await evidence.locator('mark.quote').evaluateAll((elements) =>
        elements.map((mark) => ({
          text: mark.textContent,
          start: Number(mark.getAttribute('data-start')),
          end: Number(mark.getAttribute('data-end')),
        })),
      );
      expect(marks.map(({ start, end }) => ({ start, end })).sort((a, b) => a.start - b.start)).toEqual(
        quotes.map(({ start, end }) => ({ start, end })).sort((a, b) => a.start - b.start),
      );
      for (const mark of marks) {
        expect(mark.text).toBe(api.article.body.slice(mark.start, mark.end));
        expect(quotes.map((q) => q.quote)).toContain(mark.text);
      }
      // Every mention of the two entities is marked, with the text at its offsets.
      const mentionsOf = (name: string) =>
        (api.article.mentions.nodes as { start: number; end: number; entity: { name: string } }[])
          .filter((m) => m.entity.name === name)
          .map((m) => api.article.body.slice(m.start, m.end));
      expect(await evidence.locator('.article-body .mention-a').allTextContents()).toEqual(mentionsOf('Majid Azizi'));
      expect(await evidence.locator('.article-body .mention-b').allTextContents()).toEqual(mentionsOf('Quds Force'));
      // The whole body is there, paragraph by paragraph.
      const shown = await evidence.locator('.article-body p').allTextContents();
      expect(shown.join('\n\n')).toBe(api.article.body);
      await evidence.screenshot({ path: path.join(outputDir, 'dashboard-evidence.png') });
    });
  });

  it('passes the WCAG 2 A and AA checks of axe-core (labels, names, contrast), charts and tables alike', async () => {
    await withDashboard('dashboard-a11y', `?entity=${MAJID}&with=${QUDS}`, async ({ page }) => {
      await expectAllPanels(page);
      // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
      await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
      const audit = () =>
        page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<AxeResults> } }).axe;
          type AxeResults = { violations: { id: string; help: string; nodes: { target: string[] }[] }[] };
          const results = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
          return results.violations.map(
            (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
          );
        });
      expect(await audit(), 'with the charts').toEqual([]);
      for (const panel of ['timeline', 'network']) {
        await page.locator(`[data-panel="${panel}"]`).getByRole('button', { name: 'Table' }).click();
      }
      expect(await audit(), 'with the tables').toEqual([]);
      // The search list open.
      await page.getByRole('combobox', { name: 'Follow an entity' }).fill('peru');
      await page.getByRole('option').first().waitFor({ timeout: UI_TIMEOUT });
      expect(await audit(), 'with the search list open').toEqual([]);
    });
  });

  it('keeps its state in the URL: window, interval and scope, with a table view of each chart', async () => {
    const query = `?entity=${MAJID}&from=2024-07&to=2024-07-31&interval=DAY&scope=corpus`;
    await withDashboard('dashboard-url', query, async ({ page }) => {
      await expectAllPanels(page);
      expect(await page.getByLabel('Per', { exact: true }).inputValue()).toBe('DAY');
      expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe('2024-07-01');
      expect(await page.getByLabel('to', { exact: true }).inputValue()).toBe('2024-07-31');
      expect(await page.getByRole('radio', { name: 'all articles' }).isChecked()).toBe(true);
      const timeline = page.locator('[data-panel="timeline"]');
      await timeline.getByRole('button', { name: 'Table' }).click();
      const rows = timeline.locator('table[data-table="timeline"] tbody tr');
      // The table shows the API's buckets: every day of July 2024, empty ones included, for all articles.
      const buckets = await page.evaluate(async () => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query:
              '{ timeline(interval: DAY, from: "2024-07", to: "2024-07-31") { start end articleCount mentionCount } }',
          }),
        });
        return (await response.json()).data.timeline as Record<string, string | number>[];
      });
      expect(buckets).toHaveLength(31);
      expect(buckets.filter((b) => Number(b.articleCount) > 0).map((b) => b.start)).toEqual(['2024-07-13']);
      const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      expect(cells).toEqual(buckets.map((b) => [b.start, b.end, String(b.articleCount), String(b.mentionCount)]));
      const network = page.locator('[data-panel="network"]');
      await network.getByRole('button', { name: 'Table' }).click();
      expect(await network.locator('table[data-table="network"] tbody tr').count()).toBe(20);
      // Picking the interval from the select puts it in the URL.
      await page.getByLabel('Per', { exact: true }).selectOption('MONTH');
      await expect.poll(() => entityParam(page, 'interval'), { timeout: UI_TIMEOUT }).toBeNull();
      await waitUntilDrawn(page);
      expect(await rows.count()).toBe(1);
      expect(await rows.first().locator('td').first().textContent()).toBe('2024-07-01');
    });
  });

  it('shows a refusal in the panel that asked, with its code, and draws the others', async () => {
    await withDashboard('dashboard-refused', `?entity=${MAJID}`, async ({ page, context, problems }) => {
      // The network's query is refused as a rate limit would refuse it.
      await context.route(/operationName=DashboardNetwork/, (route) =>
        route.fulfill({
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '7' },
          body: JSON.stringify({ errors: [{ message: 'budget spent', extensions: { code: 'RATE_LIMITED' } }] }),
        }),
      );
      await page.reload();
      await waitUntilDrawn(page, UI_TIMEOUT);
      expect(await panelState(page, 'network')).toBe('error');
      const alert = page.locator('[data-panel="network"] [role="alert"]');
      expect(await alert.getAttribute('data-code')).toBe('RATE_LIMITED');
      expect(await alert.textContent()).toContain('try again in 7 s');
      for (const panel of ['stats', 'timeline', 'top-entities']) expect(await panelState(page, panel)).toBe('ready');
      // Once the server answers again, "Try again" draws it.
      await context.unroute(/operationName=DashboardNetwork/);
      await alert.getByRole('button', { name: 'Try again' }).click();
      await expect.poll(() => panelState(page, 'network'), { timeout: UI_TIMEOUT }).toBe('ready');
      // The browser logs every 429 it receives: that one was on purpose.
      problems.splice(0, problems.length, ...problems.filter((p) => !p.includes('429')));
    });
  });

  it('says so when the server is gone, and when a window has too many buckets', async () => {
    await withDashboard('dashboard-gone', `?entity=${MAJID}`, async ({ page, context, problems }) => {
      await expectAllPanels(page);
      await context.route(/\/graphql\?/, (route) => route.abort('connectionrefused'));
      await page.getByLabel('Per', { exact: true }).selectOption('WEEK');
      await waitUntilDrawn(page, UI_TIMEOUT);
      const alert = page.locator('[data-panel="timeline"] [role="alert"]');
      expect(await alert.getAttribute('data-code')).toBe('UNREACHABLE');
      expect(await alert.textContent()).toContain('The server did not answer');
      await context.unroute(/\/graphql\?/);
      // 2,000 buckets at most: a century of days is refused by the server, and the panel says why.
      await page.goto(`${page.url().split('?')[0]}?entity=${MAJID}&from=1900&to=2024&interval=DAY`);
      await waitUntilDrawn(page, UI_TIMEOUT);
      const refusal = page.locator('[data-panel="timeline"] [role="alert"]');
      expect(await refusal.getAttribute('data-code')).toBe('BAD_USER_INPUT');
      expect(await refusal.textContent()).toMatch(/more than the 2000 allowed/);
      problems.splice(0, problems.length, ...problems.filter((p) => !/ERR_CONNECTION_REFUSED|400/.test(p)));
    });
  });
});

describe('the dashboard on 10,000 generated articles', () => {
  let large: RunningServer | undefined;
  beforeAll(async () => {
    const corpus = await ensureCorpus(10_000, (line) => console.log(line));
    large = await serve(corpus.directory);
  }, 180_000);
  afterAll(async () => {
    await large?.close();
  });

  it('draws every panel', async () => {
    await withDashboard(
      'dashboard-10k',
      '',
      async ({ page }) => {
        await expectAllPanels(page);
        expect(await page.locator('[data-panel="stats"] [data-figure="articles"]').textContent()).toBe('10,000');
        const { nodes } = await checkDrawn(page);
        expect(nodes).toBe(21);
        expect(await page.locator('[data-chart="timeline"]').isVisible()).toBe(true);
        await page.screenshot({ path: path.join(outputDir, 'dashboard-10k.png'), fullPage: true });
      },
      large,
    );
  });
});

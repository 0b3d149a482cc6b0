/**
 * GraphiQL in a real browser: the server as `npm start` runs it, Chromium driven by playwright-core. GraphiQL opens
 * with the default query and the README's examples as tabs; running them shows their results.
 *
 * Needs Chromium (`apt-get install chromium`, or CHROMIUM_PATH). The server inlines GraphiQL's code in the page, so
 * the browser is refused every request to another origin: GraphiQL must work offline. Screenshots go to
 * test-output/e2e/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../scripts/browser.js';
import { configFor } from '../src/config.js';
import { GRAPHIQL_DEFAULT_QUERY, GRAPHIQL_EXAMPLE_QUERIES } from '../src/graphiql.js';
import { type RunningServer, startServer } from '../src/server.js';

const repo = path.resolve(import.meta.dirname, '..');
const outputDir = path.join(repo, 'test-output/e2e');

/** How long GraphiQL may take to load, and a query to answer. */
const UI_TIMEOUT = 30_000;

let server: RunningServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(outputDir, { recursive: true });
  server = await startServer(
    configFor({ port: 0, host: '127.0.0.1', dataDir: path.join(repo, 'data'), logLevel: 'silent', maxDepth: 12 }),
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh browser context (no stored GraphiQL tabs) on the GraphiQL page, with what went wrong on the page. */
interface Session {
  context: BrowserContext;
  page: Page;
  problems: string[];
  /** Requests the page tried to make to any other origin (all refused). */
  outsideRequests: string[];
}

async function openGraphiQL(): Promise<Session> {
  if (!browser || !server) throw new Error('The browser or the server did not start (see beforeAll)');
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const problems: string[] = [];
  const outsideRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    // The page itself, its inlined code (data: and blob: URLs) and the GraphQL endpoint; nothing else.
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outsideRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  const response = await page.goto(server.url, { waitUntil: 'domcontentloaded' });
  expect(response?.status(), `GET ${server.url} (text/html) should serve GraphiQL`).toBe(200);
  return { context, page, problems, outsideRequests };
}

/** Runs `step`; on failure, adds what went wrong on the page and saves a screenshot of it. */
async function withDiagnostics<T>(session: Session, name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const screenshot = path.join(outputDir, `${name}-failure.png`);
    await session.page.screenshot({ path: screenshot, fullPage: true }).catch(() => undefined);
    const problems = session.problems.length ? session.problems.join('\n  ') : 'none';
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message}\nProblems seen on the page:\n  ${problems}\nScreenshot: ${screenshot}`, {
      cause: error,
    });
  }
}

/**
 * The text a Monaco editor shows: its rendered lines (Monaco renders only what is in view, one element per
 * wrapped line) in the order they appear on screen, with Monaco's non-breaking spaces made plain.
 */
async function editorText(editor: Locator): Promise<string> {
  const lines = editor.locator('.monaco-editor .view-lines').first();
  if ((await lines.count()) === 0) return '';
  return lines.evaluate((element) =>
    [...element.querySelectorAll<HTMLElement>('.view-line')]
      .sort((a, b) => Number.parseFloat(a.style.top) - Number.parseFloat(b.style.top))
      .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n'),
  );
}

/** Text compared regardless of layout: whitespace (indentation, wrapped lines) collapsed. */
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();
/** Text compared regardless of formatting: no whitespace at all. */
const compact = (text: string) => text.replace(/\s+/g, '');

const operationEditor = (page: Page) => page.getByRole('region', { name: 'Operation Editor' });
const resultWindow = (page: Page) => page.getByRole('region', { name: 'Result Window' });
const tabTitles = (page: Page) => page.getByRole('tablist').locator('.graphiql-tab-button');

/** Waits until the operation editor shows `operationName`'s query, i.e. GraphiQL and its editor are ready. */
async function waitForOperation(page: Page, operationName: string) {
  await expect
    .poll(() => editorText(operationEditor(page)), {
      timeout: UI_TIMEOUT,
      message: `the operation editor should show "query ${operationName}"`,
    })
    .toContain(`query ${operationName}`);
}

/**
 * Runs the active tab with the run button, and returns the server's response.
 *
 * GraphiQL parses the operation editor 100 ms after its text changes. Run sooner than that after switching tabs,
 * and it sends the new document with the previous tab's operation name: its fetcher refuses, showing "Cannot
 * infer operation" in the result pane, and sends nothing. The run button is then clicked once more, as a user
 * would. Ctrl+Enter in the editor is the fallback when the button sends nothing.
 */
async function runOperation(page: Page, operationName: string): Promise<unknown> {
  // GraphiQL may send the document reprinted (`query SearchQuds{...}`): match the operation, not the text.
  const operation = new RegExp(`\\bquery\\s+${operationName}\\b`);
  const isOurs = (request: Request) => {
    if (request.method() !== 'POST' || request.url() !== server?.url) return false;
    try {
      const body = JSON.parse(request.postData() ?? 'null') as { query?: unknown } | null;
      return typeof body?.query === 'string' && operation.test(body.query);
    } catch {
      return false;
    }
  };
  const refusal = resultWindow(page)
    .getByText(/Cannot\sinfer\soperation/)
    .first();
  /** Our request; 'refused' when GraphiQL shows that it sent nothing; undefined when nothing happened. */
  const attempt = async (run: () => Promise<void>, timeout: number) => {
    const refusalIsNew = (await refusal.count()) === 0;
    const sent = page.waitForRequest(isOurs, { timeout }).catch(() => undefined);
    const refused = refusalIsNew
      ? refusal.waitFor({ timeout }).then(
          () => 'refused' as const,
          () => undefined,
        )
      : sent;
    await run();
    return Promise.race([sent, refused]);
  };
  const clickRun = () => page.getByRole('button', { name: /^Execute query/ }).click();
  let outcome = await attempt(clickRun, 10_000);
  if (outcome === 'refused') outcome = await attempt(clickRun, 10_000);
  if (!outcome || outcome === 'refused') {
    console.warn(`The run button sent no ${operationName} request: trying Ctrl+Enter`);
    outcome = await attempt(async () => {
      await operationEditor(page).locator('.monaco-editor').click();
      await page.keyboard.press('Control+Enter');
    }, UI_TIMEOUT);
  }
  if (!outcome || outcome === 'refused') {
    const pane = collapse(await editorText(resultWindow(page))) || '(nothing)';
    throw new Error(
      `Neither the run button nor Ctrl+Enter sent ${operationName} (POST ${server?.url}); the result pane shows: ${pane}`,
    );
  }
  const response = await outcome.response();
  expect(response?.status(), `POST ${operationName}: HTTP status`).toBe(200);
  return response?.json();
}

/**
 * Waits until the result pane shows `response` (from its first line, as far as the pane shows it) and `texts`
 * in what it shows.
 */
async function waitForResult(page: Page, what: string, response: unknown, texts: string[]) {
  const expected = compact(JSON.stringify(response));
  await expect
    .poll(
      async () => {
        const shown = await editorText(resultWindow(page));
        const missing = texts.filter((text) => !collapse(shown).includes(text));
        if (shown.trim() !== '' && expected.startsWith(compact(shown)) && missing.length === 0) return 'ok';
        const notResponse = expected.startsWith(compact(shown)) ? '' : ' (not the response from its start)';
        return `missing ${JSON.stringify(missing)}; the pane shows${notResponse}: ${collapse(shown) || '(nothing)'}`;
      },
      { timeout: UI_TIMEOUT, message: `the result pane should show ${what}, with ${texts.join(', ')}` },
    )
    .toBe('ok');
}

describe('GraphiQL', () => {
  it("opens the README's example queries as tabs, byte for byte", () => {
    const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
    const section = readme.split('\n## Example queries\n')[1]?.split('\n## ')[0] ?? '';
    const blocks = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks.length, 'graphql blocks in the README\'s "Example queries"').toBeGreaterThanOrEqual(3);
    // Each tab: comment lines, an operation name (the tab's title), then the README's block as it is.
    const tabs = GRAPHIQL_EXAMPLE_QUERIES.map((query) => /^(?:#[^\n]*\n)+query \w+ (\{[\s\S]*)$/.exec(query)?.[1]);
    expect(tabs, 'GRAPHIQL_EXAMPLE_QUERIES in src/yoga.ts should be the README examples, in order').toEqual(blocks);
  });

  it('runs the default query and shows its result', async () => {
    const session = await openGraphiQL();
    const { page } = session;
    try {
      await withDiagnostics(session, 'graphiql-result', async () => {
        await waitForOperation(page, 'WhoIsMajidAzizi');
        await expect
          .poll(() => tabTitles(page).allTextContents(), {
            timeout: UI_TIMEOUT,
            message: 'the tabs: the default query, then the README examples',
          })
          .toEqual(['WhoIsMajidAzizi', 'PersonAndAffiliations', 'TimedToApecMeeting', 'SearchQuds']);
        expect(GRAPHIQL_DEFAULT_QUERY).toContain('query WhoIsMajidAzizi');
        const response = await runOperation(page, 'WhoIsMajidAzizi');
        expect(response, 'the response to the default query').toMatchObject({
          data: {
            person: {
              name: 'Majid Azizi',
              affiliations: [{ role: 'alleged member', organization: { name: 'Quds Force' } }, {}],
            },
          },
        });
        await waitForResult(page, 'the default query', response, ['"name": "Majid Azizi"', 'Quds Force']);
        await page.screenshot({ path: path.join(outputDir, 'graphiql-result.png') });
      });
    } finally {
      expect(session.outsideRequests, 'GraphiQL must not fetch anything from another origin').toEqual([]);
      await session.context.close();
    }
  });

  it('runs a README example one click away', async () => {
    const session = await openGraphiQL();
    const { page } = session;
    try {
      await withDiagnostics(session, 'graphiql-example', async () => {
        await waitForOperation(page, 'WhoIsMajidAzizi');
        await tabTitles(page)
          .filter({ hasText: /^SearchQuds$/ })
          .click();
        await waitForOperation(page, 'SearchQuds');
        const response = await runOperation(page, 'SearchQuds');
        expect(response, 'the response to the search example').toMatchObject({
          data: { search: { totalCount: 4, nodes: [{ name: 'Quds Force' }, { name: 'Arrest of Majid Azizi' }, {}] } },
        });
        await waitForResult(page, 'the search example', response, [
          '"totalCount": 4',
          '"name": "Quds Force"',
          '"name": "Arrest of Majid Azizi"',
        ]);
        await page.screenshot({ path: path.join(outputDir, 'graphiql-example.png') });
      });
    } finally {
      expect(session.outsideRequests, 'GraphiQL must not fetch anything from another origin').toEqual([]);
      await session.context.close();
    }
  });

  it('runs a subscription over Server-Sent Events and shows its first event', async () => {
    const session = await openGraphiQL();
    const { page } = session;
    try {
      await withDiagnostics(session, 'graphiql-subscription', async () => {
        await waitForOperation(page, 'WhoIsMajidAzizi');
        const editor = operationEditor(page).locator('.monaco-editor').first();
        await editor.click();
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        // insertText: no auto-closed braces, as typing would add.
        await page.keyboard.insertText('subscription Watch { dataVersionChanged { dataVersion previousDataVersion } }');
        await expect
          .poll(() => editorText(operationEditor(page)), { timeout: UI_TIMEOUT })
          .toContain('subscription Watch');
        await page.waitForTimeout(300); // GraphiQL parses the editor 100 ms after it changes
        const sent = page.waitForRequest(
          (request) => request.method() === 'POST' && /subscription\s+Watch\b/.test(request.postData() ?? ''),
          { timeout: UI_TIMEOUT },
        );
        await page.getByRole('button', { name: /^Execute/ }).click();
        const request = await sent;
        expect(request.headers().accept, 'GraphiQL asks for Server-Sent Events').toContain('text/event-stream');
        const version = server?.holder.current().version ?? '';
        await expect
          .poll(async () => collapse(await editorText(resultWindow(page))), {
            timeout: UI_TIMEOUT,
            message: 'the result pane should show the first event',
          })
          .toContain(`"dataVersion": "${version}"`);
        expect(collapse(await editorText(resultWindow(page)))).toContain('"previousDataVersion": null');
        await page.screenshot({ path: path.join(outputDir, 'graphiql-subscription.png') });
      });
    } finally {
      expect(session.outsideRequests, 'GraphiQL must not fetch anything from another origin').toEqual([]);
      await session.context.close();
    }
  });
});

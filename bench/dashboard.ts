/**
 * The time to a fully drawn dashboard: newsgraph serving a generated corpus (10,000 articles by default) in its
 * own process, headless Chromium opening /dashboard with no state in the URL (the dashboard follows the top
 * entity and its strongest related co-mention, as a first visit does), from navigation to the moment every panel
 * has drawn (the page's `dashboard-drawn` mark: the stats, the timeline on its canvas, the rankings, the network
 * laid out in SVG, the evidence with its article's body highlighted). Each visit is a fresh browser context (no
 * HTTP cache); the first is also the server's first (its response cache empty), the others find it warm.
 *
 * Run by `npm run bench` after the load measurements (a section of bench/RESULTS.md), or alone:
 * `node --import tsx bench/dashboard.ts [--articles N] [--visits N]`. Never part of `npm test`.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, openDashboard, waitUntilDrawn } from '../scripts/browser.js';
import { type BuiltFile, buildDashboard } from '../scripts/build-dashboard.js';
import { type Corpus, ensureCorpus } from './lib/corpora.js';
import { serverArgs, startChild, stopChild } from './lib/processes.js';
import { dashboardMarkdown, median } from './lib/report.js';

export interface DashboardVisit {
  /** From navigation start to every panel drawn, in ms. */
  drawnMs: number;
  /** Requests the page made, and those to the GraphQL endpoint. */
  requests: number;
  graphqlRequests: number;
  /** Bytes of the responses' bodies as received (compressed where they were). */
  responseBytes: number;
}

export interface DashboardRun {
  articles: number;
  /** The bundle as built: each file's size, raw, gzip and brotli. */
  bundle: BuiltFile[];
  visits: DashboardVisit[];
  /** The first visit (the server's caches empty). */
  coldMs: number;
  /** The median of the others. */
  warmMedianMs: number;
  /** Where the visits ended: the state the dashboard chose. */
  url: string;
}

export async function benchDashboard(
  corpus: Corpus,
  options: { visits: number; log: (line: string) => void; logFile: string },
): Promise<DashboardRun> {
  const { log } = options;
  const bundle = await buildDashboard();
  const server = startChild({
    name: 'newsgraph (dashboard)',
    nodeArgs: serverArgs(corpus.directory),
    logFile: options.logFile,
    readyWhen: (line) =>
      typeof line.msg === 'string' && line.msg.startsWith('newsgraph serving GraphQL') && typeof line.url === 'string'
        ? line.url
        : null,
    timeoutMs: 10 * 60_000,
  });
  const browser = await launchChromium();
  try {
    const origin = new URL((await server.ready).url).origin;
    const visits: DashboardVisit[] = [];
    let url = '';
    for (let i = 0; i < options.visits; i++) {
      const counts = { requests: 0, graphqlRequests: 0, responseBytes: 0 };
      const sizes: Promise<void>[] = [];
      const session = await openDashboard(browser, origin, '', {
        beforeNavigation: (page) =>
          page.on('requestfinished', (request) => {
            counts.requests += 1;
            if (new URL(request.url()).pathname === '/graphql') counts.graphqlRequests += 1;
            sizes.push(
              request.sizes().then(
                (measured) => {
                  counts.responseBytes += measured.responseBodySize;
                },
                () => undefined,
              ),
            );
          }),
      });
      const drawnMs = await waitUntilDrawn(session.page, 120_000);
      await Promise.all(sizes);
      const failed = await session.page
        .locator('[data-panel]:not([data-state="ready"])')
        .evaluateAll((panels) => panels.map((p) => `${p.getAttribute('data-panel')}: ${p.getAttribute('data-state')}`));
      if (failed.length > 0 || session.problems.length > 0) {
        throw new Error(`the dashboard did not draw cleanly: ${[...failed, ...session.problems].join('; ')}`);
      }
      visits.push({ drawnMs, ...counts });
      url = session.page.url().replace(origin, '');
      log(`  visit ${i + 1}: drawn in ${drawnMs.toFixed(0)} ms (${counts.graphqlRequests} GraphQL requests)`);
      await session.context.close();
    }
    const [cold, ...warm] = visits.map((visit) => visit.drawnMs);
    return {
      articles: corpus.articles,
      bundle,
      visits,
      coldMs: cold ?? Number.NaN,
      warmMedianMs: warm.length > 0 ? median(warm) : Number.NaN,
      url,
    };
  } finally {
    await browser.close();
    await stopChild(server);
  }
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({
    options: { articles: { type: 'string', default: '10000' }, visits: { type: 'string', default: '6' } },
  });
  const articles = Number(values.articles);
  const visits = Number(values.visits);
  if (!Number.isInteger(articles) || articles < 1 || !Number.isInteger(visits) || visits < 1) {
    console.error('usage: node --import tsx bench/dashboard.ts [--articles N] [--visits N]');
    process.exit(2);
  }
  const log = (line: string) => console.log(line);
  const corpus = await ensureCorpus(articles, log);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'newsgraph-bench-dashboard-'));
  const run = await benchDashboard(corpus, { visits, log, logFile: path.join(workDir, 'server.log') });
  console.log(`\n${dashboardMarkdown(run)}`);
}

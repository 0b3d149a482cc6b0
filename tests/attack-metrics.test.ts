/**
 * Issue 9, defect 5: every metric label has a bounded set of values, so no client can grow /metrics (or read
 * another client's aliases in it); /metrics can be served on the main port, on a port of its own, or neither,
 * and behind a bearer token.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { testConfig } from './helpers.js';

async function withServer(overrides: Partial<Config>, test: (running: RunningServer) => Promise<void>) {
  const running = await startServer(testConfig(overrides));
  try {
    await test(running);
  } finally {
    await running.close(0);
  }
}

function metricsUrl(running: RunningServer): string {
  return new URL('/metrics', running.url).href;
}

/** The number of series (sample lines) in a Prometheus text answer. */
function seriesCount(text: string): number {
  return text.split('\n').filter((line) => line && !line.startsWith('#')).length;
}

describe('metrics labels', () => {
  it('many requests with distinct error paths, aliases and operation names leave the series bounded', async () => {
    await withServer({}, async (running) => {
      const send = (i: number) =>
        fetch(running.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: `query Secret${i} { secretAlias${i}: articles(first: 1, after: "bad-${i}") { totalCount } }`,
          }),
        }).then((response) => response.text());
      for (let i = 0; i < 20; i++) await send(i);
      const after20 = await (await fetch(metricsUrl(running))).text();
      for (let i = 20; i < 200; i++) await send(i);
      const after200 = await (await fetch(metricsUrl(running))).text();
      expect(after200).toContain('graphql_envelop_error_result');
      expect(after200).toMatch(/newsgraph_errors_total\{code="BAD_USER_INPUT"\} 200/);
      expect(after200).not.toMatch(/secretAlias|Secret\d/);
      expect(after200).not.toMatch(/path="/);
      expect(seriesCount(after200)).toBe(seriesCount(after20));
    });
  });
});

describe('the metrics endpoint', () => {
  it('is on the main port by default, without a token', async () => {
    await withServer({}, async (running) => {
      const response = await fetch(metricsUrl(running));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('graphql_yoga_http_duration');
      expect(running.metricsUrl).toBeNull();
    });
  });

  it('with a token, answers only a scraper that sends it (401 UNAUTHENTICATED otherwise)', async () => {
    await withServer({ metricsToken: 's3cret' }, async (running) => {
      for (const authorization of [undefined, 'Bearer wrong', 's3cret', 'Basic s3cret']) {
        const response = await fetch(metricsUrl(running), {
          headers: authorization ? { authorization } : {},
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
        expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      }
      const response = await fetch(metricsUrl(running), { headers: { authorization: 'Bearer s3cret' } });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('newsgraph_errors_total');
    });
  });

  it('on a port of its own, and off the main port', async () => {
    await withServer({ metricsPort: 0, metricsOnMainPort: false, metricsToken: 'tok' }, async (running) => {
      expect(running.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(running.metricsUrl as string)).status).toBe(401);
      const scraped = await fetch(running.metricsUrl as string, { headers: { authorization: 'Bearer tok' } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('newsgraph_errors_total');
      // The main port serves no metrics: /metrics is just not the GraphQL endpoint there.
      const main = await fetch(metricsUrl(running), { headers: { authorization: 'Bearer tok' } });
      expect(main.status).toBe(404);
      expect(await main.text()).not.toContain('newsgraph_errors_total');
      // The metrics port serves nothing else.
      const other = await fetch(new URL('/graphql', running.metricsUrl as string));
      expect(other.status).toBe(404);
    });
  });
});

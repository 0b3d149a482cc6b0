/**
 * Servers on one PostgreSQL database: an import is served by every replica within a second (LISTEN/NOTIFY), and a
 * replica that loses its database answers SERVICE_UNAVAILABLE and /ready 503, then recovers by itself when the
 * database comes back. These need a real server they can stop: each run starts its own throwaway cluster
 * (.ci/postgres.sh) and is skipped where PostgreSQL is not installed (npm test on a machine without it; .ci/run
 * installs it and runs this suite).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor } from '../src/config.js';
import { type DataVersionChange, PostgresHolder } from '../src/data/postgres/holder.js';
import { DataUnavailableError } from '../src/data/unavailable.js';
import { startServer } from '../src/server.js';
import { DATA_DIR, editedFixtures } from './helpers.js';
import { freePort, importInto, POSTGRES_INSTALLED, type TestDatabase } from './support/postgres.js';

const ROOT = path.resolve(import.meta.dirname, '..');

const SILENT = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.skipIf(!POSTGRES_INSTALLED)('replicas on one PostgreSQL server', () => {
  let dir: string;
  let port: number;
  let database: TestDatabase;
  const cluster = (...args: string[]) =>
    execFileSync(path.join(ROOT, '.ci/postgres.sh'), args, { encoding: 'utf8' }).trim();

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-pg-replicas-'));
    port = await freePort();
    const url = cluster('start', dir, String(port));
    database = { url, kind: 'postgresql', copy: true, close: async () => undefined };
    await importInto(database, DATA_DIR);
  }, 120_000);

  afterAll(() => {
    try {
      cluster('stop', dir);
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('an import is served by both replicas within a second of each other, and announced to subscribers', async () => {
    const [a, b] = await Promise.all([
      PostgresHolder.connect(database.url, SILENT),
      PostgresHolder.connect(database.url, SILENT),
    ]);
    try {
      const before = a.current().version;
      expect(b.current().version).toBe(before);
      const seen: { replica: string; at: number; change: DataVersionChange }[] = [];
      a.onDataVersionChange((change) => seen.push({ replica: 'a', at: performance.now(), change }));
      b.onDataVersionChange((change) => seen.push({ replica: 'b', at: performance.now(), change }));
      const edited = await editedFixtures('persons.json', (records) => {
        (records[0] as Record<string, unknown>).description = 'Edited for the replica test.';
      });
      const imported = await importInto(database, edited);
      const committed = performance.now();
      for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen.map((s) => s.replica).sort()).toEqual(['a', 'b']);
      for (const { at, change } of seen) {
        expect(at - committed).toBeLessThan(1_000);
        expect(change).toMatchObject({ from: before, to: imported.version, dataset: imported.id });
      }
      expect(a.current().version).toBe(imported.version);
      expect(b.current().version).toBe(imported.version);
      expect(imported.version).not.toBe(before);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a lost database: coded errors and not ready; recovered by itself when it is back, also the version switch', async () => {
    const holder = await PostgresHolder.connect(database.url, SILENT, { probeMs: 100 });
    try {
      const source = holder.current();
      expect(await source.articlesBySlug(['irans-alleged-terror-plot-in-peru'])).toHaveLength(1);
      expect(holder.isAvailable()).toBe(true);
      cluster('stop', dir);
      // Requests under load while it is down: every one a DataUnavailableError, none another error.
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => source.stats().then(() => source.articlesBySlug(['x']))),
      );
      for (const result of results) {
        expect(result.status).toBe('rejected');
        expect((result as PromiseRejectedResult).reason).toBeInstanceOf(DataUnavailableError);
      }
      expect(holder.isAvailable()).toBe(false);
      expect(holder.status().database.available).toBe(false);
      cluster('start', dir, String(port));
      for (let i = 0; i < 100 && !holder.isAvailable(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(holder.isAvailable()).toBe(true);
      expect(await holder.current().articlesBySlug(['irans-alleged-terror-plot-in-peru'])).toHaveLength(1);
      // And it listens again: an import after the restart is served.
      const imported = await importInto(database, DATA_DIR);
      for (let i = 0; i < 50 && holder.current().version !== imported.version; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(holder.current().version).toBe(imported.version);
    } finally {
      await holder.close();
    }
  }, 60_000);

  it('over HTTP: SERVICE_UNAVAILABLE (503, no trace) and /ready 503 while the database is down, then answers again', async () => {
    const running = await startServer(
      configFor({
        port: 0,
        host: '127.0.0.1',
        databaseUrl: database.url,
        logLevel: 'silent',
        rateLimit: false,
        responseCacheMaxEntries: 0,
      }),
    );
    const base = running.url.replace(/\/graphql$/, '');
    const ask = () =>
      fetch(running.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ articles(first: 1) { totalCount nodes { slug } } }' }),
      });
    try {
      expect((await ask()).status).toBe(200);
      cluster('stop', dir);
      const down = await Promise.all(Array.from({ length: 8 }, ask));
      for (const response of down) {
        const body = await response.text();
        expect(`${response.status} ${body}`).toMatch(/^503 /);
        expect(JSON.parse(body)).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
        expect(body).not.toMatch(/\bat .*\.ts:\d+|ECONNREFUSED|node_modules/);
      }
      const notReady = await fetch(`${base}/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ ready: false, database: { available: false } });
      cluster('start', dir, String(port));
      let ready = 0;
      for (let i = 0; i < 100 && ready !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = (await fetch(`${base}/ready`)).status;
      }
      expect(ready).toBe(200);
      const again = await ask();
      expect(again.status).toBe(200);
      expect(((await again.json()) as { data: { articles: { totalCount: number } } }).data.articles.totalCount).toBe(2);
    } finally {
      await running.close(1_000);
    }
  }, 60_000);
});

/**
 * The README's three commands that put newsgraph on PostgreSQL (start a database, import, start the server), run as
 * written (with a free port and a folder of this run's own), then the seed facts asked over HTTP: the answers the
 * JSON store gives. Needs PostgreSQL installed (skipped otherwise; .ci/run installs it and runs this suite).
 */
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApi } from './helpers.js';
import { freePort, POSTGRES_INSTALLED } from './support/postgres.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## On PostgreSQL'));
const commands = (/```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '').trim().split('\n');

describe('README: newsgraph on PostgreSQL', () => {
  it('shows three commands: start a database, import, start the server', () => {
    expect(commands).toHaveLength(3);
    expect(commands[0]).toMatch(/^DATABASE_URL="\$\(\.ci\/postgres\.sh start \S+ \d+\)"$/);
    expect(commands[1]).toBe('npm run import -- --data data --database-url "$DATABASE_URL"');
    expect(commands[2]).toBe('DATABASE_URL="$DATABASE_URL" npm start');
  });

  describe.skipIf(!POSTGRES_INSTALLED)('run as written', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'newsgraph-readme-pg-'));
    let server: ChildProcess | null = null;
    afterAll(() => {
      server?.kill('SIGTERM');
      try {
        execSync(`.ci/postgres.sh stop ${dir}`, { cwd: ROOT, stdio: 'ignore' });
      } catch {
        // not started
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves the seed facts from PostgreSQL as the JSON store does', async () => {
      const port = await freePort();
      const start = (commands[0] as string).replace(/start \S+ \d+/, `start ${dir} ${port}`);
      const env = { ...process.env, DATABASE_URL: '' };
      const url = execSync(`${start} && echo "$DATABASE_URL"`, {
        cwd: ROOT,
        env,
        shell: '/bin/bash',
        encoding: 'utf8',
      }).trim();
      expect(url).toBe(`postgresql://postgres@127.0.0.1:${port}/postgres`);
      const imported = execSync(`${commands[1]} 2>&1`, {
        cwd: ROOT,
        env: { ...env, DATABASE_URL: url },
        shell: '/bin/bash',
        encoding: 'utf8',
      });
      expect(imported).toMatch(/imported dataset \d+ \(version [0-9a-f]{16}\)/);
      const httpPort = await freePort();
      server = spawn('/bin/bash', ['-c', commands[2] as string], {
        cwd: ROOT,
        env: { ...env, DATABASE_URL: url, PORT: String(httpPort), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: false,
      });
      let output = '';
      server.stdout?.on('data', (chunk) => {
        output += chunk;
      });
      server.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      for (let i = 0; i < 300 && !output.includes('newsgraph serving'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(output).toContain('newsgraph serving');
      const memory = await createTestApi();
      const query = `{ person(slug: "majid-azizi") { name aliases nationalities articles { totalCount nodes { headline } } }
        articles { totalCount nodes { slug publishedAt } } stats { articles persons mentions } }`;
      const response = await fetch(`http://127.0.0.1:${httpPort}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      const expected = await memory.query(query);
      expect(body.data).toEqual(expected.data);
      expect((body.extensions as { dataVersion: string }).dataVersion).toBe(memory.store.version);
      const ready = await fetch(`http://127.0.0.1:${httpPort}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        ready: true,
        dataVersion: memory.store.version,
        database: { available: true },
      });
    }, 120_000);
  });
});

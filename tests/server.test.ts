/** `npm start` as a real process: listens, serves, and stops cleanly on SIGTERM and SIGINT. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts src/main.ts on a free port and resolves with its GraphQL URL once it listens. */
function startMain(
  env: Record<string, string> = {},
  args = ['--port', '0', '--host', '127.0.0.1'],
  command: [string, ...string[]] = [process.execPath, '--import', 'tsx', 'src/main.ts'],
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(command[0], [...command.slice(1), ...args], {
    cwd: ROOT,
    env: { ...process.env, SHUTDOWN_DRAIN_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving GraphQL and GraphiQL at (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening:\n${output}`)));
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

describe('the server process', () => {
  it('serves GraphQL over HTTP and exits 0 on SIGTERM', async () => {
    const { child, url, output } = await startMain();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ articles { totalCount } }' }),
    });
    expect(await response.json()).toMatchObject({ data: { articles: { totalCount: 2 } } });
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    expect(output()).toContain('SIGTERM received');
  });

  it('exits 0 on SIGINT even with an idle keep-alive connection open', async () => {
    const { child, url } = await startMain();
    await fetch(url, { headers: { accept: 'text/html', connection: 'keep-alive' } }).then((r) => r.text());
    child.kill('SIGINT');
    expect(await exitCode(child)).toBe(0);
  });

  it('buffers the access log and writes every line by the time it exits', async () => {
    const { child, url, output } = await startMain({}, ['--port', '0', '--host', '127.0.0.1', '--log-level', 'info']);
    const answers = await Promise.all(Array.from({ length: 50 }, () => send(url, 'POST', QUERY)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    const requests = output()
      .split('\n')
      .filter((line) => line.includes('"msg":"request"'));
    expect(requests).toHaveLength(50);
  });

  it("logs a request's URL up to 200 characters, with its length when it is longer", async () => {
    const { child, url, output } = await startMain({}, ['--port', '0', '--host', '127.0.0.1', '--log-level', 'info']);
    const search = 'x'.repeat(500);
    const long = `${url}?query=${encodeURIComponent(`{ search(query: "${search}") { totalCount } }`)}`;
    expect((await fetch(long, { headers: { 'x-graphql-yoga-csrf': '1' } })).status).toBe(200);
    expect((await send(url, 'POST', QUERY)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exitCode(child)).toBe(0);
    const lines = output()
      .split('\n')
      .filter((line) => line.includes('"msg":"request"'))
      .map((line) => JSON.parse(line) as { method: string; url: string; urlLength?: number });
    const get = lines.find((line) => line.method === 'GET');
    const target = long.slice(new URL(long).origin.length);
    expect(get).toMatchObject({ url: `${target.slice(0, 200)}…`, urlLength: target.length });
    expect(lines.find((line) => line.method === 'POST')).toMatchObject({ url: '/graphql' });
    expect(lines.find((line) => line.method === 'POST')).not.toHaveProperty('urlLength');
  });

  it('takes its port, host and data directory from the environment', async () => {
    const { url, output } = await startMain({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(ROOT, 'data') }, []);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(output()).toContain(`"dataDir":${JSON.stringify(path.join(ROOT, 'data'))}`);
  });

  it('on SIGTERM turns not ready at once, serves new connections through the drain period, then exits 0', async () => {
    const { child, url, output } = await startMain({}, [
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--shutdown-drain-ms',
      '2000',
    ]);
    const ready = () => send(url.replace('/graphql', '/ready'), 'GET');
    expect(await ready()).toMatchObject({ status: 200 });
    // 100 requests on new connections before the signal, 100 more right after it, all at once.
    const before = Array.from({ length: 100 }, () => send(url, 'POST', QUERY));
    child.kill('SIGTERM');
    const after = Array.from({ length: 100 }, () => send(url, 'POST', QUERY));
    const answers = await Promise.all([...before, ...after]);
    const failed = answers.filter((a) => a.status !== 200);
    expect(failed).toEqual([]);
    for (const answer of answers) expect(JSON.parse(answer.body)).toMatchObject(ARTICLES_ANSWER);
    // Not ready, while a new connection is still served.
    const notReady = await ready();
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toMatchObject({ ready: false });
    expect(await send(url, 'POST', QUERY)).toMatchObject({ status: 200 });
    expect(await exitCode(child)).toBe(0);
    expect(output()).not.toMatch(/grace period over/);
  }, 30_000);

  it('with a named pipe in the watched data directory: refuses it, then exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'newsgraph-fifo-'));
    try {
      await cp(path.join(ROOT, 'data'), dir, { recursive: true });
      const { child, url, output } = await startMain({}, [
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--data',
        dir,
        '--watch',
      ]);
      await rm(path.join(dir, 'persons.json'));
      execFileSync('mkfifo', [path.join(dir, 'persons.json')]);
      const deadline = Date.now() + 10_000;
      while (!/refused/.test(output())) {
        if (Date.now() > deadline) throw new Error(`no refusal logged in 10 s:\n${output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(output()).toMatch(/persons\.json: is a named pipe \(FIFO\), not a regular file/);
      expect(await send(url, 'POST', QUERY)).toMatchObject({ status: 200 });
      child.kill('SIGTERM');
      const code = await Promise.race([
        exitCode(child),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000)),
      ]);
      expect(code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('`npm start` passes SIGTERM on to the server: it stops serving and exits', async () => {
    const { child, url } = await startMain(
      { SHUTDOWN_DRAIN_MS: '0' },
      ['--', '--port', '0', '--host', '127.0.0.1'],
      ['npm', 'start', '--silent'],
    );
    expect(await send(url, 'POST', QUERY)).toMatchObject({ status: 200 });
    child.kill('SIGTERM');
    await exitCode(child);
    // The server itself is gone too (not left serving under another parent): new connections are refused.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = await send(url, 'POST', QUERY).catch((error: NodeJS.ErrnoException) => error.code);
      if (answer === 'ECONNREFUSED') break;
      if (Date.now() > deadline) throw new Error(`still serving 10 s after npm got SIGTERM: ${JSON.stringify(answer)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 30_000);
});

const QUERY = JSON.stringify({ query: '{ articles { totalCount } }' });
const ARTICLES_ANSWER = { data: { articles: { totalCount: 2 } } };

/** One request on a new connection (no keep-alive agent): its status and body, or the socket error. */
function send(url: string, method: 'GET' | 'POST', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent: false,
        headers:
          body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

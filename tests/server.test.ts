/** `npm start` as a real process: listens, serves, and stops cleanly on SIGTERM and SIGINT. */
import { type ChildProcess, spawn } from 'node:child_process';
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
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
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

  it('takes its port, host and data directory from the environment', async () => {
    const { url, output } = await startMain({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(ROOT, 'data') }, []);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(output()).toContain(`"dataDir":${JSON.stringify(path.join(ROOT, 'data'))}`);
  });
});

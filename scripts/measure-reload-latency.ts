/**
 * `node --import tsx scripts/measure-reload-latency.ts [--articles N] [--reloads R]`: the latency of a light query
 * while the data is reloaded. Starts the server on a generated corpus (bench/.cache/corpora/N, generated when
 * missing), sends `{ stats { articles } }` from 4 clients in a closed loop for 3 s, then again while R reloads run
 * one after another, and prints p50, p99 and max of each phase. A measurement to read, not a test: the machine's
 * noise goes into the numbers.
 */
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { ensureCorpus } from '../bench/lib/corpora.js';
import { configFor } from '../src/config.js';
import type { DataHolder } from '../src/data/reloader.js';
import { startServer } from '../src/server.js';

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '10000' }, reloads: { type: 'string', default: '3' } },
});
const corpus = await ensureCorpus(Number(values.articles), (line) => console.error(line));
const running = await startServer(
  configFor({
    port: 0,
    host: '127.0.0.1',
    dataDir: corpus.directory,
    logLevel: 'silent',
    responseCacheMaxEntries: 0,
    rateLimit: false, // one address, as fast as it can: the per-client budget would refuse it
  }),
);
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const body = JSON.stringify({ query: '{ stats { articles } }' });

function query(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      running.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(res.statusCode)));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs 4 clients in a closed loop until `done` resolves; the latency of every request. */
async function load(done: Promise<unknown>): Promise<number[]> {
  let over = false;
  void done.then(() => {
    over = true;
  });
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (!over) latencies.push(await query());
    }),
  );
  return latencies;
}

function summary(name: string, latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1);
  console.log(
    `${name.padEnd(16)} requests ${String(sorted.length).padStart(6)}  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${at(1)} ms`,
  );
}

await load(new Promise((resolve) => setTimeout(resolve, 500))); // warm up
summary('before reloads', await load(new Promise((resolve) => setTimeout(resolve, 3_000))));
const reloadMs: number[] = [];
const reloads = (async () => {
  for (let i = 0; i < Number(values.reloads); i++) {
    const result = await (running.holder as DataHolder).reload();
    if (!result.ok) throw new Error(result.error);
    reloadMs.push(result.ms);
  }
})();
summary('during reloads', await load(reloads));
console.log(`${corpus.label}: reloads took ${reloadMs.join(', ')} ms`);
agent.destroy();
await running.close(1_000);

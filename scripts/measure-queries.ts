/**
 * `npm run measure -- [DIR]`: in-process latency of the heaviest dashboard queries on a fixture
 * directory (through yoga.fetch, after warm-up; median and p95 of repeated runs). A quick probe,
 * not the benchmark: `npm run bench` measures over HTTP under load.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createNewsgraph } from '../src/app.js';
import { configFor } from '../src/config.js';
import { loadStore } from '../src/data/load-store.js';

const directory = path.resolve(process.argv[2] ?? 'data');
const runs = Number(process.env.RUNS ?? 50);

const started = performance.now();
const store = await loadStore(directory);
const startupMs = performance.now() - started;
// Without the response cache: every run executes (the cache would answer all but the first).
const { yoga } = createNewsgraph({
  config: configFor({ dataDir: directory, responseCacheMaxEntries: 0 }),
  source: store,
});

async function run(query: string, variables?: Record<string, unknown>) {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
  if (body.errors) throw new Error(`${query}: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data;
}

const top = (await run('{ topEntities(first: 1) { entity { id name } articleCount } }')) as {
  topEntities: { entity: { id: string; name: string }; articleCount: number }[];
};
const busiest = top.topEntities[0]?.entity;
if (!busiest) throw new Error('no entity is mentioned');

const operations: [string, string, Record<string, unknown>?][] = [
  ['stats', '{ stats { articles persons organizations events mentions relationships } }'],
  ['topEntities, whole corpus', '{ topEntities(first: 20) { entity { name } articleCount mentionCount } }'],
  [
    'topEntities, one year, persons',
    '{ topEntities(types: [PERSON], from: "2023", to: "2023", first: 20) { entity { name } articleCount } }',
  ],
  ['timeline by week, whole corpus', '{ timeline(interval: WEEK) { start articleCount mentionCount } }'],
  [
    'timeline by month, busiest entity',
    'query($id: ID!) { timeline(interval: MONTH, entity: $id) { start articleCount mentionCount } }',
    { id: busiest.id },
  ],
  [
    'coMentions of the busiest entity',
    'query($id: ID!) { node(id: $id) { ... on Entity { coMentions(first: 20) { totalCount nodes { entity { name } sharedArticles } } } } }',
    { id: busiest.id },
  ],
  ['search', '{ search(query: "minister", first: 20) { totalCount nodes { __typename } } }'],
];

console.log(`${directory}: ${(await store.stats()).articles} articles, loaded in ${startupMs.toFixed(0)} ms`);
console.log(`busiest entity: ${busiest.name} (${top.topEntities[0]?.articleCount} articles)`);
for (const [name, query, variables] of operations) {
  const first = performance.now();
  await run(query, variables); // cold: includes any cache the store fills on first use
  const coldMs = performance.now() - first;
  for (let i = 0; i < 5; i++) await run(query, variables);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run(query, variables);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(2);
  console.log(
    `${name.padEnd(36)} cold ${coldMs.toFixed(2).padStart(8)} ms   median ${at(0.5).padStart(7)} ms   p95 ${at(0.95).padStart(7)} ms`,
  );
}

/**
 * The fastest Node GraphQL peer: mercurius with graphql-jit (`jit: 1`: a query is compiled after its first
 * execution) on fastify, serving newsgraph's own schema with newsgraph's own context over a MemoryStore of
 * the same corpus, loaded in this process. No limits, no cost, no logging: only the GraphQL work.
 *
 *   node --import tsx bench/servers/mercurius.ts --data DIR [--count REQUESTS --count-out FILE]
 *
 * With --count (a JSON array of { name, body }), it first counts the data-access calls of each request on
 * the store it has just loaded (bench/lib/count.ts) and writes them to --count-out, before it listens: this
 * saves loading a large corpus once more only to count. Ready: one JSON line
 * `{"msg":"ready","url":...,"loadMs":...}` on stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import mercurius from 'mercurius';
import { createNewsgraph } from '../../src/app.js';
import { configFor } from '../../src/config.js';
import { loadStore } from '../../src/data/load-store.js';
import { countCalls } from '../lib/count.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, count: { type: 'string' }, 'count-out': { type: 'string' } },
});
if (!values.data || (values.count !== undefined) !== (values['count-out'] !== undefined)) {
  console.error('usage: mercurius.ts --data DIR [--count REQUESTS --count-out FILE]');
  process.exit(2);
}

const started = performance.now();
const store = await loadStore(values.data);
const loadMs = performance.now() - started;

if (values.count && values['count-out']) {
  const requests = JSON.parse(readFileSync(values.count, 'utf8')) as { name: string; body: string }[];
  writeFileSync(values['count-out'], JSON.stringify(await countCalls(store, requests)));
}

// newsgraph's schema (patched for graphql-jit, as newsgraph's own executor needs) and per-request context, as
// the app assembles them; mercurius serves them in place of yoga.
const newsgraph = createNewsgraph({ config: configFor({ dataDir: values.data }), source: store });
const app = Fastify({ logger: false });
await app.register(mercurius, {
  schema: newsgraph.schema,
  context: newsgraph.context,
  jit: 1,
  path: '/graphql',
  graphiql: false,
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
console.log(JSON.stringify({ msg: 'ready', url: `http://127.0.0.1:${port}/graphql`, loadMs }));
// Exits normally on SIGINT (profiles written with --cpu-prof are written at a normal exit only).
process.once('SIGINT', () => void app.close().then(() => process.exit(0)));

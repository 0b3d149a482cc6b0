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
import { type GraphQLAbstractType, isAbstractType } from 'graphql';
import mercurius from 'mercurius';
import { createContext } from '../../src/context.js';
import { loadStore } from '../../src/data/reloader.js';
import { schema } from '../../src/schema/index.js';
import { countCalls } from '../lib/count.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, count: { type: 'string' }, 'count-out': { type: 'string' } },
});
if (!values.data || (values.count !== undefined) !== (values['count-out'] !== undefined)) {
  console.error('usage: mercurius.ts --data DIR [--count REQUESTS --count-out FILE]');
  process.exit(2);
}

/**
 * graphql-jit calls an abstract type's resolveType with three arguments, not graphql-js's four (the abstract
 * type itself is missing); Pothos's resolveType for a union without its own (SearchResult) then falls back to
 * graphql-js's defaultTypeResolver with an undefined type and throws, which takes the whole process down.
 * Passing the type along changes nothing else: the same resolvers, the same answers.
 */
for (const type of Object.values(schema.getTypeMap())) {
  if (!isAbstractType(type) || !type.resolveType) continue;
  const abstractType: GraphQLAbstractType = type;
  const resolveType = type.resolveType;
  type.resolveType = (value, context, info, given) => resolveType(value, context, info, given ?? abstractType);
}

const started = performance.now();
const store = await loadStore(values.data);
const loadMs = performance.now() - started;

if (values.count && values['count-out']) {
  const requests = JSON.parse(readFileSync(values.count, 'utf8')) as { name: string; body: string }[];
  writeFileSync(values['count-out'], JSON.stringify(await countCalls(store, requests)));
}

const app = Fastify({ logger: false });
await app.register(mercurius, {
  schema,
  context: () => createContext(store),
  jit: 1,
  path: '/graphql',
  graphiql: false,
});
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
console.log(JSON.stringify({ msg: 'ready', url: `http://127.0.0.1:${port}/graphql`, loadMs }));

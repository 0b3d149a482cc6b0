/**
 * createNewsgraph, the one place the application is assembled: what yoga serves, what the bench's mercurius
 * serves (the same schema and context), and the one route by which the data version reaches a response.
 */

import { rm } from 'node:fs/promises';
import { execute, parse } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createNewsgraph } from '../src/app.js';
import { configFor } from '../src/config.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { countingSource } from '../src/data/counting-source.js';
import { loadStore } from '../src/data/load-store.js';
import type { SourceHolder } from '../src/data/reloader.js';
import { DATA_DIR, editedFixtures } from './helpers.js';

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

const QUERY = '{ stats { articles persons } articles(first: 1) { nodes { id headline } } }';

async function post(app: ReturnType<typeof createNewsgraph>, query: string) {
  const response = await app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[]; extensions?: Record<string, unknown> };
}

describe('createNewsgraph', () => {
  it("serves over yoga what its schema and context answer by themselves (the bench's mercurius serves those)", async () => {
    const app = createNewsgraph({ config: configFor(), source: await loadStore(DATA_DIR) });
    const served = await post(app, QUERY);
    const direct = await execute({ schema: app.schema, document: parse(QUERY), contextValue: app.context() });
    expect(served.errors).toBeUndefined();
    expect(direct.errors).toBeUndefined();
    expect(served.data).toEqual(JSON.parse(JSON.stringify(direct.data)));
  });

  it('applies the configuration it is given: a limit, introspection', async () => {
    const store = await loadStore(DATA_DIR);
    const shallow = createNewsgraph({ config: configFor({ maxDepth: 2 }), source: store });
    expect(await post(shallow, QUERY)).toMatchObject({ errors: [{ extensions: { code: 'QUERY_TOO_DEEP' } }] });
    const closed = createNewsgraph({ config: configFor({ introspection: false }), source: store });
    const introspection = await post(closed, '{ __schema { queryType { name } } }');
    expect(introspection.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(introspection.data).toBeUndefined();
  });

  it('answers repeated requests from the response cache, except in the naive mode (BATCH=false)', async () => {
    const store = await loadStore(DATA_DIR);
    const callsOnSecondRun = async (batch: boolean) => {
      const counter = countingSource(store);
      const app = createNewsgraph({ config: configFor({ batch }), source: counter.source });
      await post(app, QUERY);
      counter.reset();
      expect((await post(app, QUERY)).errors).toBeUndefined();
      return counter.total();
    };
    expect(await callsOnSecondRun(true)).toBe(0);
    expect(await callsOnSecondRun(false)).toBeGreaterThan(0);
  });

  it('reports, in every response and on /ready, the version of the data each request was answered from', async () => {
    const edited = await editedFixtures('articles.json', (articles) =>
      articles.map((article) => ({ ...article, headline: 'Edited' })),
    );
    directories.push(edited);
    const stores: NewsDataSource[] = [await loadStore(DATA_DIR), await loadStore(edited)];
    expect(stores[0]?.version).not.toBe(stores[1]?.version);
    let current = 0;
    const switching: SourceHolder = {
      current: () => stores[current] as NewsDataSource,
      status: () => ({ dataVersion: (stores[current] as NewsDataSource).version }),
    };
    const app = createNewsgraph({ config: configFor(), source: switching });
    for (const index of [0, 1, 0]) {
      current = index;
      const answer = await post(app, '{ articles(first: 1) { nodes { headline } } }');
      expect(answer.extensions?.dataVersion).toBe(stores[index]?.version);
      expect(JSON.stringify(answer.data).includes('"Edited"')).toBe(index === 1);
      expect(app.context().dataVersion).toBe(stores[index]?.version);
      const ready = await app.yoga.fetch('http://localhost/ready');
      expect(await ready.json()).toEqual({ ready: true, dataVersion: stores[index]?.version });
    }
  });
});

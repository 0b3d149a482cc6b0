/** The backend-neutral contract suite (tests/contract/data-contract.ts) on the PostgreSQL store. */
import type pg from 'pg';
import type { NewsDataSource } from '../src/data/contract.js';
import { describeContract } from './contract/data-contract.js';
import { currentSource, importInto, startTestDatabase, type TestDatabase } from './support/postgres.js';

const opened = new Map<NewsDataSource, { database: TestDatabase; pool: pg.Pool }>();

describeContract(
  'PostgreSQL store',
  async ({ dataset }) => {
    const database = await startTestDatabase();
    await importInto(database, dataset);
    const { source, pool } = await currentSource(database);
    opened.set(source, { database, pool });
    return source;
  },
  {
    close: async (source) => {
      const held = opened.get(source);
      await held?.pool.end();
      await held?.database.close();
    },
  },
);

/**
 * Data-access calls per operation, counted in-process: countingSource around the store, each request sent
 * through yoga.fetch (the app as createNewsgraph assembles it), with DataLoader batching on (as served) and off
 * (the naive mode), without the response cache (it would answer the counted run). Each operation runs once to
 * warm up, then once counted.
 */
import { createNewsgraph } from '../../src/app.js';
import { configFor } from '../../src/config.js';
import type { NewsDataSource } from '../../src/data/contract.js';
import { countingSource } from '../../src/data/counting-source.js';
import type { CallCount, OperationCalls } from './results.js';

export interface CountedCalls {
  counts: Record<string, OperationCalls>;
  /** Errors the operations answered with (there should be none). */
  problems: string[];
}

export async function countCalls(
  store: NewsDataSource,
  requests: { name: string; body: string }[],
): Promise<CountedCalls> {
  const counts: Record<string, Partial<OperationCalls>> = {};
  const problems: string[] = [];
  for (const batch of [true, false]) {
    const counter = countingSource(store);
    const config = configFor({ batch, responseCacheMaxEntries: 0 });
    const { yoga } = createNewsgraph({ config, source: counter.source });
    for (const { name, body } of requests) {
      const run = async () => {
        const response = await yoga.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const result = (await response.json()) as { errors?: { message: string }[] };
        if (result.errors?.length) problems.push(`${name}: ${result.errors.map((e) => e.message).join('; ')}`);
      };
      await run();
      counter.reset();
      await run();
      const count: CallCount = {
        total: counter.total(),
        byMethod: Object.fromEntries([...counter.calls].sort(([a], [b]) => a.localeCompare(b))),
      };
      counts[name] = { ...counts[name], [batch ? 'batched' : 'naive']: count };
    }
  }
  return { counts: counts as Record<string, OperationCalls>, problems };
}

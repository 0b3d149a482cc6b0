/**
 * Data-access calls per operation, counted in-process: countingSource around the store, each request sent
 * through yoga.fetch (createNewsYoga), with DataLoader batching on (as served) and off (the naive mode). Each
 * operation runs once to warm up, then once counted.
 */
import { countingSource } from '../../src/data/counting-source.js';
import type { NewsDataSource } from '../../src/data/source.js';
import { createNewsYoga } from '../../src/yoga.js';
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
    const yoga = createNewsYoga({ source: counter.source, batch });
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

import type { NewsDataSource } from './contract.js';

/**
 * Wraps a data source so every data-access call is counted by method name: how tests prove batching and
 * how the benchmark reports data-access calls per operation.
 */
export function countingSource(source: NewsDataSource) {
  const calls = new Map<string, number>();
  const counted = new Proxy(source, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      // What the cost model reads of the data is not data access: a refused query reads nothing.
      if (typeof value !== 'function' || property === 'costFacts') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return {
    source: counted,
    calls,
    total: () => [...calls.values()].reduce((a, b) => a + b, 0),
    reset: () => calls.clear(),
  };
}

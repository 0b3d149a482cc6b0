/** The response cache: an executor that keeps the JSON of successful answers (see cachedExecutor). */
import type { ExecutionArgs, ExecutionResult, execute } from 'graphql';
import { type BoundedCache, byteLength } from '../bounded-cache.js';
import { contextOf } from '../context.js';
import { countObjects, OBJECTS_RETURNED } from './cost.js';
import { declaredVariablesKeyOf, documentNumbering } from './documents.js';

/** An executor: graphql-js's or graphql-jit's, or one wrapping them. */
export type Execute = (args: ExecutionArgs) => ReturnType<typeof execute>;

/** How big the response cache may grow. */
export interface ResponseCacheLimits {
  /** Most answers kept (0: no cache). */
  maxEntries: number;
  /** Most bytes of JSON kept, in all (the `data` of the answers, and their keys), as they take on the heap. */
  maxBytes: number;
}

/** A kept answer: the JSON of its `data`, and the objects it holds (its `extensions.cost.actual`). */
export interface CachedAnswer {
  dataJson: string;
  objects: number;
}

/** A response served from the cache: its `data` is this marker, which `stringify` replaces with the cached JSON. */
const CACHED_DATA: Record<string, never> = Object.freeze({});

/**
 * The response cache: the JSON of the `data` of successful executions, per data version, document, operation
 * name and declared variables, in an LRU of at most `maxEntries` answers and `maxBytes` bytes (the JSON and
 * the key, as UTF-8; an answer larger than a quarter of that is not kept). Only the JSON is kept, not the
 * result object (which takes several times its JSON's size on the heap): a hit is served those bytes as they
 * are. It sits in the executor, so everything before execution still runs on a hit: the document length,
 * token, depth, alias, directive and cost limits refuse what they refused, and the cost and data-version
 * extensions are added to every response. A result with any error is never kept. The data version is part of
 * the key, and a new version empties the cache: a reload never serves an answer computed from other data.
 * The schema has no mutations and the answers depend on nothing else in the request.
 */
export function cachedExecutor(executeFn: Execute, cache: BoundedCache<CachedAnswer> | null): Execute {
  if (!cache) return executeFn;
  const documentNumber = documentNumbering();
  let version: string | undefined;
  return function cachedExecute(args) {
    const { dataVersion } = contextOf(args);
    if (dataVersion !== version) {
      cache.clear();
      version = dataVersion;
    }
    const variablesKey = declaredVariablesKeyOf(args);
    if (variablesKey === null) return executeFn(args);
    const key = `${dataVersion}|${documentNumber(args.document)}|${JSON.stringify(args.operationName ?? null)}|${variablesKey === '{}' ? 'null' : variablesKey}`;
    const hit = cache.get(key);
    if (hit !== undefined) return withCachedJson({ data: CACHED_DATA }, hit);
    const keep = (result: ExecutionResult) => {
      if (result.errors !== undefined || dataVersion !== version) return result;
      // The JSON is made now rather than when yoga serializes the response: it is the same work, done once.
      // So is the count of its objects, which the cost plugin reports and a hit cannot recount.
      const answer = { dataJson: JSON.stringify(result.data), objects: countObjects(result.data) };
      cache.set(key, answer, byteLength(answer.dataJson) + 16);
      return withCachedJson(result, answer);
    };
    const result = executeFn(args);
    return 'then' in result ? result.then(keep) : keep(result);
  };
}

/**
 * The result with a `stringify` that yoga uses instead of JSON.stringify (graphql-jit's hook for its own
 * serializers): `dataJson`, the JSON of `data`, is reused, and the rest of the response (the extensions that
 * plugins add to every response) is serialized as JSON.stringify would, key by key in the same order.
 */
function withCachedJson(result: ExecutionResult, { dataJson, objects }: CachedAnswer): ExecutionResult {
  const { data } = result;
  const stringify = (response: Record<string, unknown>): string => {
    if (typeof response.toJSON === 'function') return JSON.stringify(response);
    let json = '';
    for (const key of Object.keys(response)) {
      const value = response[key];
      const valueJson = key === 'data' && value === data ? dataJson : JSON.stringify(value);
      if (valueJson === undefined) continue; // functions (this one) and undefined, as JSON.stringify skips them
      json += `${json ? ',' : '{'}${JSON.stringify(key)}:${valueJson}`;
    }
    return json ? `${json}}` : '{}';
  };
  return { ...result, stringify, [OBJECTS_RETURNED]: objects } as ExecutionResult;
}

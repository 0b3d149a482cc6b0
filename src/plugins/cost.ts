/** The cost limit: every query priced before it runs, refused over the limit, and the cost reported. */
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type ExecutionArgs, GraphQLError, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { BoundedCache } from '../bounded-cache.js';
import { ErrorCode } from '../errors.js';
import { declaredVariablesKey, documentNumbering, isIntrospectionOnly } from './documents.js';

/**
 * Computes the cost of every query before it runs (the cost model is in builder.ts), refuses it over the
 * limit, and reports `extensions.cost: { requested, limit }` on every response, as GitHub reports rateLimit.
 * Introspection is exempt: GraphiQL and code generators need it whole.
 */
export function costPlugin(maxCost: number, cache: BoundedCache<number>): Plugin {
  // yoga caches parsed documents, so the same query text is the same DocumentNode: its cost is computed once
  // per operation and declared variables (page sizes can come from variables), in a cache bounded by bytes.
  // The cost model reads no context. Computing a cost takes about 40 µs for the operations/ documents.
  const documentNumber = documentNumbering();
  const costOf = (args: ExecutionArgs) => {
    const { document, operationName } = args;
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const variablesKey = declaredVariablesKey(document, operationName, variables);
    const key = `${documentNumber(document)}|${JSON.stringify(operationName ?? null)}|${variablesKey}`;
    const cached = variablesKey === null ? undefined : cache.get(key);
    if (cached !== undefined) return cached;
    // The cost model prices a document's first operation: give it the one that runs (and the fragments).
    const operation = getOperationAST(document, operationName);
    const selected =
      operation && document.definitions[0] !== operation
        ? {
            ...document,
            definitions: document.definitions.filter(
              (definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition === operation,
            ),
          }
        : document;
    const cost = complexityFromQuery(selected, { schema: args.schema, variables }).complexity;
    // A number, and the Map entry that holds it: a few dozen bytes.
    if (variablesKey !== null) cache.set(key, cost, 32);
    return cost;
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      if (isIntrospectionOnly(args.document)) return;
      let requested: number;
      try {
        requested = costOf(args);
      } catch {
        return; // variables that do not coerce: execution reports them
      }
      const cost = { requested, limit: maxCost };
      if (requested > maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Query cost ${requested} exceeds the limit of ${maxCost}: ask for smaller pages (first/last) or fewer nested lists.`,
              { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost } },
            ),
          ],
          extensions: { cost },
        });
        return;
      }
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, cost } });
        },
      };
    },
  };
}

/** A lost database: SERVICE_UNAVAILABLE (HTTP 503), never an internal error or a trace. */
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DataUnavailableError } from '../data/unavailable.js';
import { ErrorCode } from '../errors.js';

function causedByUnavailableData(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = (e as { originalError?: unknown }).originalError ?? e.cause) {
    if (e instanceof DataUnavailableError) return true;
  }
  return false;
}

/**
 * When any field failed because the data source lost its database, the whole answer is one SERVICE_UNAVAILABLE
 * error with no partial data (a client retries the request, as it would a 503), and HTTP status 503.
 */
export function unavailableDataPlugin(): Plugin {
  const unavailable = (): ExecutionResult => ({
    errors: [
      new GraphQLError('The data is unavailable for a moment (its database cannot be reached); retry shortly.', {
        extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, http: { status: 503, headers: { 'retry-after': '1' } } },
      }),
    ],
  });
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (Symbol.asyncIterator in result) return;
        if ((result as ExecutionResult).errors?.some(causedByUnavailableData)) setResult(unavailable());
      },
    }),
  };
}

/** The execution time limit. */
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { contextOf } from '../context.js';
import { ErrorCode } from '../errors.js';

/**
 * Ends a request whose execution takes longer than the limit with a TIMEOUT error and no data. The limit is the
 * request's deadline (RequestWork in the context): resolvers, loaders and the store's long scans check it as
 * they go, so synchronous work stops too, and a timer ends an execution that is waiting. Either way the
 * answer is the TIMEOUT error alone: the fields computed before the deadline are not sent.
 */
export function executionTimeoutPlugin(timeoutMs: number): Plugin {
  const timedOut = (): ExecutionResult => ({
    errors: [
      new GraphQLError(`Execution took longer than ${timeoutMs} ms and was stopped.`, {
        extensions: { code: ErrorCode.TIMEOUT, limit: timeoutMs },
      }),
    ],
  });
  return {
    onExecute: ({ executeFn, setExecuteFn }) => {
      setExecuteFn((args) => {
        const { work } = contextOf(args);
        work.startDeadline(timeoutMs);
        const finish = (result: ExecutionResult) => (work.expired ? timedOut() : result);
        const result = executeFn(args);
        // An execution that is already done (a cached answer, or one the deadline stopped) has nothing left to time.
        if (!('then' in result)) return finish(result as ExecutionResult);
        // One promise per execution, settled by whichever comes first: the result, or the timer.
        return new Promise<ExecutionResult>((resolve, reject) => {
          const timer = setTimeout(() => {
            work.expire(); // what still runs of the execution stops at its next check
            resolve(timedOut());
          }, timeoutMs);
          (result as Promise<ExecutionResult>).then(
            (done) => {
              clearTimeout(timer);
              resolve(finish(done));
            },
            (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
          );
        });
      });
    },
  };
}

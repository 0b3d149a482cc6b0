/** The execution time limit. */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/** Ends a request whose execution takes longer than the limit with a TIMEOUT error. */
export function executionTimeoutPlugin(timeoutMs: number): Plugin {
  return {
    onExecute: ({ executeFn, setExecuteFn }) => {
      setExecuteFn((args) => {
        const result = executeFn(args);
        // An execution that is already done (a cached answer) has nothing left to time.
        if (!('then' in result)) return result;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<{ errors: GraphQLError[] }>((resolve) => {
          timer = setTimeout(
            () =>
              resolve({
                errors: [
                  new GraphQLError(`Execution took longer than ${timeoutMs} ms and was stopped.`, {
                    extensions: { code: ErrorCode.TIMEOUT, limit: timeoutMs },
                  }),
                ],
              }),
            timeoutMs,
          );
        });
        return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
      });
    },
  };
}

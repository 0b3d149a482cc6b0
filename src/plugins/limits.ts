/**
 * The published limits on a document and its inputs, checked before execution: length, tokens, depth, aliases,
 * directives (graphql-armor), nesting of variables and extensions, and introspection when it is off. The cost
 * limit is in cost.ts, the time limit in timeout.ts, the body size in server.ts.
 */
import type { Plugin as EnvelopPlugin } from '@envelop/core';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';
import { ErrorCode } from '../errors.js';

/** graphql-armor's validation-rule limits report through this, with our code and the limit. */
function rejectWith(code: ErrorCode, limit: number) {
  return [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code, limit } }),
      ),
  ];
}

/** The query text may not be longer than the limit: checked before parsing. */
function documentLengthPlugin(maxLength: number): Plugin {
  return {
    onParams: ({ params }) => {
      if (typeof params.query === 'string' && params.query.length > maxLength) {
        throw new GraphQLError(`Query text of ${params.query.length} characters exceeds the limit of ${maxLength}.`, {
          extensions: { code: ErrorCode.QUERY_TOO_LONG, limit: maxLength, http: { status: 400 } },
        });
      }
    },
  };
}

/** Deepest JSON accepted in `variables` and `extensions`: the schema's inputs nest 3 levels (a filter's list). */
export const MAX_INPUT_DEPTH = 16;

/** True when `value` nests objects or arrays deeper than `maxDepth` (walked without recursion). */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Refuses `variables` or `extensions` nested deeper than MAX_INPUT_DEPTH before anything reads them: no input
 * of the schema nests that deep, and serializing or coercing JSON nested thousands of levels deep overflows
 * the stack (a 500). Variables the operation does not declare are checked too: they are the client's input.
 */
function inputDepthPlugin(): Plugin {
  return {
    onParams: ({ params }) => {
      for (const name of ['variables', 'extensions'] as const) {
        if (nestsDeeperThan(params[name], MAX_INPUT_DEPTH)) {
          throw new GraphQLError(`The ${name} nest deeper than the limit of ${MAX_INPUT_DEPTH} levels.`, {
            extensions: { code: ErrorCode.BAD_USER_INPUT, limit: MAX_INPUT_DEPTH, http: { status: 400 } },
          });
        }
      }
    },
  };
}

/** The limits on the document and its inputs, in the order they apply. */
export function documentLimitPlugins(limits: QueryLimits, introspection: boolean): (Plugin | EnvelopPlugin)[] {
  return [
    documentLengthPlugin(limits.maxDocumentLength),
    maxTokensPlugin({ n: limits.maxTokens }),
    maxDepthPlugin({
      n: limits.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      propagateOnRejection: false,
      onReject: rejectWith(ErrorCode.QUERY_TOO_DEEP, limits.maxDepth),
    }),
    maxAliasesPlugin({
      n: limits.maxAliases,
      propagateOnRejection: false,
      onReject: rejectWith(ErrorCode.TOO_MANY_ALIASES, limits.maxAliases),
    }),
    maxDirectivesPlugin({
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: rejectWith(ErrorCode.TOO_MANY_DIRECTIVES, limits.maxDirectives),
    }),
    ...(introspection
      ? []
      : [
          blockFieldSuggestionsPlugin(),
          {
            onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
          } satisfies Plugin,
        ]),
    inputDepthPlugin(),
  ];
}

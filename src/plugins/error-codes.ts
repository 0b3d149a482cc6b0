/** Gives every error a client sees an `extensions.code` from the one vocabulary (src/errors.ts). */
import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';
import { codeForHttpStatus, ErrorCode } from '../errors.js';

function withCode(error: Error, code: ErrorCode, extra: Record<string, unknown> = {}): Error {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code, ...extra },
  });
}

/**
 * Every error a client sees carries an `extensions.code`: parse and validation errors from graphql-js
 * come without one, so they get the code of the phase that raised them, and HTTP-level errors the code
 * of their status. A library's `originalError` detail (yoga adds JSON.parse's message) is never sent.
 */
export function errorCodesPlugin(limits: QueryLimits, onError: (code: string) => void): Plugin {
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (!(result instanceof GraphQLError)) return;
        // graphql-armor's token limit is enforced by its parser, so it surfaces as a parse error.
        const tooManyTokens = /Token limit of \d+ exceeded/.test(result.message);
        replaceParseResult(
          withCode(
            result,
            tooManyTokens ? ErrorCode.TOO_MANY_TOKENS : ErrorCode.GRAPHQL_PARSE_FAILED,
            tooManyTokens ? { limit: limits.maxTokens } : {},
          ),
        );
      },
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((e) => withCode(e, ErrorCode.GRAPHQL_VALIDATION_FAILED)));
      },
    onResultProcess: ({ result, setResult }) => {
      if (Array.isArray(result)) {
        if (result.some((r) => r.errors?.length)) setResult(result.map((r) => codedResult(r, onError)));
        return;
      }
      if (Symbol.asyncIterator in result) return;
      const coded = codedResult(result, onError);
      if (coded !== result) setResult(coded);
    },
  };
}

/**
 * A result as clients see it: every error with an `extensions.code`, no library's `originalError` detail, and
 * `onError` told each code. The same result when it has no error. (yoga's onResultProcess applies it, and so
 * does the query lane, src/http/query-lane.ts, which answers without yoga's HTTP layer.)
 */
export function codedResult(result: ExecutionResult, onError: (code: string) => void): ExecutionResult {
  if (!result.errors?.length) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const { originalError: _detail, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
      // An error with no path was raised before any resolver ran: if it points into the document
      // (a variable that does not coerce) it is the client's input; otherwise it is an HTTP-level refusal.
      const status = (extensions.http as { status?: number } | undefined)?.status;
      if (!extensions.code && !error.path) {
        extensions.code = error.locations?.length ? ErrorCode.BAD_USER_INPUT : codeForHttpStatus(status);
      } else if (extensions.code === 'BAD_REQUEST' && status !== undefined && status !== 400) {
        // yoga calls every HTTP-level refusal BAD_REQUEST; the status says which (405, 406, 415, …).
        extensions.code = codeForHttpStatus(status);
      }
      const http = extensions.http as { spec?: boolean } | undefined;
      if (http?.spec && !error.locations?.length) {
        // yoga answers a request error (a body that is not JSON, no body, no query) with 200 to a client
        // that accepts only application/json; GraphQL over HTTP says it SHOULD be 400, as it is for
        // application/graphql-response+json. (Parse and validation errors, which point into the
        // document, stay 200 for application/json, as the specification requires.)
        extensions.http = { ...http, spec: false };
      }
      onError(String(extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
      return new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        extensions,
      });
    }),
  };
}

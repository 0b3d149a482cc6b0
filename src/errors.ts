import { GraphQLError } from 'graphql';

/**
 * The codes a client can see in `extensions.code`. Expected errors use one of these;
 * anything else is masked by yoga as an unexpected error.
 */
export const ErrorCode = {
  /** An argument or input failed validation. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The query is deeper than the published limit. */
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  /**
   * The query's computed cost is over the published limit (`extensions.cost` has both, and `largest`, the field
   * that contributes most), or it can return more objects than the node cap (`extensions.nodes` has both): the
   * remedy is the same, smaller pages or fewer nested lists.
   */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The document uses more aliases than the published limit. */
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  /** The document has more tokens than the published limit. */
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  /** The document uses more directives than the published limit. */
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  /** The query text is longer than the published limit. */
  QUERY_TOO_LONG: 'QUERY_TOO_LONG',
  /** The client has spent its budget of cost points (HTTP 429): retry after `Retry-After` seconds. */
  RATE_LIMITED: 'RATE_LIMITED',
  /**
   * The client has as many subscriptions open as it may (HTTP 429), or the server as many as it takes in all (503):
   * `extensions.limit` is that limit, `extensions.scope` CLIENT or SERVER. Close one, or retry later.
   */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** Execution took longer than the published limit. */
  TIMEOUT: 'TIMEOUT',
  /** Not a GraphQL request this server accepts (malformed body, batch, missing query). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** The request needs credentials it did not give (/metrics with a token configured). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** A browser request without the CSRF-prevention header, or another refused request. */
  FORBIDDEN: 'FORBIDDEN',
  /** The request names an operation the document does not have, or several operations and no name. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  /** The HTTP method is not allowed (mutations over GET, PUT, …). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** The request body is larger than the published limit. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The request body's media type is not one GraphQL over HTTP accepts. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The Accept header asks for no media type the server can answer with. */
  NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
  /** The document could not be parsed. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The document does not validate against the schema. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /**
   * A persisted query (`extensions.persistedQuery.sha256Hash`) the server does not have: Apollo's and urql's
   * persisted-query links then send the document with its hash, which registers it. The message is
   * "PersistedQueryNotFound", the one those links look for.
   */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** A document sent with a `persistedQuery` hash that is not its SHA-256: neither run nor registered. */
  PERSISTED_QUERY_MISMATCH: 'PERSISTED_QUERY_MISMATCH',
  /** The server runs only its trusted documents (`--operations trusted`) and this document is not one of them. */
  TRUSTED_DOCUMENTS_ONLY: 'TRUSTED_DOCUMENTS_ONLY',
  /** The data cannot be read for a moment (the database is unreachable): retry after `Retry-After` seconds (HTTP 503). */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  /** An unexpected failure; its details are logged, never sent. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The media type of every error body the server writes itself (outside yoga's own responses). */
export const JSON_MEDIA_TYPE = 'application/json; charset=utf-8';

/** The body of a refusal written outside GraphQL execution: one error with its code (and any other extensions). */
export function errorBody(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] });
}

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions } });
}

/** The code for an error raised at the HTTP level (by yoga or a plugin) that came without one. */
export function codeForHttpStatus(status: number | undefined): ErrorCode {
  switch (status) {
    case 401:
      return ErrorCode.UNAUTHENTICATED;
    case 403:
      return ErrorCode.FORBIDDEN;
    case 405:
      return ErrorCode.METHOD_NOT_ALLOWED;
    case 406:
      return ErrorCode.NOT_ACCEPTABLE;
    case 413:
      return ErrorCode.PAYLOAD_TOO_LARGE;
    case 415:
      return ErrorCode.UNSUPPORTED_MEDIA_TYPE;
    case 400:
      return ErrorCode.BAD_REQUEST;
    case 503:
      return ErrorCode.SERVICE_UNAVAILABLE;
    default:
      return ErrorCode.BAD_USER_INPUT;
  }
}

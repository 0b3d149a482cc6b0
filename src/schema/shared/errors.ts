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
  /** The document could not be parsed. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The document does not validate against the schema. */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** An unexpected failure; its details are logged, never sent. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...extensions } });
}

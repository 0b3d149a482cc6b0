/** Why a query failed, in words: the panels and the search box show it (no DOM here). */
import { QueryError } from './api.js';

/** A refusal or failure in words a reader of the dashboard can act on. */
export function describeError(error: unknown): string {
  if (!(error instanceof QueryError)) return `Something went wrong in the dashboard: ${(error as Error).message}`;
  switch (error.code) {
    case 'UNREACHABLE':
      return 'The server did not answer: it may be down or restarting. Try again in a moment.';
    case 'BAD_RESPONSE':
      return `${error.message} A proxy between the dashboard and the server may be failing.`;
    case 'RATE_LIMITED':
      return `The server is limiting this browser's requests (its budget of cost points is spent)${
        error.retryAfter ? `: try again in ${error.retryAfter} s` : ''
      }.`;
    case 'QUERY_TOO_COMPLEX':
      return `The server refused the query as too costly: ${error.message}`;
    case 'TIMEOUT':
      return `The query took longer than the server allows: ${error.message}`;
    default:
      return error.message;
  }
}

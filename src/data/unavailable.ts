/**
 * A backend that depends on a server (PostgreSQL) may lose it. Its calls then throw DataUnavailableError, which the
 * API answers as SERVICE_UNAVAILABLE (src/plugins/unavailable.ts), never as an internal error or a stack trace.
 */

export class DataUnavailableError extends Error {
  override name = 'DataUnavailableError';
}

/** SQLSTATE classes and driver errors that mean the database cannot be reached now, not that the query is wrong. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return true;
    // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; 53300: too many connections.
    if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300') return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i.test(
    error.message,
  );
}

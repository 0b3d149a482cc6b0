/** Structured JSON logs (pino), and the adapter that gives yoga the same logger. */

import type { YogaLogger } from 'graphql-yoga';
import { type Logger, pino } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Bytes of log lines gathered before they are written: a write every 20 to 150 request lines under load (a GET's
 * line holds its query string).
 */
const LOG_BUFFER_BYTES = 32 * 1024;
/** The longest a line waits in the buffer when fewer come. */
const LOG_FLUSH_MS = 1000;

/**
 * Logs to stdout through a buffer: a line is appended in memory, and the buffer is written asynchronously once it
 * holds 32 KB, or after at most a second: one write for many requests under load, none of them on a request's path
 * (a write per line measured ~10 µs of CPU per request, a third of what the physical limit spends on a request).
 * pino writes what is left synchronously when the process exits (main.ts exits through process.exit), so a
 * shutdown or a crash that reaches `exit` loses no line; `flush()` writes the buffer now (main.ts does after its
 * "serving" line, which scripts wait for).
 */
export function createLogger(level: Config['logLevel']): Logger {
  const destination = pino.destination({
    dest: 1,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    maxWrite: 2 * LOG_BUFFER_BYTES,
  });
  setInterval(() => destination.flush(), LOG_FLUSH_MS).unref();
  return pino({ level, base: { service: 'newsgraph' } }, destination);
}

/** yoga logs strings and errors; pino wants an object (or error) first. */
export function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (first instanceof Error) logger[level]({ err: first }, 'yoga');
      else logger[level]({ detail: rest.length > 0 ? args : first }, 'yoga');
    };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}

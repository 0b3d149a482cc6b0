/** Structured JSON logs (pino), and the adapter that gives yoga the same logger. */

import type { YogaLogger } from 'graphql-yoga';
import { type Logger, pino } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Bytes of log lines gathered before they are written: a write every 3 to 20 request lines under load (a GET's
 * line holds its query string). Measured on pino 10 writing to a file: 3.4 µs of CPU a line with 4 KB, as with a
 * synchronous write per line in a tight loop, but 8.3 µs with 32 KB (sonic-boom's buffer handling grows with it);
 * in the server, fewer writes than one per line, each off the request's path.
 */
const LOG_BUFFER_BYTES = 4096;
const LOG_FLUSH_MS = 1000;

/**
 * Logs to stdout through a buffer: a line is appended in memory, and the buffer is written asynchronously once it
 * holds 4 KB, or after at most a second: one write for many requests under load, none of them on a request's path.
 * (Still the largest fixed cost of an answer replayed without the pipeline: ~13 µs of the ~45 µs of CPU a replayed
 * 304 takes, measured with the log at warn and at info.)
 * pino writes what is left synchronously when the process exits (main.ts exits through process.exit), so a
 * shutdown or a crash that reaches `exit` loses no line; `flush()` writes the buffer now (main.ts does after its
 * "serving" line, which scripts wait for).
 */
export function createLogger(level: Config['logLevel']): Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
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

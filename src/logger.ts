/** Structured JSON logs (pino), and the adapter that gives yoga the same logger. */

import type { YogaLogger } from 'graphql-yoga';
import { type Logger, pino } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Logs to stdout through a buffer: a line is appended in memory and written by the event loop's next write,
 * asynchronously, with the lines that came meanwhile (one write call for many requests under load, none of them
 * on a request's path). pino flushes what is left synchronously when the process exits, so no line is lost on
 * shutdown (main.ts exits through process.exit) or on a crash that reaches `exit`.
 */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'newsgraph' } }, pino.destination({ dest: 1, sync: false }));
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

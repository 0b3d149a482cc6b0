/** Structured JSON logs (pino), and the adapter that gives yoga the same logger. */

import type { YogaLogger } from 'graphql-yoga';
import { type Logger, pino } from 'pino';
import type { Config } from './config.js';

export type { Logger };

export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'newsgraph' } });
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

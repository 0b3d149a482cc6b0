/**
 * The Prometheus endpoint: /metrics on the main port (yoga.ts) and/or on a port of its own (server.ts), and
 * with a token, only to a scraper that sends `Authorization: Bearer <token>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import { ErrorCode, errorBody, JSON_MEDIA_TYPE } from './errors.js';

export const METRICS_PATH = '/metrics';

export interface MetricsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** True when `authorization` is `Bearer <token>` (compared in constant time: the token is a secret). */
function authorized(authorization: string | null | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** The answer to a request for the metrics: the registry's text, or 401 when a token is required and not given. */
export async function metricsAnswer(
  registry: Registry,
  token: string | undefined,
  authorization: string | null | undefined,
): Promise<MetricsAnswer> {
  if (token && !authorized(authorization, token)) {
    return {
      status: 401,
      headers: { 'content-type': JSON_MEDIA_TYPE, 'www-authenticate': 'Bearer' },
      body: errorBody(
        ErrorCode.UNAUTHENTICATED,
        'The metrics need an Authorization: Bearer header with the metrics token.',
      ),
    };
  }
  return { status: 200, headers: { 'content-type': registry.contentType }, body: await registry.metrics() };
}

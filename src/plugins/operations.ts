/** What operators read: readiness, the data version of every response, and the metrics endpoint (request-metrics.ts). */
import type { Plugin } from 'graphql-yoga';
import type { Registry } from 'prom-client';
import type { Context } from '../context.js';
import type { SourceHolder } from '../data/reloader.js';
import { METRICS_PATH, metricsAnswer } from '../metrics.js';

/** Reports the version of the data each response was computed from, so clients can tell when it changed. */
export function dataVersionPlugin(): Plugin<Context> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (Symbol.asyncIterator in result) return;
        setResult({ ...result, extensions: { ...result.extensions, dataVersion: args.contextValue.dataVersion } });
      },
    }),
  };
}

/**
 * GET /ready: 200 while serving, 503 otherwise (starting, or shutting down), with the data version served and
 * how the last reload went (a failed reload does not make it 503: see README, Operations).
 */
export function readinessPlugin(holder: SourceHolder, isReady: () => boolean): Plugin {
  return {
    onRequest: ({ url, endResponse, fetchAPI }) => {
      if (url.pathname !== '/ready') return;
      const ready = isReady();
      endResponse(
        new fetchAPI.Response(JSON.stringify({ ready, ...holder.status() }), {
          status: ready ? 200 : 503,
          headers: { 'content-type': 'application/json' },
        }),
      );
    },
  };
}

/** GET /metrics on the main port, behind the token when one is configured. */
export function metricsEndpointPlugin(registry: Registry, token: string | undefined): Plugin {
  return {
    onRequest: async ({ url, request, endResponse, fetchAPI }) => {
      if (url.pathname !== METRICS_PATH) return;
      const answer = await metricsAnswer(registry, token, request.headers.get('authorization'));
      endResponse(new fetchAPI.Response(answer.body, { status: answer.status, headers: answer.headers }));
    },
  };
}

/** What operators read: readiness, the data version of every response, and the Prometheus metrics. */
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, type Registry } from 'prom-client';
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

/** Counts the errors sent to clients by their code (newsgraph_errors_total); returns the function to call per error. */
export function errorCounter(registry: Registry): (code: string) => void {
  const errorsByCode = new Counter({
    name: 'newsgraph_errors_total',
    help: 'GraphQL errors sent to clients, by extensions.code',
    labelNames: ['code'],
    registers: [registry],
  });
  return (code) => errorsByCode.inc({ code });
}

/** newsgraph_subscriptions_open: the subscriptions open at each scrape (`open()`). */
export function subscriptionsGauge(registry: Registry, open: () => number): void {
  new Gauge({
    name: 'newsgraph_subscriptions_open',
    help: 'Subscriptions (Server-Sent Events streams) open',
    registers: [registry],
    collect() {
      this.set(open());
    },
  });
}

/** The request metrics the README documents, into `registry` (served by metricsEndpointPlugin or server.ts). */
export function prometheusPlugin(registry: Registry): Plugin {
  return usePrometheus({
    endpoint: false,
    registry,
    // Every label has a bounded set of values: nothing a client chooses (the URL, the operation name, the
    // path of an error, made of the client's aliases) becomes a label, or every distinct value would be a
    // new series, a memory leak any client could drive, and one client's aliases readable by the scraper.
    // The errors are counted by code in newsgraph_errors_total; graphql_envelop_error_result keeps the
    // phase and the operation type (query, mutation, subscription). The method is one of node's parser's.
    labels: {
      method: true,
      statusCode: true,
      url: false,
      operationName: false,
      operationType: true,
      path: false,
      phase: true,
    },
    // The metrics the README documents, and no others: the plugin's defaults also walk every document
    // for deprecated fields and keep summaries, which measured ~10% of a small request's CPU.
    metrics: {
      graphql_yoga_http_duration: true,
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_error_result: true,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
    },
  });
}

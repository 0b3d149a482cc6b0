/**
 * The request metrics the README documents, kept cheap: every series is bound once, the first time its label
 * values occur, and each request then only adds to its bound series (prom-client hashes the label values of every
 * observation otherwise). Every label has a bounded set of values: the HTTP method (one of node's parser's), the
 * status, the operation type and the phase of an error; nothing a client chooses (the URL, an operation name, the
 * path of an error, made of its aliases) is a label, or each distinct value would be a new series (a memory leak
 * any client could drive, and one client's aliases readable by the scraper).
 *
 * The names are those @graphql-yoga/plugin-prometheus gave them (dashboards keep working):
 * - graphql_yoga_http_duration{method,statusCode,operationType}: seconds from the request to its response, for
 *   GraphQL requests whose document parsed (answers the replay cache sends count too, see server.ts);
 * - graphql_envelop_request{operationType}: operations executed (a subscription when it opens);
 * - graphql_envelop_request_duration{operationType}: seconds an execution took;
 * - graphql_envelop_error_result{operationType,phase}: a failed parse or validation, and each execution error;
 * - newsgraph_errors_total{code}: the errors sent to clients, by extensions.code;
 * - newsgraph_subscriptions_open, newsgraph_replayed_responses_total{statusCode};
 * - newsgraph_query_lane_responses_total{statusCode}: answers the query lane made (src/http/query-lane.ts).
 */
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type Bound<T> = Map<string, T>;

/** The child of `metric` for these label values, bound on first use. */
function bound<T>(children: Bound<T>, key: string, bind: () => T): T {
  let child = children.get(key);
  if (!child) {
    child = bind();
    children.set(key, child);
  }
  return child;
}

/** What an observation of a histogram's child takes. */
interface Observer {
  observe(value: number): void;
}
interface Incrementer {
  inc(value?: number): void;
}

export class RequestMetrics {
  private readonly httpDuration: Histogram<'method' | 'statusCode' | 'operationType'>;
  private readonly requests: Counter<'operationType'>;
  private readonly requestDuration: Histogram<'operationType'>;
  private readonly errorResults: Counter<'operationType' | 'phase'>;
  private readonly errorsByCode: Counter<'code'>;
  private readonly replays: Counter<'statusCode'>;
  private readonly laneAnswers: Counter<'statusCode'>;
  private readonly boundHttp: Bound<Observer> = new Map();
  private readonly boundRequests: Bound<Incrementer> = new Map();
  private readonly boundDurations: Bound<Observer> = new Map();
  private readonly boundErrorResults: Bound<Incrementer> = new Map();
  private readonly boundCodes: Bound<Incrementer> = new Map();
  private readonly boundReplays: Bound<Incrementer> = new Map();
  private readonly boundLaneAnswers: Bound<Incrementer> = new Map();

  constructor(registry: Registry) {
    const registers = [registry];
    this.httpDuration = new Histogram({
      name: 'graphql_yoga_http_duration',
      help: 'Time spent on HTTP connection',
      labelNames: ['method', 'statusCode', 'operationType'],
      registers,
    });
    this.requests = new Counter({
      name: 'graphql_envelop_request',
      help: 'Counts the amount of GraphQL requests executed through Envelop',
      labelNames: ['operationType'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'graphql_envelop_request_duration',
      help: 'Time spent on running the GraphQL operation from parse to execute',
      labelNames: ['operationType'],
      registers,
    });
    this.errorResults = new Counter({
      name: 'graphql_envelop_error_result',
      help: 'Counts the amount of errors reported from all phases',
      labelNames: ['operationType', 'phase'],
      registers,
    });
    this.errorsByCode = new Counter({
      name: 'newsgraph_errors_total',
      help: 'GraphQL errors sent to clients, by extensions.code',
      labelNames: ['code'],
      registers,
    });
    this.replays = new Counter({
      name: 'newsgraph_replayed_responses_total',
      help: 'Answers replayed by the replay cache without running the GraphQL pipeline, by status',
      labelNames: ['statusCode'],
      registers,
    });
    this.laneAnswers = new Counter({
      name: 'newsgraph_query_lane_responses_total',
      help: "Answers the query lane made (JSON POSTs of known queries, executed without yoga's HTTP layer), by status",
      labelNames: ['statusCode'],
      registers,
    });
  }

  /** A GraphQL request answered `status` after `seconds` (operationType: its operation's, or 'unknown'). */
  http(method: string, status: number, operationType: string, seconds: number): void {
    bound(this.boundHttp, `${method} ${status} ${operationType}`, () =>
      this.httpDuration.labels(method, String(status), operationType),
    ).observe(seconds);
  }

  /** An operation executed (or a subscription opened) in `seconds`. */
  executed(operationType: string, seconds: number): void {
    bound(this.boundRequests, operationType, () => this.requests.labels(operationType)).inc();
    bound(this.boundDurations, operationType, () => this.requestDuration.labels(operationType)).observe(seconds);
  }

  /** An error result in `phase` (parse: the operation type is unknown). */
  errorResult(phase: 'parse' | 'validate' | 'execute', operationType: string | undefined, count = 1): void {
    bound(this.boundErrorResults, `${phase} ${operationType}`, () =>
      this.errorResults.labels(operationType === undefined ? { phase } : { phase, operationType }),
    ).inc(count);
  }

  /** An error sent to a client, by its code. */
  readonly error = (code: string): void => {
    bound(this.boundCodes, code, () => this.errorsByCode.labels(code)).inc();
  };

  /** An answer the replay cache sent. */
  replayed(status: number): void {
    bound(this.boundReplays, String(status), () => this.replays.labels(String(status))).inc();
  }

  /** An answer the query lane made. */
  laneAnswered(status: number): void {
    bound(this.boundLaneAnswers, String(status), () => this.laneAnswers.labels(String(status))).inc();
  }

  /** newsgraph_subscriptions_open, read at each scrape. */
  subscriptionsOpen(registry: Registry, open: () => number): void {
    new Gauge({
      name: 'newsgraph_subscriptions_open',
      help: 'Subscriptions (Server-Sent Events streams) open',
      registers: [registry],
      collect() {
        this.set(open());
      },
    });
  }
}

/** The operation type of each GraphQL request whose document parsed, and when the request came. */
interface RequestState {
  started: number;
  operationType: string | null;
}

/** The request metrics of every GraphQL request yoga answers. */
export function requestMetricsPlugin(metrics: RequestMetrics): Plugin {
  const requests = new WeakMap<Request, RequestState>();
  const stateOf = (context: unknown) => requests.get((context as { request: Request }).request);
  return {
    onRequest: ({ request }) => {
      requests.set(request, { started: performance.now(), operationType: null });
    },
    onParse:
      ({ context }) =>
      ({ result }) => {
        const state = stateOf(context);
        if (result instanceof Error) {
          metrics.errorResult('parse', undefined);
          return;
        }
        const operationName = (context as { params?: { operationName?: string | null } }).params?.operationName;
        const operationType = getOperationAST(result, operationName)?.operation ?? 'unknown';
        if (state) state.operationType = operationType;
      },
    onValidate:
      ({ context }) =>
      ({ valid }) => {
        if (!valid) metrics.errorResult('validate', stateOf(context)?.operationType ?? 'unknown');
      },
    onExecute: ({ args }) => {
      const started = performance.now();
      const operationType = stateOf(args.contextValue)?.operationType ?? 'query';
      return {
        onExecuteDone: ({ result }) => {
          metrics.executed(operationType, (performance.now() - started) / 1000);
          if (!(Symbol.asyncIterator in result) && result.errors?.length) {
            metrics.errorResult('execute', operationType, result.errors.length);
          }
        },
      };
    },
    onSubscribe: () => ({
      onSubscribeResult: () => metrics.executed('subscription', 0),
    }),
    onResponse: ({ request, response }) => {
      const state = requests.get(request);
      if (!state?.operationType) return;
      metrics.http(request.method, response.status, state.operationType, (performance.now() - state.started) / 1000);
    },
  };
}

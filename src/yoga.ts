/**
 * Builds the yoga instance over a data source. Testable without a port: tests call `yoga.fetch`.
 * Every published limit, the error codes, the cost report, the data version, metrics and readiness
 * are plugins here; the HTTP-level limits (body size, timeouts) are in server.ts.
 */

import { useEngine } from '@envelop/core';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type ValidationContext,
} from 'graphql';
import { type CORSOptions, createYoga, type Plugin, type YogaLogger } from 'graphql-yoga';
import { Counter, Registry } from 'prom-client';
import { DEFAULT_LIMITS, type QueryLimits } from './config.js';
import { type Context, type ContextOptions, createContext } from './context.js';
import { fixedSource, type SourceHolder } from './data/reloader.js';
import type { NewsDataSource } from './data/source.js';
import { GRAPHIQL_OPTIONS, memoizedGraphiQL } from './graphiql.js';
import { schema } from './schema/index.js';
import { codeForHttpStatus, ErrorCode } from './schema/shared/errors.js';

/** The header a browser must send with a GET (CSRF prevention); JSON POSTs need nothing. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

export interface NewsYogaOptions extends ContextOptions {
  /** The data: a fixed store, or a holder whose store can be swapped by a reload. */
  source: NewsDataSource | SourceHolder;
  limits?: Partial<QueryLimits>;
  /** Allow introspection (default true); when off, field suggestions are hidden too. */
  introspection?: boolean;
  /** Browser origins allowed by CORS (default: all). */
  corsOrigins?: string[];
  /** yoga's logger (default: none, as in tests). */
  logger?: YogaLogger | false;
  /** Prometheus registry for /metrics (default: a fresh one per instance). */
  registry?: Registry;
  /** Readiness for /ready (default: always ready). */
  isReady?: () => boolean;
}

function isHolder(source: NewsDataSource | SourceHolder): source is SourceHolder {
  return typeof (source as SourceHolder).current === 'function';
}

function withCode(error: Error, code: ErrorCode, extra: Record<string, unknown> = {}): Error {
  if (!(error instanceof GraphQLError) || error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code, ...extra },
  });
}

/**
 * Every error a client sees carries an `extensions.code`: parse and validation errors from graphql-js
 * come without one, so they get the code of the phase that raised them, and HTTP-level errors the code
 * of their status. A library's `originalError` detail (yoga adds JSON.parse's message) is never sent.
 */
function errorCodesPlugin(limits: QueryLimits, onError: (code: string) => void): Plugin {
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (!(result instanceof GraphQLError)) return;
        // graphql-armor's token limit is enforced by its parser, so it surfaces as a parse error.
        const tooManyTokens = /Token limit of \d+ exceeded/.test(result.message);
        replaceParseResult(
          withCode(
            result,
            tooManyTokens ? ErrorCode.TOO_MANY_TOKENS : ErrorCode.GRAPHQL_PARSE_FAILED,
            tooManyTokens ? { limit: limits.maxTokens } : {},
          ),
        );
      },
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((e) => withCode(e, ErrorCode.GRAPHQL_VALIDATION_FAILED)));
      },
    onResultProcess: ({ result, setResult }) => {
      const results = Array.isArray(result) ? result : [result];
      if (!results.some((r) => 'errors' in r && r.errors?.length)) return;
      const cleaned = results.map((r) => {
        if (!('errors' in r) || !r.errors?.length) return r;
        return {
          ...r,
          errors: r.errors.map((error) => {
            const { originalError: _detail, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
            // An error with no path was raised before any resolver ran: if it points into the document
            // (a variable that does not coerce) it is the client's input; otherwise it is an HTTP-level refusal.
            const status = (extensions.http as { status?: number } | undefined)?.status;
            if (!extensions.code && !error.path) {
              extensions.code = error.locations?.length ? ErrorCode.BAD_USER_INPUT : codeForHttpStatus(status);
            } else if (extensions.code === 'BAD_REQUEST' && status !== undefined && status !== 400) {
              // yoga calls every HTTP-level refusal BAD_REQUEST; the status says which (405, 406, 415, …).
              extensions.code = codeForHttpStatus(status);
            }
            onError(String(extensions.code ?? ErrorCode.INTERNAL_SERVER_ERROR));
            return new GraphQLError(error.message, {
              nodes: error.nodes,
              source: error.source,
              positions: error.positions,
              path: error.path,
              extensions,
            });
          }),
        };
      });
      setResult((Array.isArray(result) ? cleaned : cleaned[0]) as Parameters<typeof setResult>[0]);
    },
  };
}

/** graphql-armor's validation-rule limits report through this, with our code and the limit. */
function rejectWith(code: ErrorCode, limit: number) {
  return [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(
        new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code, limit } }),
      ),
  ];
}

/** The query text may not be longer than the limit: checked before parsing. */
function documentLengthPlugin(maxLength: number): Plugin {
  return {
    onParams: ({ params }) => {
      if (typeof params.query === 'string' && params.query.length > maxLength) {
        throw new GraphQLError(`Query text of ${params.query.length} characters exceeds the limit of ${maxLength}.`, {
          extensions: { code: ErrorCode.QUERY_TOO_LONG, limit: maxLength, http: { status: 400 } },
        });
      }
    },
  };
}

/** True when every root field of the document's operations is introspection (`__schema`, `__type`, `__typename`). */
function isIntrospectionOnly(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) =>
      definition.kind !== Kind.OPERATION_DEFINITION ||
      definition.selectionSet.selections.every(
        (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
      ),
  );
}

/**
 * Computes the cost of every query before it runs (the cost model is in builder.ts), refuses it over the
 * limit, and reports `extensions.cost: { requested, limit }` on every response, as GitHub reports rateLimit.
 * Introspection is exempt: GraphiQL and code generators need it whole.
 */
function costPlugin(maxCost: number): Plugin {
  // yoga caches parsed documents, so the same query text is the same DocumentNode: its cost is computed once
  // per set of variables (page sizes can come from variables). The cost model reads no context.
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const costOf = (document: DocumentNode, schema: GraphQLSchema, variables: Record<string, unknown>) => {
    const key = JSON.stringify(variables);
    const byVariables = costs.get(document);
    const cached = byVariables?.get(key);
    if (cached !== undefined) return cached;
    const cost = complexityFromQuery(document, { schema, variables }).complexity;
    const entries = byVariables ?? new Map<string, number>();
    if (entries.size >= 100) entries.clear(); // bounded: variables are the client's to vary
    entries.set(key, cost);
    costs.set(document, entries);
    return cost;
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      if (isIntrospectionOnly(args.document)) return;
      let requested: number;
      try {
        requested = costOf(args.document, args.schema, (args.variableValues ?? {}) as Record<string, unknown>);
      } catch {
        return; // variables that do not coerce: execution reports them
      }
      const cost = { requested, limit: maxCost };
      if (requested > maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Query cost ${requested} exceeds the limit of ${maxCost}: ask for smaller pages (first/last) or fewer nested lists.`,
              { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost } },
            ),
          ],
          extensions: { cost },
        });
        return;
      }
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, cost } });
        },
      };
    },
  };
}

/** Ends a request whose execution takes longer than the limit with a TIMEOUT error. */
function executionTimeoutPlugin(timeoutMs: number): Plugin {
  return {
    onExecute: ({ executeFn, setExecuteFn }) => {
      setExecuteFn((args) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<{ errors: GraphQLError[] }>((resolve) => {
          timer = setTimeout(
            () =>
              resolve({
                errors: [
                  new GraphQLError(`Execution took longer than ${timeoutMs} ms and was stopped.`, {
                    extensions: { code: ErrorCode.TIMEOUT, limit: timeoutMs },
                  }),
                ],
              }),
            timeoutMs,
          );
        });
        return Promise.race([Promise.resolve(executeFn(args)), timeout]).finally(() => clearTimeout(timer));
      });
    },
  };
}

/** Reports the version of the data each response was computed from, so clients can tell when it changed. */
function dataVersionPlugin(): Plugin<Context> {
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result, setResult }) => {
        if (Symbol.asyncIterator in result) return;
        const version = (args.contextValue as Context).source.version;
        setResult({ ...result, extensions: { ...result.extensions, dataVersion: version } });
      },
    }),
  };
}

/** Media types a POST body may have: GraphQL over HTTP's JSON, and a bare GraphQL document. */
const POST_MEDIA_TYPES = ['application/json', 'application/graphql'];
/** Body types a browser sends cross-site without a preflight. */
const SIMPLE_MEDIA_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * Requests take the two shapes GraphQL over HTTP defines. A POST body must be JSON (or a bare document):
 * yoga's form-urlencoded and multipart parsers are not needed and crash on malformed input, so those are
 * refused (415). A GET's `variables` and `extensions` must be JSON objects: yoga parses them unguarded.
 */
function requestShapePlugin(): Plugin {
  const refuse = (fetchAPI: { Response: typeof Response }, status: number, code: ErrorCode, message: string) =>
    new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  return {
    onRequest: ({ request, url, endResponse, fetchAPI }) => {
      // Every path: yoga also serves the endpoint as /graphql/.
      if (request.method === 'POST') {
        const mediaType = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        // A "simple" body type without the CSRF header is what a cross-site form sends: the CSRF check refuses
        // it (403) in its turn; anything else that is not JSON is refused here.
        const crossSiteForm = SIMPLE_MEDIA_TYPES.includes(mediaType) && !request.headers.has(CSRF_HEADER);
        if (mediaType && !POST_MEDIA_TYPES.includes(mediaType) && !crossSiteForm) {
          endResponse(
            refuse(
              fetchAPI,
              415,
              ErrorCode.UNSUPPORTED_MEDIA_TYPE,
              `A POST body must be application/json, not ${mediaType}.`,
            ),
          );
        }
        return;
      }
      if (request.method !== 'GET') return;
      for (const name of ['variables', 'extensions']) {
        const value = url.searchParams.get(name);
        if (value === null || value === '') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          parsed = undefined;
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
          endResponse(refuse(fetchAPI, 400, ErrorCode.BAD_REQUEST, `The ${name} parameter must be a JSON object.`));
          return;
        }
      }
    },
  };
}

/** yoga answers 406 and 415 with an empty body: give them an error with a code like every other refusal. */
function emptyRefusalsPlugin(): Plugin {
  const messages: Record<number, [ErrorCode, string]> = {
    406: [
      ErrorCode.NOT_ACCEPTABLE,
      'The Accept header names no media type this server can answer with: use application/graphql-response+json or application/json.',
    ],
    415: [
      ErrorCode.UNSUPPORTED_MEDIA_TYPE,
      'The request body must be application/json (or a GET with the query in the URL).',
    ],
  };
  return {
    onResponse: ({ response, setResponse, fetchAPI }) => {
      const refusal = messages[response.status];
      if (!refusal || response.body !== null) return;
      const [code, message] = refusal;
      setResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
          status: response.status,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }),
      );
    },
  };
}

/**
 * CORS with an exact allow-list: an allowed origin is echoed; any other origin (including "null", which
 * sandboxed frames and file: pages send) gets no Access-Control-Allow-Origin at all. Never credentials.
 */
function corsFor(origins: string[]) {
  const allowAll = origins.includes('*');
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!allowAll && (!origin || !origins.includes(origin))) return false as unknown as CORSOptions;
    return {
      origin: allowAll ? '*' : (origin as string),
      methods: ['GET', 'POST'],
      credentials: false,
      allowedHeaders: ['content-type', CSRF_HEADER, 'x-request-id'],
    } satisfies CORSOptions;
  };
}

/** GET /ready: 200 while serving (with the data version), 503 otherwise (starting, or shutting down). */
function readinessPlugin(holder: SourceHolder, isReady: () => boolean): Plugin {
  return {
    onRequest: ({ url, endResponse, fetchAPI }) => {
      if (url.pathname !== '/ready') return;
      const ready = isReady();
      endResponse(
        new fetchAPI.Response(JSON.stringify({ ready, dataVersion: holder.current().version }), {
          status: ready ? 200 : 503,
          headers: { 'content-type': 'application/json' },
        }),
      );
    },
  };
}

export function createNewsYoga(options: NewsYogaOptions) {
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const holder = isHolder(options.source) ? options.source : fixedSource(options.source);
  const introspection = options.introspection ?? true;
  const registry = options.registry ?? new Registry();
  const errorsByCode = new Counter({
    name: 'newsgraph_errors_total',
    help: 'GraphQL errors sent to clients, by extensions.code',
    labelNames: ['code'],
    registers: [registry],
  });
  const origins = options.corsOrigins ?? ['*'];

  return createYoga<Record<string, unknown>, Context>({
    schema,
    // The store is read once, when the request starts: a reload never changes the data under a request.
    context: () => createContext(holder.current(), options),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    // Never send stack traces or library messages, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    logging: options.logger ?? false,
    // Arrays of operations are refused (BAD_REQUEST): one request, one operation, one cost.
    batching: false,
    // The body limit is enforced in server.ts from Content-Length, at no cost per request; yoga's own
    // check pipes every body through a counting stream. (yoga.fetch in tests has no body limit.)
    maxRequestBodySize: false,
    // No file uploads: multipart requests are refused (415) rather than parsed.
    multipart: false,
    cors: corsFor(origins),
    renderGraphiQL: memoizedGraphiQL,
    graphiql: GRAPHIQL_OPTIONS,
    plugins: [
      // graphql-js's own executor: it keeps response keys in the order of the query (GraphQL spec §7.2.2),
      // which the @graphql-tools executor version that runs on Node 20 does not.
      useEngine({ execute }),
      errorCodesPlugin(limits, (code) => errorsByCode.inc({ code })),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      documentLengthPlugin(limits.maxDocumentLength),
      maxTokensPlugin({ n: limits.maxTokens }),
      maxDepthPlugin({
        n: limits.maxDepth,
        ignoreIntrospection: true,
        flattenFragments: true,
        propagateOnRejection: false,
        onReject: rejectWith(ErrorCode.QUERY_TOO_DEEP, limits.maxDepth),
      }),
      maxAliasesPlugin({
        n: limits.maxAliases,
        propagateOnRejection: false,
        onReject: rejectWith(ErrorCode.TOO_MANY_ALIASES, limits.maxAliases),
      }),
      maxDirectivesPlugin({
        n: limits.maxDirectives,
        propagateOnRejection: false,
        onReject: rejectWith(ErrorCode.TOO_MANY_DIRECTIVES, limits.maxDirectives),
      }),
      ...(introspection
        ? []
        : [
            blockFieldSuggestionsPlugin(),
            {
              onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
            } satisfies Plugin,
          ]),
      costPlugin(limits.maxCost),
      executionTimeoutPlugin(limits.executionTimeoutMs),
      dataVersionPlugin(),
      readinessPlugin(holder, options.isReady ?? (() => true)),
      requestShapePlugin(),
      emptyRefusalsPlugin(),
      usePrometheus({
        endpoint: '/metrics',
        registry,
        // No label per URL: every distinct query string would otherwise be a new series, a memory leak any
        // client could drive.
        labels: { method: true, statusCode: true, url: false, operationName: false },
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
      }),
    ],
  });
}

export type NewsYoga = ReturnType<typeof createNewsYoga>;

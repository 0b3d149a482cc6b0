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
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  type ValidationContext,
  type VariableDefinitionNode,
  valueFromASTUntyped,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
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
  /** Compile documents executed more than once with graphql-jit (default true); false: graphql-js only. */
  jit?: boolean;
  /** The response cache's size (default: no cache; the server's defaults are in config.ts). */
  responseCache?: ResponseCacheLimits;
}

/** A document compiled by graphql-jit for one of its operations, or null when jit cannot compile it. */
interface JitQuery {
  run: CompiledQuery['query'];
  variableDefinitions: readonly VariableDefinitionNode[];
  /** Variables with a default value, as the client would send it (graphql-jit ignores the default of a `T!`). */
  defaults: [string, unknown][];
}

/**
 * The executor: graphql-jit compiles a document into JavaScript the second time it is executed (the first
 * run, and introspection, use graphql-js: a query sent once is not worth compiling), which cuts the CPU of
 * executing it by about half. The answers are graphql-js's, byte for byte (tests/request-path-jit.test.ts):
 * - response keys come in the order of the query (GraphQL spec §7.2.2), as with graphql-js's `execute`;
 * - variables are coerced by graphql-js first, so a bad variable fails with graphql-js's message, and a
 *   missing variable takes its default (graphql-jit ignores the default of a non-null variable);
 * - an execution with any error, and a document jit cannot compile, are answered by graphql-js.
 * yoga caches parsed documents (the same query text is the same DocumentNode), so compiled queries are kept
 * per document in a WeakMap and go when yoga's cache drops the document. graphql-jit needs synchronous
 * resolveType functions (every abstract type here has one; see schema/index.ts).
 */
function jitExecutor(compileAfter: number) {
  const documents = new WeakMap<DocumentNode, { runs: number; queries: Map<string | null, JitQuery | null> }>();

  const compile = (args: ExecutionArgs, operation: OperationDefinitionNode): JitQuery | null => {
    if (operation.operation !== 'query') return null;
    const compiled = compileQuery(args.schema, args.document, args.operationName ?? undefined, {
      // Errors carry their resolver's stack, or none: capturing one per error is wasted work (never sent).
      disablingCapturingStackErrors: true,
    });
    if (!isCompiledQuery(compiled)) return null;
    const variableDefinitions = operation.variableDefinitions ?? [];
    return {
      run: compiled.query,
      variableDefinitions,
      defaults: variableDefinitions.flatMap((definition) =>
        definition.defaultValue
          ? [[definition.variable.name.value, valueFromASTUntyped(definition.defaultValue)] as [string, unknown]]
          : [],
      ),
    };
  };

  return function jitExecute(args: ExecutionArgs): ReturnType<typeof execute> {
    let document = documents.get(args.document);
    if (!document) {
      document = { runs: 0, queries: new Map() };
      documents.set(args.document, document);
    }
    if (document.runs < compileAfter || isIntrospectionOnly(args.document)) {
      document.runs++;
      return execute(args);
    }
    const name = args.operationName ?? null;
    let query = document.queries.get(name);
    if (query === undefined) {
      // An operation name the document does not have is graphql-js's to report, and nothing is kept for it:
      // what is kept per document is bounded by its operations.
      const operation = getOperationAST(args.document, name);
      if (!operation) return execute(args);
      query = compile(args, operation);
      document.queries.set(name, query);
    }
    if (query === null) return execute(args);
    const given = (args.variableValues ?? {}) as Record<string, unknown>;
    const coerced = getVariableValues(args.schema, query.variableDefinitions, given, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    let variables = given;
    for (const [variable, value] of query.defaults) {
      if (!Object.hasOwn(given, variable)) variables = { ...variables, [variable]: value };
    }
    // An execution with errors is answered by graphql-js: which errors it reports when a null propagates (it
    // stops at the first in a subtree; jit runs every sibling), their order, their locations and masking are
    // graphql-js's own. Resolvers only read, and the request's DataLoaders already hold what they load.
    const result = query.run(args.rootValue, args.contextValue, variables) as ReturnType<typeof execute>;
    if ('then' in result) return result.then((done) => (done.errors ? execute(args) : done));
    return result.errors ? execute(args) : result;
  };
}

type Execute = (args: ExecutionArgs) => ReturnType<typeof execute>;

/** How big the response cache may grow. */
export interface ResponseCacheLimits {
  /** Most answers kept (0: no cache). */
  maxEntries: number;
  /** Most characters of JSON (the `data` of the answers, and their keys) kept, in all. */
  maxBytes: number;
}

/**
 * The response cache: the results of successful executions, per data version, document, operation name and
 * variables, in an LRU of at most `maxEntries` answers and `maxBytes` characters of JSON (an answer larger
 * than a quarter of that is not kept). It sits in the executor, so everything before execution still runs on a
 * hit: the document length, token, depth, alias, directive and cost limits refuse what they refused, and the
 * cost and data-version extensions are added to every response. A result with any error is never kept. The
 * data version is part of the key, and a new version empties the cache: a reload never serves an answer
 * computed from other data. The schema has no mutations and the answers depend on nothing else in the request.
 */
function cachedExecutor(executeFn: Execute, limits: ResponseCacheLimits): Execute {
  if (limits.maxEntries <= 0 || limits.maxBytes <= 0) return executeFn;
  // yoga caches parsed documents, so the same query text is the same DocumentNode: a number names it.
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextId = 0;
  const entries = new Map<string, { result: ExecutionResult; size: number }>(); // least recently used first
  let size = 0;
  let version: string | undefined;
  return function cachedExecute(args) {
    const dataVersion = (args.contextValue as Context).source.version;
    if (dataVersion !== version) {
      entries.clear();
      size = 0;
      version = dataVersion;
    }
    let id = documentIds.get(args.document);
    if (id === undefined) {
      id = nextId++;
      documentIds.set(args.document, id);
    }
    const key = `${dataVersion}|${id}|${JSON.stringify(args.operationName ?? null)}|${JSON.stringify(args.variableValues ?? null)}`;
    const hit = entries.get(key);
    if (hit) {
      entries.delete(key);
      entries.set(key, hit);
      return hit.result;
    }
    const keep = (result: ExecutionResult) => {
      if (result.errors !== undefined || dataVersion !== version) return result;
      // The JSON is made now rather than when yoga serializes the response: it is the same work, done once.
      const dataJson = JSON.stringify(result.data);
      const cached = withCachedJson(result, dataJson);
      // The key counts too: it holds the variables, which may be long.
      const entrySize = dataJson.length + key.length;
      if (entrySize > limits.maxBytes / 4) return cached;
      entries.set(key, { result: cached, size: entrySize });
      size += entrySize;
      for (const [oldest, entry] of entries) {
        if (entries.size <= limits.maxEntries && size <= limits.maxBytes) break;
        entries.delete(oldest);
        size -= entry.size;
      }
      return cached;
    };
    const result = executeFn(args);
    return 'then' in result ? result.then(keep) : keep(result);
  };
}

/**
 * The result with a `stringify` that yoga uses instead of JSON.stringify (graphql-jit's hook for its own
 * serializers): `dataJson`, the JSON of `data`, is reused, and the rest of the response (the extensions that
 * plugins add to every response) is serialized as JSON.stringify would, key by key in the same order.
 */
function withCachedJson(result: ExecutionResult, dataJson: string): ExecutionResult {
  const { data } = result;
  const stringify = (response: Record<string, unknown>): string => {
    if (typeof response.toJSON === 'function') return JSON.stringify(response);
    let json = '';
    for (const key of Object.keys(response)) {
      const value = response[key];
      const valueJson = key === 'data' && value === data ? dataJson : JSON.stringify(value);
      if (valueJson === undefined) continue; // functions (this one) and undefined, as JSON.stringify skips them
      json += `${json ? ',' : '{'}${JSON.stringify(key)}:${valueJson}`;
    }
    return json ? `${json}}` : '{}';
  };
  return { ...result, stringify } as ExecutionResult;
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
        const result = executeFn(args);
        // An execution that is already done (a cached answer) has nothing left to time.
        if (!('then' in result)) return result;
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
        return Promise.race([result, timeout]).finally(() => clearTimeout(timer));
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

/**
 * GET /ready: 200 while serving, 503 otherwise (starting, or shutting down), with the data version served and
 * how the last reload went (a failed reload does not make it 503: see README, Operations).
 */
function readinessPlugin(holder: SourceHolder, isReady: () => boolean): Plugin {
  return {
    onRequest: ({ url, endResponse, fetchAPI }) => {
      if (url.pathname !== '/ready') return;
      const ready = isReady();
      const status = holder.status?.() ?? { dataVersion: holder.current().version };
      endResponse(
        new fetchAPI.Response(JSON.stringify({ ready, ...status }), {
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
      // graphql-jit, or graphql-js's own executor: both keep response keys in the order of the query (GraphQL
      // spec §7.2.2), which the @graphql-tools executor version that runs on Node 20 does not.
      useEngine({
        execute: cachedExecutor(
          options.jit === false ? execute : jitExecutor(1),
          options.responseCache ?? { maxEntries: 0, maxBytes: 0 },
        ),
      }),
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

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
  type ASTVisitor,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute,
  GraphQLError,
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
import { BoundedCache, byteLength } from './bounded-cache.js';
import { DEFAULT_LIMITS, type QueryLimits } from './config.js';
import { type Context, type ContextOptions, createContext } from './context.js';
import { fixedSource, type SourceHolder } from './data/reloader.js';
import type { NewsDataSource } from './data/source.js';
import { GRAPHIQL_OPTIONS, memoizedGraphiQL } from './graphiql.js';
import { METRICS_PATH, metricsAnswer } from './metrics.js';
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
  /** Serve /metrics on this instance's port (default true). */
  metricsEndpoint?: boolean;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>` (401 otherwise). */
  metricsToken?: string;
  /** Readiness for /ready (default: always ready). */
  isReady?: () => boolean;
  /** Compile documents executed more than once with graphql-jit (default true); false: graphql-js only. */
  jit?: boolean;
  /** The response cache's size (default: no cache; the server's defaults are in config.ts). */
  responseCache?: ResponseCacheLimits;
}

/**
 * What a cached document costs on the heap, per lexical token: a parsed document measured 290-490 bytes per
 * token (operations/EntityPage.graphql: 196 tokens, 72 KB), and graphql-jit's compiled code for it a few
 * times that. The caches count documents by their tokens (at most MAX_TOKENS each), not their characters.
 */
const DOCUMENT_BYTES_PER_TOKEN = 500;
const JIT_BYTES_PER_TOKEN = 2_000;

/** The lexical tokens of a parsed document (its location list; documents are parsed with locations). */
function tokenCount(document: DocumentNode): number {
  let count = 0;
  for (let token = document.loc?.startToken ?? null; token; token = token.next) count++;
  return count;
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
 * per document and operation name, in an LRU bounded by their estimated bytes. graphql-jit needs synchronous
 * resolveType functions (every abstract type here has one; see schema/index.ts).
 */
function jitExecutor(compileAfter: number, compiledQueries: BoundedCache<JitQuery | null>) {
  const documents = new WeakMap<DocumentNode, { id: number; runs: number }>();
  let nextId = 0;

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
      document = { id: nextId++, runs: 0 };
      documents.set(args.document, document);
    }
    if (document.runs < compileAfter || isIntrospectionOnly(args.document)) {
      document.runs++;
      return execute(args);
    }
    const name = args.operationName ?? null;
    const key = `${document.id}|${JSON.stringify(name)}`;
    let query = compiledQueries.get(key);
    if (query === undefined) {
      // An operation name the document does not have is graphql-js's to report, and nothing is kept for it.
      const operation = getOperationAST(args.document, name);
      if (!operation) return execute(args);
      query = compile(args, operation);
      compiledQueries.set(key, query, JIT_BYTES_PER_TOKEN * tokenCount(args.document));
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
  /** Most bytes of JSON kept, in all (the `data` of the answers, and their keys), as they take on the heap. */
  maxBytes: number;
}

/** The sizes of the caches a yoga instance keeps, as each counts them (for tests and operators). */
export interface CacheSizes {
  entries: number;
  bytes: number;
  maxBytes: number;
}

/**
 * The part of the variables that can change an operation's answer or cost: the values of the variables the
 * operation declares, by name (a JSON object, so a variable left out, which takes its default, differs from
 * an explicit null). Variables it does not declare are ignored by execution and must not vary a cache key:
 * otherwise one document with a large unused variable makes any number of distinct keys. Null when the
 * operation is not in the document (execution reports that).
 */
function declaredVariablesKey(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): string | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const declared: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (variables && Object.hasOwn(variables, name)) declared[name] = variables[name];
  }
  return JSON.stringify(declared);
}

/** A response served from the cache: its `data` is this marker, which `stringify` replaces with the cached JSON. */
const CACHED_DATA: Record<string, never> = Object.freeze({});

/**
 * The response cache: the JSON of the `data` of successful executions, per data version, document, operation
 * name and declared variables, in an LRU of at most `maxEntries` answers and `maxBytes` bytes (the JSON and
 * the key, as UTF-8; an answer larger than a quarter of that is not kept). Only the JSON is kept, not the
 * result object (which takes several times its JSON's size on the heap): a hit is served those bytes as they
 * are. It sits in the executor, so everything before execution still runs on a hit: the document length,
 * token, depth, alias, directive and cost limits refuse what they refused, and the cost and data-version
 * extensions are added to every response. A result with any error is never kept. The data version is part of
 * the key, and a new version empties the cache: a reload never serves an answer computed from other data.
 * The schema has no mutations and the answers depend on nothing else in the request.
 */
function cachedExecutor(executeFn: Execute, cache: BoundedCache<string> | null): Execute {
  if (!cache) return executeFn;
  // yoga caches parsed documents, so the same query text is the same DocumentNode: a number names it.
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextId = 0;
  let version: string | undefined;
  return function cachedExecute(args) {
    const dataVersion = (args.contextValue as Context).source.version;
    if (dataVersion !== version) {
      cache.clear();
      version = dataVersion;
    }
    const variablesKey = declaredVariablesKey(
      args.document,
      args.operationName,
      args.variableValues as Record<string, unknown> | undefined,
    );
    if (variablesKey === null) return executeFn(args);
    let id = documentIds.get(args.document);
    if (id === undefined) {
      id = nextId++;
      documentIds.set(args.document, id);
    }
    const key = `${dataVersion}|${id}|${JSON.stringify(args.operationName ?? null)}|${variablesKey === '{}' ? 'null' : variablesKey}`;
    const hit = cache.get(key);
    if (hit !== undefined) return withCachedJson({ data: CACHED_DATA }, hit);
    const keep = (result: ExecutionResult) => {
      if (result.errors !== undefined || dataVersion !== version) return result;
      // The JSON is made now rather than when yoga serializes the response: it is the same work, done once.
      const dataJson = JSON.stringify(result.data);
      cache.set(key, dataJson, byteLength(dataJson));
      return withCachedJson(result, dataJson);
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
            const http = extensions.http as { spec?: boolean } | undefined;
            if (http?.spec && !error.locations?.length) {
              // yoga answers a request error (a body that is not JSON, no body, no query) with 200 to a client
              // that accepts only application/json; GraphQL over HTTP says it SHOULD be 400, as it is for
              // application/graphql-response+json. (Parse and validation errors, which point into the
              // document, stay 200 for application/json, as the specification requires.)
              extensions.http = { ...http, spec: false };
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
function costPlugin(maxCost: number, cache: BoundedCache<number>): Plugin {
  // yoga caches parsed documents, so the same query text is the same DocumentNode: its cost is computed once
  // per operation and declared variables (page sizes can come from variables), in a cache bounded by bytes.
  // The cost model reads no context. Computing a cost takes about 40 µs for the operations/ documents.
  const documentIds = new WeakMap<DocumentNode, number>();
  let nextId = 0;
  const costOf = (args: ExecutionArgs) => {
    const { document, operationName } = args;
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const variablesKey = declaredVariablesKey(document, operationName, variables);
    let id = documentIds.get(document);
    if (id === undefined) {
      id = nextId++;
      documentIds.set(document, id);
    }
    const key = `${id}|${JSON.stringify(operationName ?? null)}|${variablesKey}`;
    const cached = variablesKey === null ? undefined : cache.get(key);
    if (cached !== undefined) return cached;
    // The cost model prices a document's first operation: give it the one that runs (and the fragments).
    const operation = getOperationAST(document, operationName);
    const selected =
      operation && document.definitions[0] !== operation
        ? {
            ...document,
            definitions: document.definitions.filter(
              (definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition === operation,
            ),
          }
        : document;
    const cost = complexityFromQuery(selected, { schema: args.schema, variables }).complexity;
    // A number, and the Map entry that holds it: a few dozen bytes.
    if (variablesKey !== null) cache.set(key, cost, 32);
    return cost;
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      if (isIntrospectionOnly(args.document)) return;
      let requested: number;
      try {
        requested = costOf(args);
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

/** Deepest JSON accepted in `variables` and `extensions`: the schema's inputs nest 3 levels (a filter's list). */
export const MAX_INPUT_DEPTH = 16;

/** True when `value` nests objects or arrays deeper than `maxDepth` (walked without recursion). */
function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Refuses `variables` or `extensions` nested deeper than MAX_INPUT_DEPTH before anything reads them: no input
 * of the schema nests that deep, and serializing or coercing JSON nested thousands of levels deep overflows
 * the stack (a 500). Variables the operation does not declare are checked too: they are the client's input.
 */
function inputDepthPlugin(): Plugin {
  return {
    onParams: ({ params }) => {
      for (const name of ['variables', 'extensions'] as const) {
        if (nestsDeeperThan(params[name], MAX_INPUT_DEPTH)) {
          throw new GraphQLError(`The ${name} nest deeper than the limit of ${MAX_INPUT_DEPTH} levels.`, {
            extensions: { code: ErrorCode.BAD_USER_INPUT, limit: MAX_INPUT_DEPTH, http: { status: 400 } },
          });
        }
      }
    },
  };
}

/**
 * An operation whose type the schema does not have (it has queries only) is a validation error, as in the
 * GraphQL specification's "Operation Type Existence" rule (graphql-js 17's KnownOperationTypesRule), rather
 * than graphql-js 16's execution error "Schema is not configured to execute mutation operation".
 */
function knownOperationTypesRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  return {
    OperationDefinition: (node) => {
      if (!schema.getRootType(node.operation)) {
        context.reportError(
          new GraphQLError(`The ${node.operation} operation is not supported by the schema.`, { nodes: node }),
        );
      }
    },
  };
}

/**
 * CORS with an exact allow-list: an allowed origin is echoed; any other origin (including "null", which
 * sandboxed frames and file: pages send) gets no Access-Control-Allow-Origin at all. Never credentials.
 * With an allow-list every answer depends on the request's Origin, so every answer says `Vary: Origin`
 * (varyOnOriginPlugin): a shared cache must not give one origin's answer to another.
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

/** GET /metrics on the main port, behind the token when one is configured. */
function metricsEndpointPlugin(registry: Registry, token: string | undefined): Plugin {
  return {
    onRequest: async ({ url, request, endResponse, fetchAPI }) => {
      if (url.pathname !== METRICS_PATH) return;
      const answer = await metricsAnswer(registry, token, request.headers.get('authorization'));
      endResponse(new fetchAPI.Response(answer.body, { status: answer.status, headers: answer.headers }));
    },
  };
}

/** Adds `Vary: Origin` to every response (CORS with an allow-list: the answer's headers depend on the Origin). */
function varyOnOriginPlugin(): Plugin {
  return {
    onResponse: ({ response }) => {
      const vary = response.headers.get('vary');
      if (!vary?.split(',').some((name) => name.trim().toLowerCase() === 'origin')) {
        response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
      }
    },
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
  // Every cache keyed by what clients send, each bounded by entries and bytes.
  const responseLimits = options.responseCache ?? { maxEntries: 0, maxBytes: 0 };
  const caches = {
    response:
      responseLimits.maxEntries > 0 && responseLimits.maxBytes > 0
        ? new BoundedCache<string>(responseLimits.maxEntries, responseLimits.maxBytes)
        : null,
    cost: new BoundedCache<number>(10_000, 4 * 1024 * 1024),
    // yoga's default: 1,024 documents, however large; here also at most 64 MB of them.
    documents: new BoundedCache<DocumentNode>(1_024, 64 * 1024 * 1024),
    parseErrors: new BoundedCache<unknown>(1_024, 8 * 1024 * 1024),
    jit: new BoundedCache<JitQuery | null>(1_024, 64 * 1024 * 1024),
  };
  const cacheSizes = (): Record<string, CacheSizes> =>
    Object.fromEntries(
      Object.entries(caches).flatMap(([name, cache]) =>
        cache ? [[name, { entries: cache.size, bytes: cache.bytes, maxBytes: cache.maxBytes }]] : [],
      ),
    );

  const yoga = createYoga<Record<string, unknown>, Context>({
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
    parserAndValidationCache: {
      documentCache: {
        get: (query) => caches.documents.get(query),
        set: (query, document) =>
          void caches.documents.set(query, document, DOCUMENT_BYTES_PER_TOKEN * tokenCount(document)),
      },
      // A parse error: its message and location, and the key.
      errorCache: {
        get: (query) => caches.parseErrors.get(query),
        set: (query, error) => void caches.parseErrors.set(query, error, 1_000),
      },
    },
    plugins: [
      // graphql-jit, or graphql-js's own executor: both keep response keys in the order of the query (GraphQL
      // spec §7.2.2), which the @graphql-tools executor version that runs on Node 20 does not.
      useEngine({
        execute: cachedExecutor(options.jit === false ? execute : jitExecutor(1, caches.jit), caches.response),
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
      { onValidate: ({ addValidationRule }) => addValidationRule(knownOperationTypesRule) } satisfies Plugin,
      inputDepthPlugin(),
      costPlugin(limits.maxCost, caches.cost),
      executionTimeoutPlugin(limits.executionTimeoutMs),
      dataVersionPlugin(),
      readinessPlugin(holder, options.isReady ?? (() => true)),
      requestShapePlugin(),
      emptyRefusalsPlugin(),
      ...(origins.includes('*') ? [] : [varyOnOriginPlugin()]),
      ...(options.metricsEndpoint === false ? [] : [metricsEndpointPlugin(registry, options.metricsToken)]),
      usePrometheus({
        // Served by metricsEndpointPlugin (the token) or server.ts (a port of its own).
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
      }),
    ],
  });
  /** The caches' sizes as they count them: entries, bytes, and their byte bound. */
  return Object.assign(yoga, { cacheSizes });
}

export type NewsYoga = ReturnType<typeof createNewsYoga>;

/**
 * The query lane: JSON POSTs of a query whose document the pipeline has already parsed and validated are answered
 * by running the pipeline's own execution (yoga's envelop instance: the cost limit, the time limit, the response
 * cache, graphql-jit, the metrics, error masking) and yoga's own result processor, without yoga's HTTP layer: no
 * Fetch Request or Response, no AbortSignal, no iteration of every plugin's request hooks. That layer was about
 * three quarters of the CPU of an uncached answer (bench/ANALYSIS.md).
 *
 * What yoga decides per request is not decided again here: a request takes the lane only in the one shape whose
 * every decision is already known, and anything else goes to yoga, before anything has run. The shape:
 * - POST on the GraphQL endpoint, Content-Type `application/json` (utf-8), an Accept from ACCEPTED (or none), no
 *   Origin (CORS is yoga's), not in `--operations trusted` mode, a client with budget left;
 * - a body that is a JSON object of `query` (a string within the length limit), `variables` (an object within the
 *   nesting limit, or null) and `operationName` (a string, or null), nothing else (persisted queries are yoga's);
 * - a document yoga parsed and validated before (it is in the parser cache, and `validated` saw it pass), whose
 *   operation is a query: a new, invalid or non-query document goes to yoga, which refuses or answers it.
 *
 * From there the lane does what yoga's request-level plugins do for such a request, with their own functions: the
 * error codes (codedResult), the budget's charge and headers, `Vary: Origin` under an allow-list, the request
 * metrics, and the replay cache's note. tests/query-lane.test.ts sends the same requests (answers, refusals, errors,
 * every Accept) to a server with the lane and one without it, and requires the same status, headers and bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
} from 'graphql';
import { maskError, type Plugin, processRegularResult } from 'graphql-yoga';
import type { BoundedCache } from '../bounded-cache.js';
import { codedResult } from '../plugins/error-codes.js';
import { MAX_INPUT_DEPTH, nestsDeeperThan } from '../plugins/limits.js';
import type { RateLimiter } from '../plugins/rate-limit.js';
import type { RequestMetrics } from '../plugins/request-metrics.js';
import { type ResultNote, resultNote } from './replay-cache.js';

/**
 * The Accept values the lane answers, with the media type yoga's result processor chooses for each (the first
 * listed it can give; none or `*` / `*`: application/json). Any other Accept goes to yoga.
 */
const ACCEPTED = new Map<string | undefined, string>([
  [undefined, 'application/json'],
  ['*/*', 'application/json'],
  ['application/json', 'application/json'],
  ['application/graphql-response+json', 'application/graphql-response+json'],
  ['application/graphql-response+json, application/json', 'application/graphql-response+json'],
  // Apollo Client's
  ['application/graphql-response+json,application/json;q=0.9', 'application/graphql-response+json'],
]);

/** The Content-Type values of a lane request (GraphQL over HTTP's, utf-8). */
const JSON_BODY = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** The body members a lane request may have. */
const MEMBERS = new Set(['query', 'variables', 'operationName']);

/** What yoga's message for an unexpected error is (maskedErrors with its default message). */
const UNEXPECTED_ERROR = 'Unexpected error.';

/** A request the lane takes: its parameters, its document, and the media type of its answer. */
export interface LaneRequest {
  params: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null };
  document: DocumentNode;
  mediaType: string;
  /** Its client, for the budget (null without one). */
  client: string | null;
}

/** The lane's answer, as the handler sends it (lower-case header names). */
export interface LaneAnswer {
  status: number;
  headers: [string, string][];
  body: string;
  note: ResultNote;
}

export interface QueryLaneOptions {
  /** Off: every request goes to yoga (`--query-lane false`). */
  enabled: boolean;
  /** The parser cache yoga fills: the documents by their text. */
  documents: BoundedCache<DocumentNode>;
  maxDocumentLength: number;
  /** `--operations trusted`: every document is yoga's to check. */
  trustedOnly: boolean;
  /** CORS with an allow-list: every answer says `Vary: Origin` (varyOnOriginPlugin). */
  varyOnOrigin: boolean;
  rateLimiter: RateLimiter | null;
  metrics: RequestMetrics;
  /** Each error code sent (errorCodesPlugin's counter). */
  countError: (code: string) => void;
  /** Where an unexpected failure is logged (it is masked for the client). */
  onError: (error: unknown) => void;
}

/** Captures what yoga's result processor answers (it only ever constructs a Response from a body and an init). */
class CapturedResponse {
  constructor(
    readonly body: string,
    readonly init: { status: number; headers: Record<string, string> },
  ) {}
}
const CAPTURE = { Response: CapturedResponse } as unknown as Parameters<typeof processRegularResult>[1];

/** What the lane uses of yoga's envelop instance for one request. */
type GetEnveloped = (context: Record<string, unknown>) => {
  schema: GraphQLSchema;
  contextFactory(): unknown;
  execute(args: ExecutionArgs): unknown;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class QueryLane {
  /** Documents yoga validated without error (validation depends only on the document: the schema and rules are fixed). */
  private readonly validated = new WeakSet<DocumentNode>();
  private getEnveloped: GetEnveloped | null = null;

  constructor(private readonly options: QueryLaneOptions) {}

  /** yoga's plugin: notes the documents that pass validation, and takes yoga's envelop instance. */
  plugin(): Plugin {
    return {
      onYogaInit: ({ yoga }) => {
        this.getEnveloped = yoga.getEnveloped as unknown as GetEnveloped;
      },
      onValidate:
        ({ params }) =>
        ({ valid }) => {
          if (valid) this.validated.add(params.documentAST);
        },
    };
  }

  /** The request as the lane takes it, or null when it is yoga's (nothing has run either way). */
  take(req: IncomingMessage, body: Buffer): LaneRequest | null {
    const { options } = this;
    if (!options.enabled || options.trustedOnly || this.getEnveloped === null) return null;
    const { headers } = req;
    if (headers.origin !== undefined) return null;
    const contentType = headers['content-type'];
    if (contentType === undefined || !JSON_BODY.has(contentType.toLowerCase())) return null;
    const mediaType = ACCEPTED.get(headers.accept);
    if (mediaType === undefined) return null;
    let params: unknown;
    try {
      params = JSON.parse(body.toString('utf8'));
    } catch {
      return null;
    }
    if (!isPlainObject(params)) return null;
    for (const name in params) if (!MEMBERS.has(name)) return null;
    const { query, variables, operationName } = params;
    if (typeof query !== 'string' || query.length > options.maxDocumentLength) return null;
    if (variables !== undefined && variables !== null && !isPlainObject(variables)) return null;
    if (nestsDeeperThan(variables, MAX_INPUT_DEPTH)) return null;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
    const document = options.documents.get(query);
    if (document === undefined || !this.validated.has(document)) return null;
    if (getOperationAST(document, operationName as string | null | undefined)?.operation !== 'query') return null;
    let client: string | null = null;
    if (options.rateLimiter) {
      client = options.rateLimiter.identity.ofNodeRequest(req);
      if (options.rateLimiter.retryAfter(client) > 0) return null; // yoga's plugin refuses it (429)
    }
    return { params: params as LaneRequest['params'], document, mediaType, client };
  }

  /** Executes a request the lane took, and makes its answer as yoga would have. */
  async answer(req: IncomingMessage, res: ServerResponse, taken: LaneRequest, started: number): Promise<LaneAnswer> {
    const { options } = this;
    const { params, document } = taken;
    let result: ExecutionResult;
    try {
      // yoga's context for a request: the server's context, the request and its parameters. There is no Fetch
      // Request here: plugins key their per-request state on this object, and none reads a request in execution.
      const enveloped = (this.getEnveloped as GetEnveloped)({ req, res, request: req, params });
      const contextValue = await enveloped.contextFactory();
      result = (await enveloped.execute({
        schema: enveloped.schema,
        document,
        contextValue: contextValue as ExecutionArgs['contextValue'],
        variableValues: params.variables,
        operationName: params.operationName,
      })) as ExecutionResult;
    } catch (error) {
      // What yoga does with an error its pipeline throws: masked, and logged.
      options.onError(error);
      const masked = maskError(error, UNEXPECTED_ERROR, false);
      result = {
        errors: [masked instanceof GraphQLError ? masked : new GraphQLError(masked.message, { originalError: masked })],
      };
    }
    result = codedResult(result, options.countError);
    const note = resultNote(result);
    const processed = processRegularResult(result, CAPTURE, taken.mediaType) as unknown as CapturedResponse;
    const { status } = processed.init;
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(processed.init.headers)) headers.push([name.toLowerCase(), value]);
    headers.push(['content-length', String(Buffer.byteLength(processed.body))]);
    if (options.rateLimiter && taken.client !== null) {
      const budget = options.rateLimiter.charge(taken.client, note.cost);
      headers.push(['ratelimit-limit', budget.limit], ['ratelimit-remaining', budget.remaining]);
      headers.push(['ratelimit-reset', budget.reset]);
    }
    if (options.varyOnOrigin) headers.push(['vary', 'Origin']);
    options.metrics.http('POST', status, 'query', (performance.now() - started) / 1000);
    options.metrics.laneAnswered(status);
    return { status, headers, body: processed.body, note };
  }
}

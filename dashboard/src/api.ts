/**
 * The dashboard's GraphQL client: the typed documents of client/generated.ts, sent by hash. Each operation is a
 * trusted document of client/persisted-operations.json (written by `npm run codegen` with the generated
 * documents), so it goes as a GET with only its SHA-256 in `extensions.persistedQuery` (Apollo's Automatic
 * Persisted Queries protocol): a short URL the browser and HTTP caches can keep, revalidated by ETag. A server
 * that does not know the hash (PERSISTED_QUERY_NOT_FOUND: an older server, another manifest) gets the document
 * itself with its hash, by POST, which registers it. Every refusal becomes a QueryError with the server's code.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import manifest from '../../client/persisted-operations.json' with { type: 'json' };

/** The CSRF-prevention header the server requires on GET requests (src/plugins/graphql-over-http.ts). */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/** Codes the dashboard gives failures that never reached GraphQL. */
export const CLIENT_CODES = {
  /** No answer: the server is down, restarting, or the network is gone. */
  UNREACHABLE: 'UNREACHABLE',
  /** An answer that is not a GraphQL response (a proxy's error page, ...). */
  BAD_RESPONSE: 'BAD_RESPONSE',
} as const;

/** A query the server refused or could not answer, with the code to explain it by. */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    message: string,
    /** `extensions.code` of the first error, or one of CLIENT_CODES. */
    readonly code: string,
    readonly operation: string,
    /** HTTP status (0 when no answer came). */
    readonly status: number,
    /** Seconds to wait before retrying, from `Retry-After` (RATE_LIMITED). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

interface PersistedDocument {
  hash: string;
  document: string;
}

/** The trusted documents by operation name (each file of operations/ holds exactly one named operation). */
const persisted = new Map<string, PersistedDocument>();
for (const [hash, document] of Object.entries(manifest as Record<string, string>)) {
  const name = /^(?:query|mutation|subscription)\s+(\w+)/.exec(document)?.[1];
  if (name) persisted.set(name, { hash, document });
}

/** The name of a document's operation. */
export function operationName(document: TypedDocumentNode<unknown, never>): string {
  for (const definition of document.definitions) {
    if (definition.kind === 'OperationDefinition' && definition.name) return definition.name.value;
  }
  throw new Error('a document without a named operation');
}

/** The trusted document of a generated document: its hash and its text as the server has them. */
export function persistedDocument(document: TypedDocumentNode<unknown, never>): PersistedDocument {
  const name = operationName(document);
  const entry = persisted.get(name);
  if (!entry) throw new Error(`${name} is not in client/persisted-operations.json: run \`npm run codegen\``);
  return entry;
}

interface GraphQLPayload<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { dataVersion?: string };
}

export interface Answer<T> {
  data: T;
  /** `extensions.dataVersion`: the data the answer was computed from. */
  dataVersion: string | null;
}

export interface ClientOptions {
  /** The GraphQL endpoint (default: `graphql` next to the page). */
  endpoint: URL;
  /** Called with the data version of every answer. */
  onDataVersion?: (version: string) => void;
  /** `fetch` (tests give their own). */
  fetch?: typeof fetch;
}

export type Client = <TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  signal?: AbortSignal,
) => Promise<Answer<TResult>>;

const ACCEPT = 'application/graphql-response+json, application/json';

/** A client for `options.endpoint`. */
export function createClient(options: ClientOptions): Client {
  const send = options.fetch ?? ((input, init) => fetch(input, init));

  async function exchange<T>(name: string, request: () => Promise<Response>): Promise<[Response, GraphQLPayload<T>]> {
    let response: Response;
    try {
      response = await request();
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new QueryError('The server did not answer: it may be down or restarting.', 'UNREACHABLE', name, 0);
    }
    const text = await response.text();
    try {
      return [response, JSON.parse(text) as GraphQLPayload<T>];
    } catch {
      throw new QueryError(
        `The server answered HTTP ${response.status} with something other than GraphQL.`,
        'BAD_RESPONSE',
        name,
        response.status,
      );
    }
  }

  return async function run<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    signal?: AbortSignal,
  ): Promise<Answer<TResult>> {
    const name = operationName(document as TypedDocumentNode<unknown, never>);
    const { hash, document: text } = persistedDocument(document as TypedDocumentNode<unknown, never>);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    const url = new URL(options.endpoint);
    url.searchParams.set('operationName', name);
    url.searchParams.set('variables', JSON.stringify(variables ?? {}));
    url.searchParams.set('extensions', JSON.stringify(extensions));
    let [response, payload] = await exchange<TResult>(name, () =>
      send(url, { method: 'GET', headers: { accept: ACCEPT, [CSRF_HEADER]: 'dashboard' }, signal: signal ?? null }),
    );
    if (payload.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND') {
      [response, payload] = await exchange<TResult>(name, () =>
        send(options.endpoint, {
          method: 'POST',
          headers: { accept: ACCEPT, 'content-type': 'application/json' },
          body: JSON.stringify({ query: text, operationName: name, variables: variables ?? {}, extensions }),
          signal: signal ?? null,
        }),
      );
    }
    const dataVersion = payload.extensions?.dataVersion ?? null;
    if (dataVersion) options.onDataVersion?.(dataVersion);
    const first = payload.errors?.[0];
    if (first) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new QueryError(
        first.message,
        first.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
        name,
        response.status,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
      );
    }
    if (payload.data == null) {
      throw new QueryError(`HTTP ${response.status} without data`, 'BAD_RESPONSE', name, response.status);
    }
    return { data: payload.data, dataVersion };
  };
}

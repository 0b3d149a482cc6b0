/**
 * A small typed client over the generated documents (client/generated.ts): `request` sends any
 * TypedDocumentNode and returns its typed data, and a few functions show typical calls.
 * It needs only `fetch` (Node 18+ or a browser) and `graphql`'s `print`.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, print } from 'graphql';
import {
  ArticlesPageDocument,
  type ArticlesPageQuery,
  EntityPageDocument,
  type EntityPageQuery,
  EventEvidenceDocument,
  type EventEvidenceQuery,
  PersonSummaryDocument,
  type PersonSummaryQuery,
  SearchDocument,
  type SearchQuery,
} from './generated.js';

/** A GraphQL error as the server sends it; newsgraph always sets `extensions.code`. */
export interface GraphQLErrorPayload {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string } & Record<string, unknown>;
}

/** The request failed: the server answered with errors, no data, or not GraphQL at all. */
export class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
  constructor(
    message: string,
    /** HTTP status of the response. */
    readonly status: number,
    /** The response's `errors`, empty when it had none. */
    readonly errors: GraphQLErrorPayload[] = [],
  ) {
    super(message);
  }
}

/**
 * Sends `document` with `variables` to the GraphQL endpoint `url` and returns the response's data, typed
 * by the document. Throws a GraphQLRequestError naming the operation and every error (with its code and
 * path) when the response has errors, even alongside partial data.
 */
export async function request<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<TResult> {
  const operationName = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)?.name?.value;
  const label = operationName ?? 'anonymous operation';
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...init.headers,
    },
    body: JSON.stringify({ query: print(document), variables, operationName }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await response.text();
  let body: { data?: TResult | null; errors?: GraphQLErrorPayload[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new GraphQLRequestError(
      `${label}: HTTP ${response.status}, the response is not JSON: ${text.slice(0, 200)}`,
      response.status,
    );
  }
  if (body.errors?.length) {
    const details = body.errors.map(
      (error) =>
        `${error.message}${error.extensions?.code ? ` [${error.extensions.code}]` : ''}` +
        `${error.path ? ` at ${error.path.join('.')}` : ''}`,
    );
    throw new GraphQLRequestError(
      `${label} failed (HTTP ${response.status}): ${details.join('; ')}`,
      response.status,
      body.errors,
    );
  }
  if (body.data == null) {
    throw new GraphQLRequestError(`${label}: HTTP ${response.status} without data or errors`, response.status);
  }
  return body.data;
}

export type PersonSummary = NonNullable<PersonSummaryQuery['person']>;

/** Who a person is and what they belong to; null when no person has this slug. */
export async function personSummary(url: string, slug: string): Promise<PersonSummary | null> {
  return (await request(url, PersonSummaryDocument, { slug })).person;
}

/** An event with the relations to other events and the quotes that state them; null when unknown. */
export async function eventEvidence(url: string, slug: string): Promise<EventEvidenceQuery['event']> {
  return (await request(url, EventEvidenceDocument, { slug })).event;
}

export type SearchHit = SearchQuery['search']['nodes'][number];

/** The best matches for `query`, with the total number of matches. */
export async function search(
  url: string,
  query: string,
  first = 10,
): Promise<{ totalCount: number; hits: SearchHit[] }> {
  const { search } = await request(url, SearchDocument, { query, first });
  return { totalCount: search.totalCount, hits: search.nodes };
}

export type ArticleListItem = ArticlesPageQuery['articles']['edges'][number]['node'];

/** Every article, newest first, fetched page by page by following `pageInfo.endCursor`. */
export async function allArticles(url: string, pageSize = 20): Promise<ArticleListItem[]> {
  const articles: ArticleListItem[] = [];
  let after: string | null = null;
  for (;;) {
    const { articles: page }: ArticlesPageQuery = await request(url, ArticlesPageDocument, { first: pageSize, after });
    articles.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return articles;
    after = page.pageInfo.endCursor;
  }
}

export type EntityPage = Exclude<NonNullable<EntityPageQuery['node']>, { __typename: 'Article' }>;

/** The page of a person, organization or event by global ID; null when the ID names no entity. */
export async function entityPage(url: string, id: string, articlesFirst = 5): Promise<EntityPage | null> {
  const { node } = await request(url, EntityPageDocument, { id, articlesFirst });
  return node && node.__typename !== 'Article' ? node : null;
}

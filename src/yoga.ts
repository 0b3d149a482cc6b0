/**
 * Builds the yoga instance over a data source. Testable without a port: tests call `yoga.fetch`.
 */
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { GraphQLError } from 'graphql';
import { createYoga, type GraphiQLOptions, type Plugin } from 'graphql-yoga';
import { type Context, type ContextOptions, createContext } from './context.js';
import type { NewsDataSource } from './data/source.js';
import { schema } from './schema/index.js';
import { ErrorCode } from './schema/shared/errors.js';

export const DEFAULT_MAX_DEPTH = 12;

export interface NewsYogaOptions extends ContextOptions {
  source: NewsDataSource;
  /** Deepest selection accepted (introspection is exempt). */
  maxDepth?: number;
  /** Log through yoga's logger (off in tests). */
  logging?: boolean;
}

/** The query GraphiQL opens with: a useful first look at the graph. */
export const GRAPHIQL_DEFAULT_QUERY = `# Welcome to newsgraph: people, organizations and events from the news,
# every relationship backed by a quote. Press the run button.
query WhoIsMajidAzizi {
  person(slug: "majid-azizi") {
    name
    nationalities
    affiliations {
      role
      organization { name parent { name } }
      evidence { quote article { headline } }
    }
    articles(first: 5) { totalCount nodes { headline publishedAt } }
  }
}
`;

/**
 * Every error a client sees carries an `extensions.code`: parse and validation errors from
 * graphql-js come without one, so they get the code of the phase that raised them.
 */
function errorCodesPlugin(): Plugin {
  const withCode = (errors: readonly Error[], code: ErrorCode) =>
    errors.map((error) =>
      !(error instanceof GraphQLError) || error.extensions?.code
        ? error
        : new GraphQLError(error.message, {
            nodes: error.nodes,
            source: error.source,
            positions: error.positions,
            path: error.path,
            originalError: error.originalError,
            extensions: { ...error.extensions, code },
          }),
    );
  return {
    onParse:
      () =>
      ({ result, replaceParseResult }) => {
        if (result instanceof GraphQLError) replaceParseResult(withCode([result], ErrorCode.GRAPHQL_PARSE_FAILED)[0]);
      },
    onValidate:
      () =>
      ({ result, setResult }) => {
        if (result.length > 0) setResult(withCode(result, ErrorCode.GRAPHQL_VALIDATION_FAILED));
      },
    // Last pass over every response, HTTP-level errors included: errors raised before any
    // resolver ran (variables that do not coerce) are the client's input, and a library's
    // `originalError` detail (yoga adds JSON.parse's message) is not sent.
    onResultProcess: ({ result, setResult }) => {
      const results = Array.isArray(result) ? result : [result];
      if (!results.some((r) => 'errors' in r && r.errors?.length)) return;
      const cleaned = results.map((r) => {
        if (!('errors' in r) || !r.errors?.length) return r;
        return {
          ...r,
          errors: r.errors.map((error) => {
            const { originalError: _detail, ...extensions } = (error.extensions ?? {}) as Record<string, unknown>;
            if (!extensions.code && !error.path) extensions.code = ErrorCode.BAD_USER_INPUT;
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

/** Reports the version of the data each response was computed from, so clients can tell when it changed. */
function dataVersionPlugin(source: NewsDataSource): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: ({ result, setResult }) => {
        if (Symbol.asyncIterator in result) return;
        setResult({ ...result, extensions: { ...result.extensions, dataVersion: source.version } });
      },
    }),
  };
}

/**
 * The README's example queries ("Example queries"), opened as GraphiQL tabs after the default query so each is
 * one click away. Each is a comment and an operation name (the tab's title) on top of the README block, which
 * follows byte for byte: the README stays the documentation, and tests-e2e checks that the two agree.
 */
export const GRAPHIQL_EXAMPLE_QUERIES: readonly string[] = [
  `# From the README: who is Majid Azizi?
query PersonAndAffiliations {
  person(slug: "majid-azizi") {
    name
    nationalities
    articles {
      totalCount
    }
    affiliations {
      role
      organization {
        name
        parent {
          name
        }
      }
    }
  }
}
`,
  `# From the README: what was timed to the APEC meeting?
query TimedToApecMeeting {
  event(slug: "apec-meeting-2024") {
    name
    startDate
    eventRelations {
      from {
        name
      }
      relation
      evidence {
        quote
        start
        end
        article {
          headline
        }
      }
    }
  }
}
`,
  `# From the README: search, best match first
query SearchQuds {
  search(query: "quds", first: 3) {
    totalCount
    nodes {
      __typename
      ... on Organization {
        name
        kind
        country
      }
      ... on Event {
        name
      }
      ... on Article {
        headline
      }
    }
  }
}
`,
];

const renderedGraphiQL = new Map<string, string>();
function memoizedGraphiQL(options?: GraphiQLOptions): string {
  const key = JSON.stringify(options ?? {});
  let page = renderedGraphiQL.get(key);
  if (page === undefined) {
    page = renderGraphiQL(options);
    renderedGraphiQL.set(key, page);
  }
  return page;
}

export function createNewsYoga(options: NewsYogaOptions) {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  return createYoga<Record<string, unknown>, Context>({
    schema,
    context: () => createContext(options.source, options),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Never send stack traces or library messages, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    logging: options.logging ?? false,
    // GraphiQL's code is served from this server, not from a CDN, so it works offline and behind firewalls.
    // The page (about 9 MB) is rendered once per set of options.
    renderGraphiQL: memoizedGraphiQL,
    graphiql: {
      title: 'newsgraph',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      // Used only when the browser has no tabs stored from an earlier visit.
      defaultTabs: [GRAPHIQL_DEFAULT_QUERY, ...GRAPHIQL_EXAMPLE_QUERIES].map((query) => ({ query })),
    },
    plugins: [
      errorCodesPlugin(),
      maxDepthPlugin({
        n: maxDepth,
        ignoreIntrospection: true,
        flattenFragments: true,
        propagateOnRejection: false,
        onReject: [
          (context, error) =>
            context?.reportError(
              new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
                extensions: { code: ErrorCode.QUERY_TOO_DEEP, limit: maxDepth },
              }),
            ),
        ],
      }),
      dataVersionPlugin(options.source),
    ],
  });
}

export type NewsYoga = ReturnType<typeof createNewsYoga>;

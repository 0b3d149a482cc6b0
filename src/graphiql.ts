/**
 * GraphiQL as newsgraph serves it: its code inlined in the page (no CDN, so it works offline and behind
 * firewalls), a useful default query, and the README's examples one click away as tabs.
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

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

/** The page (about 9 MB) is rendered once per set of options. */
const renderedGraphiQL = new Map<string, string>();
export function memoizedGraphiQL(options?: GraphiQLOptions): string {
  const key = JSON.stringify(options ?? {});
  let page = renderedGraphiQL.get(key);
  if (page === undefined) {
    page = renderGraphiQL(options);
    renderedGraphiQL.set(key, page);
  }
  return page;
}

/** yoga's `graphiql` option. */
export const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: 'newsgraph',
  defaultQuery: GRAPHIQL_DEFAULT_QUERY,
  // Used only when the browser has no tabs stored from an earlier visit.
  defaultTabs: [GRAPHIQL_DEFAULT_QUERY, ...GRAPHIQL_EXAMPLE_QUERIES].map((query) => ({ query })),
  // Every operation as a JSON POST, subscriptions too (GraphiQL would send those by GET, which the CSRF
  // prevention refuses without its header): a subscription is then a POST asking for text/event-stream.
  method: 'POST',
};

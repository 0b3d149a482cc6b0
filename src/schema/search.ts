import { z } from 'zod';
import { builder } from '../builder.js';
import type { Loaders } from '../context.js';
import type { ArticleRecord, EntityRecord } from '../data/records.js';
import type { SearchHit } from '../data/source.js';
import { ArticleRef } from './article.js';
import { EventRef } from './event.js';
import { OrganizationRef } from './organization.js';
import { PersonRef } from './person.js';
import { resolveConnection } from './shared/connections.js';
import { required } from './shared/references.js';

const MAX_QUERY_LENGTH = 200;

export const SearchResultUnion = builder.unionType('SearchResult', {
  description: 'Anything search can find: an article or an entity.',
  types: () => [ArticleRef, PersonRef, OrganizationRef, EventRef],
});

export const SearchResultConnection = builder.connectionObject(
  {
    type: SearchResultUnion,
    name: 'SearchResultConnection',
    description: 'A page of search results, best match first.',
  },
  {
    description: 'A search result with its relevance.',
    fields: (t) => ({
      score: t.float({
        description:
          'Relevance: higher is better. Exact name or alias matches score above partial matches, which score above body matches.',
        resolve: (edge) => (edge as unknown as SearchHit).score,
      }),
    }),
  },
);

/** The article or entity a search hit names. */
async function loadHit(loaders: Loaders, hit: SearchHit): Promise<ArticleRecord | EntityRecord> {
  if (hit.type === 'Article') return loaders.article.load(hit.slug).then(required('article', hit.slug));
  return loaders.entity({ type: hit.type, slug: hit.slug }).then(required(hit.type, hit.slug));
}

builder.queryFields((t) => ({
  search: t.connection(
    {
      type: SearchResultUnion,
      description:
        'Articles and entities matching the words of `query` (all of them, by prefix), case- and accent-insensitive, in names, aliases, headlines and bodies; best match first.',
      args: {
        query: t.arg.string({
          required: true,
          description: `Words to look for (1–${MAX_QUERY_LENGTH} characters).`,
          validate: z
            .string()
            .trim()
            .min(1, 'must not be empty')
            .max(MAX_QUERY_LENGTH, `must be at most ${MAX_QUERY_LENGTH} characters`),
        }),
      },
      resolve: async (_root, args, { source, loaders }) => {
        const hits = await source.search(args.query);
        return resolveConnection(args, hits.length, (start, end) =>
          Promise.all(
            hits.slice(start, end).map(async (hit) => ({
              score: hit.score,
              node: await loadHit(loaders, hit),
            })),
          ),
        );
      },
    },
    SearchResultConnection,
  ),
}));

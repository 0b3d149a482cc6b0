import { z } from 'zod';
import { builder } from '../builder.js';
import type { Loaders } from '../context.js';
import type { SearchHighlight, SearchHit, SearchTarget } from '../data/contract.js';
import { ENTITY_TYPES } from '../data/entity-types.js';
import type { ArticleRecord, EntityRecord } from '../data/records.js';
import { ArticleRef } from './article.js';
import { entityLists } from './entities.js';
import { offsetConnection } from './shared/connections.js';
import { entityTypeEnumValues } from './shared/entity-lists.js';
import { searchTextSchema, TEXT_MATCHING } from './shared/filters.js';
import { loadRequired } from './shared/references.js';

/** Articles and every entity type. */
const SEARCH_TYPES = 1 + ENTITY_TYPES.length;

export const SearchResultUnion = builder.unionType('SearchResult', {
  description: 'Anything search can find: an article or an entity.',
  types: () => [ArticleRef, ...ENTITY_TYPES.map((type) => entityLists()[type].ref)],
  // Explicit, rather than graphql-js's default resolver, which executors such as graphql-jit do not support.
  resolveType: (result) => ('headline' in result ? 'Article' : result.type),
});

export const SearchTypeEnum = builder.enumType('SearchType', {
  description: 'A kind of thing search can find.',
  values: {
    ARTICLE: { description: 'Articles, by headline and body.', value: 'Article' as const },
    ...entityTypeEnumValues((plural) => `${plural}, by name and aliases.`),
  },
});

export const SearchFieldEnum = builder.enumType('SearchField', {
  description: 'The field a search highlight was found in.',
  values: {
    NAME: { description: 'The entity’s name.' },
    ALIAS: { description: 'One of the entity’s aliases (given in `alias`).' },
    HEADLINE: { description: 'The article’s headline.' },
    BODY: { description: 'The article’s body.' },
  },
});

export const SearchHighlightRef = builder.objectRef<SearchHighlight>('SearchHighlight');

SearchHighlightRef.implement({
  description: 'A word that matched the query, with its offsets in the field it came from.',
  fields: (t) => ({
    field: t.field({ type: SearchFieldEnum, description: 'The field the match is in.', resolve: (h) => h.field }),
    alias: t.exposeString('alias', {
      nullable: true,
      description: 'When `field` is ALIAS: the alias that matched (the offsets index into it); otherwise null.',
    }),
    text: t.exposeString('text', {
      description: 'The matched word, exactly as in the field: `value.slice(start, end)`.',
    }),
    start: t.exposeInt('start', { description: 'Offset of its first character in the field (UTF-16 code units).' }),
    end: t.exposeInt('end', { description: 'Offset just past its last character in the field (UTF-16 code units).' }),
  }),
});

export const SearchResultConnection = builder.connectionObject(
  {
    type: SearchResultUnion,
    name: 'SearchResultConnection',
    description: 'A page of search results, best match first.',
  },
  {
    description: 'A search result with its relevance and where it matched.',
    fields: (t) => ({
      score: t.float({
        description:
          'Relevance: higher is better. Exact name or alias matches score above matches in names, aliases or headlines, which score above body-only matches.',
        resolve: (edge) => (edge as unknown as SearchHit).score,
      }),
      highlights: t.field({
        type: [SearchHighlightRef],
        description:
          'Where the query matched: in names and aliases for entities, in the headline and body for articles (at most 5 per field).',
        resolve: (edge) => (edge as unknown as { highlights: SearchHighlight[] }).highlights,
      }),
    }),
  },
);

/** The article or entity a search hit names. */
async function loadHit(loaders: Loaders, hit: SearchHit): Promise<ArticleRecord | EntityRecord> {
  if (hit.type === 'Article') return loadRequired(loaders.article, hit.slug, 'article');
  return loadRequired(loaders.ofType(hit.type), hit.slug, hit.type);
}

builder.queryFields((t) => ({
  search: t.connection(
    {
      type: SearchResultUnion,
      description:
        'Articles and entities matching all the words of `query` (see its description), case- and accent-insensitive, in names, aliases, headlines and bodies; best match first.',
      args: {
        query: t.arg.string({
          required: true,
          description: `Words to look for, all of which must match. ${TEXT_MATCHING}`,
          validate: searchTextSchema,
        }),
        types: t.arg({
          type: [SearchTypeEnum],
          required: false,
          description: 'Only find these kinds of things (default: all).',
          validate: z.array(z.string()).max(SEARCH_TYPES, `at most ${SEARCH_TYPES} types`),
        }),
      },
      resolve: (_root, args, { source, loaders, work }, info) =>
        offsetConnection(args, info, async (offset, size) => {
          const { totalCount, hits } = await source.search(
            args.query,
            args.types as SearchTarget[] | null | undefined,
            { offset, size },
            work,
          );
          // Highlights only for the hits shown: finding words in long bodies costs.
          const [highlights, nodes] = await Promise.all([
            hits.length > 0 ? source.searchHighlights(hits.map((hit) => ({ query: args.query, hit }))) : [],
            Promise.all(hits.map((hit) => loadHit(loaders, hit))),
          ]);
          const items = hits.map((hit, i) => ({
            ...hit,
            highlights: highlights[i] ?? [],
            node: nodes[i] as (typeof nodes)[number],
          }));
          return { totalCount, items };
        }),
    },
    SearchResultConnection,
  ),
}));

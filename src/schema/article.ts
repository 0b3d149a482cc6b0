import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { builder } from '../builder.js';
import type { Loaders } from '../context.js';
import {
  type ArticleListQuery,
  articleOrderKey,
  articleOrderOf,
  MENTIONS_IN_ARTICLE,
  ORDERING,
} from '../data/contract.js';
import { ENTITY_TYPE_INFO, ENTITY_TYPES } from '../data/entity-types.js';
import type { ArticleRecord } from '../data/records.js';
import type { PageArgs } from '../pagination.js';
import { entityLists } from './entities.js';
import { MentionConnection, MentionRef } from './mention.js';
import { loadAll, pagedConnection } from './shared/connections.js';
import { ENTITY_PLURALS, oneOf } from './shared/entity-lists.js';
import {
  entityKeyOfId,
  idOfType,
  OrderDirectionEnum,
  reducedDateSchema,
  searchTextSchema,
  TEXT_MATCHING,
  windowBoundDescription,
  windowIsOrdered,
} from './shared/filters.js';
import { lookupField } from './shared/lookup.js';

const MAX_MENTIONS_FILTER = 10;

export const ArticleFilterInput = builder.inputType('ArticleFilter', {
  description: 'Conditions on articles; every condition given must hold.',
  fields: (t) => ({
    mentions: t.idList({
      required: false,
      description: `Only articles that mention all of these entities (IDs of ${oneOf(ENTITY_PLURALS)}; at most ${MAX_MENTIONS_FILTER}).`,
      validate: z.array(idOfType(...ENTITY_TYPES)).max(MAX_MENTIONS_FILTER, `at most ${MAX_MENTIONS_FILTER} entities`),
    }),
    publishedFrom: t.string({
      required: false,
      description: windowBoundDescription('from', 'articles published'),
      validate: reducedDateSchema,
    }),
    publishedTo: t.string({
      required: false,
      description: windowBoundDescription('to', 'articles published'),
      validate: reducedDateSchema,
    }),
    text: t.string({
      required: false,
      description: `Only articles whose headline or body contain all these words. ${TEXT_MATCHING}`,
      validate: searchTextSchema,
    }),
  }),
  validate: z
    .object({ publishedFrom: z.string().nullish(), publishedTo: z.string().nullish() })
    .passthrough()
    .superRefine(windowIsOrdered('publishedFrom', 'publishedTo')),
});

export const ArticleOrderFieldEnum = builder.enumType('ArticleOrderField', {
  description: 'What to sort articles by.',
  values: {
    PUBLISHED_AT: { description: 'Publication date (ties by slug).' },
    HEADLINE: { description: 'Headline, alphabetically.' },
  },
});

export const ArticleOrderInput = builder.inputType('ArticleOrder', {
  description: 'How to sort articles. Default: newest first.',
  fields: (t) => ({
    field: t.field({ type: ArticleOrderFieldEnum, required: true, description: 'What to sort by.' }),
    direction: t.field({
      type: OrderDirectionEnum,
      required: false,
      description: 'Sort direction. Default: DESC for PUBLISHED_AT (newest first), ASC for HEADLINE.',
    }),
  }),
});

type ArticleFilter = typeof ArticleFilterInput.$inferInput;
type ArticleOrder = typeof ArticleOrderInput.$inferInput;

/** The data-source query for an article list (before its window): the filter, the order, and entities the list is already about. */
export function articleQuery(
  filter: ArticleFilter | null | undefined,
  orderBy: ArticleOrder | null | undefined,
  alsoMentions: string[] = [],
): Omit<ArticleListQuery, 'window'> {
  const mentions = [...alsoMentions, ...(filter?.mentions ?? []).map(entityKeyOfId)];
  return {
    filter: {
      mentions: mentions.length > 0 ? [...new Set(mentions)].sort() : null,
      publishedFrom: filter?.publishedFrom ?? null,
      publishedTo: filter?.publishedTo ?? null,
      text: filter?.text?.trim() || null,
    },
    order: orderBy ? { field: orderBy.field, direction: orderBy.direction ?? ORDERING.articles[orderBy.field] } : null,
  };
}

/** A page of the articles `query` selects, in its order, with their records. */
export function articleConnection(
  args: PageArgs,
  info: GraphQLResolveInfo,
  loaders: Loaders,
  query: Omit<ArticleListQuery, 'window'>,
) {
  return pagedConnection(
    args,
    info,
    articleOrderKey(articleOrderOf(query)),
    (window) => loaders.articleList.load({ ...query, window }),
    (slugs) => loadAll(loaders.article, slugs),
  );
}

export const ArticleRef = builder.objectRef<ArticleRecord>('Article');

ArticleRef.implement({
  description: 'A news article, with its text exactly as published.',
  interfaces: () => [builder.nodeInterfaceRef()],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'headline' in value,
  fields: (t) => ({
    id: t.globalID({
      description: 'Globally unique, stable ID: pass it to `node(id:)` to fetch this article again.',
      resolve: (article) => ({ type: 'Article', id: article.slug }),
    }),
    slug: t.exposeString('slug', { description: 'Stable, human-readable key of the article.' }),
    headline: t.exposeString('headline', { description: 'The headline as published.' }),
    publishedAt: t.exposeString('publishedAt', {
      description:
        'Publication date in ISO 8601 at the precision the source gives ("2024-07-13"), with the local time when the source prints one ("2024-03-08T23:03"; the source gives no time zone).',
    }),
    publishedAtText: t.exposeString('publishedAtText', {
      description: 'The date line exactly as the source prints it ("March 8, 2024 | 11:03 pm").',
    }),
    source: t.exposeString('source', { description: 'Name of the source file the article was curated from.' }),
    body: t.exposeString('body', {
      description:
        'The full text as published, paragraphs separated by a blank line ("\\n\\n"). All offsets in the API are JavaScript string indices (UTF-16 code units) into this string.',
    }),
    mentions: t.connection(
      {
        type: MentionRef,
        description: 'Every mention of an entity in the body, in reading order.',
        resolve: (article, args, { loaders }, info) =>
          pagedConnection(args, info, MENTIONS_IN_ARTICLE, (window) =>
            loaders.mentionsInArticle.load({ article: article.slug, window }),
          ),
      },
      MentionConnection,
    ),
    // Persons, organizations, events the article mentions: one list per entity type.
    ...Object.fromEntries(
      ENTITY_TYPES.map((type) => [ENTITY_TYPE_INFO[type].plural, entityLists()[type].articleField(t)]),
    ),
  }),
});

export const ArticleConnection = builder.connectionObject({
  type: ArticleRef,
  name: 'ArticleConnection',
  description: 'A page of articles.',
});

builder.queryFields((t) => ({
  article: lookupField(t, {
    type: ArticleRef,
    typename: 'Article',
    noun: 'article',
    load: (loaders, slug) => loaders.article.load(slug),
  }),
  articles: t.connection(
    {
      type: ArticleRef,
      description: 'Articles, newest first unless `orderBy` says otherwise; `filter` narrows the list.',
      args: {
        filter: t.arg({ type: ArticleFilterInput, required: false, description: 'Only articles that match.' }),
        orderBy: t.arg({ type: ArticleOrderInput, required: false, description: 'Sort order.' }),
      },
      resolve: (_root, args, { loaders }, info) =>
        articleConnection(args, info, loaders, articleQuery(args.filter, args.orderBy)),
    },
    ArticleConnection,
  ),
}));

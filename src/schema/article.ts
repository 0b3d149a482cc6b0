import { builder } from '../builder.js';
import type { Loaders } from '../context.js';
import type { ArticleRecord, EntityType } from '../data/records.js';
import { EventConnection, EventRef } from './event.js';
import { MentionConnection, MentionRef } from './mention.js';
import { OrganizationConnection, OrganizationRef } from './organization.js';
import { PersonConnection, PersonRef } from './person.js';
import { connectionFromItems, connectionFromKeys } from './shared/connections.js';
import { lookupField } from './shared/lookup.js';

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
        resolve: async (article, args, { loaders }) =>
          connectionFromItems(args, await loaders.mentionsByArticle.load(article.slug)),
      },
      MentionConnection,
    ),
    persons: t.connection(
      {
        type: PersonRef,
        description: 'Persons the article mentions, in order of first mention.',
        resolve: async (article, args, { loaders }) =>
          connectionFromKeys(args, await mentionedSlugs(loaders, article.slug, 'Person'), loaders.person),
      },
      PersonConnection,
    ),
    organizations: t.connection(
      {
        type: OrganizationRef,
        description: 'Organizations the article mentions, in order of first mention.',
        resolve: async (article, args, { loaders }) =>
          connectionFromKeys(args, await mentionedSlugs(loaders, article.slug, 'Organization'), loaders.organization),
      },
      OrganizationConnection,
    ),
    events: t.connection(
      {
        type: EventRef,
        description: 'Events the article mentions, in order of first mention.',
        resolve: async (article, args, { loaders }) =>
          connectionFromKeys(args, await mentionedSlugs(loaders, article.slug, 'Event'), loaders.event),
      },
      EventConnection,
    ),
  }),
});

async function mentionedSlugs(loaders: Loaders, articleSlug: string, type: EntityType): Promise<string[]> {
  const keys = await loaders.entitiesByArticle.load(articleSlug);
  return keys.filter((key) => key.type === type).map((key) => key.slug);
}

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
      description: 'All articles, newest first.',
      resolve: async (_root, args, { source, loaders }) =>
        connectionFromKeys(args, await source.listArticleSlugs(), loaders.article),
    },
    ArticleConnection,
  ),
}));

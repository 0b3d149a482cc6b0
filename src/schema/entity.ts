import { builder } from '../builder.js';
import { CO_MENTIONS, MENTIONS_OF_ENTITY } from '../data/contract.js';
import { type EntityRecord, entityKeyString } from '../data/records.js';
import {
  ArticleConnection,
  ArticleFilterInput,
  ArticleOrderInput,
  ArticleRef,
  articleConnection,
  articleQuery,
} from './article.js';
import { CoMentionConnection, CoMentionRef } from './co-mention.js';
import { MentionConnection, MentionRef } from './mention.js';
import { pagedConnection } from './shared/connections.js';
import { ENTITY_TYPES_WITH_ARTICLE, entityTypeEnumValues, oneOf } from './shared/entity-lists.js';

export const EntityTypeEnum = builder.enumType('EntityType', {
  description: 'A kind of entity.',
  values: entityTypeEnumValues((plural) => `${plural}.`),
});

export const EntityRef = builder.interfaceRef<EntityRecord>('Entity');

EntityRef.implement({
  description: `Something the news speaks of: ${oneOf(ENTITY_TYPES_WITH_ARTICLE)}.`,
  interfaces: () => [builder.nodeInterfaceRef()],
  resolveType: (entity) => entity.type,
  fields: (t) => ({
    id: t.globalID({
      description: 'Globally unique, stable ID: pass it to `node(id:)` to fetch this entity again.',
      resolve: (entity) => ({ type: entity.type, id: entity.slug }),
    }),
    slug: t.exposeString('slug', { description: 'Stable, human-readable key, unique among entities of this type.' }),
    name: t.exposeString('name', { description: 'The name the articles use, or a description of an unnamed entity.' }),
    aliases: t.exposeStringList('aliases', {
      description: 'Other names the articles use for this entity, in their own wording. Each is matched in the text.',
    }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'A one-sentence summary of what the articles say about this entity.',
    }),
    articles: t.connection(
      {
        type: ArticleRef,
        description:
          'Articles that mention this entity: newest first unless `orderBy` says otherwise; `filter` narrows them (for example to a date range).',
        args: {
          filter: t.arg({ type: ArticleFilterInput, required: false, description: 'Only articles that match.' }),
          orderBy: t.arg({ type: ArticleOrderInput, required: false, description: 'Sort order.' }),
        },
        resolve: (entity, args, { loaders }, info) =>
          articleConnection(args, info, loaders, articleQuery(args.filter, args.orderBy, [entityKeyString(entity)])),
      },
      ArticleConnection,
    ),
    articleCount: t.int({
      description: 'Number of articles that mention this entity.',
      resolve: async (entity, _args, { loaders }) =>
        (await loaders.mentionCountsByEntity.load(entityKeyString(entity))).articleCount,
    }),
    mentionCount: t.int({
      description: 'Number of mentions of this entity in all articles.',
      resolve: async (entity, _args, { loaders }) =>
        (await loaders.mentionCountsByEntity.load(entityKeyString(entity))).mentionCount,
    }),
    coMentions: t.connection(
      {
        type: CoMentionRef,
        description:
          'Other entities mentioned in the same articles, strongest first (most shared articles, then by name): the edges of a co-mention network.',
        resolve: (entity, args, { loaders }, info) =>
          pagedConnection(args, info, CO_MENTIONS, (window) =>
            loaders.coMentions.load({ entity: entityKeyString(entity), window }),
          ),
      },
      CoMentionConnection,
    ),
    mentions: t.connection(
      {
        type: MentionRef,
        description:
          'Every occurrence of the name or an alias in article bodies: newest article first, then reading order.',
        resolve: (entity, args, { loaders }, info) =>
          pagedConnection(args, info, MENTIONS_OF_ENTITY, (window) =>
            loaders.mentionsOfEntity.load({ entity: entityKeyString(entity), window }),
          ),
      },
      MentionConnection,
    ),
  }),
});

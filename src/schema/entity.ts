import { builder } from '../builder.js';
import { type EntityRecord, entityKeyString } from '../data/records.js';
import { ArticleConnection, ArticleRef } from './article.js';
import { MentionConnection, MentionRef } from './mention.js';
import { connectionFromItems, connectionFromKeys } from './shared/connections.js';

export const EntityRef = builder.interfaceRef<EntityRecord>('Entity');

EntityRef.implement({
  description: 'Something the news speaks of: a Person, an Organization or an Event.',
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
        description: 'Articles that mention this entity, newest first.',
        resolve: async (entity, args, { loaders }) =>
          connectionFromKeys(args, await loaders.articleSlugsByEntity.load(entityKeyString(entity)), loaders.article),
      },
      ArticleConnection,
    ),
    mentions: t.connection(
      {
        type: MentionRef,
        description:
          'Every occurrence of the name or an alias in article bodies: newest article first, then reading order.',
        resolve: async (entity, args, { loaders }) =>
          connectionFromItems(args, await loaders.mentionsByEntity.load(entityKeyString(entity))),
      },
      MentionConnection,
    ),
  }),
});

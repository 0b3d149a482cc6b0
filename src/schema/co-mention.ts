import { builder } from '../builder.js';
import type { CoMention } from '../data/contract.js';
import { EntityRef } from './entity.js';
import { loadRequired } from './shared/references.js';

export const CoMentionRef = builder.objectRef<CoMention>('CoMention');

CoMentionRef.implement({
  description: 'Another entity mentioned in the same articles: one weighted edge of a co-mention network.',
  fields: (t) => ({
    entity: t.field({
      type: EntityRef,
      description: 'The other entity.',
      resolve: (coMention, _args, { loaders }) =>
        loadRequired(loaders.ofType(coMention.entity.type), coMention.entity.slug, coMention.entity.type),
    }),
    sharedArticles: t.exposeInt('sharedArticles', {
      description: 'Number of articles that mention both entities: the weight of the edge.',
    }),
  }),
});

export const CoMentionConnection = builder.connectionObject({
  type: CoMentionRef,
  name: 'CoMentionConnection',
  description: 'A page of co-mentioned entities, strongest first.',
});

import { builder } from '../builder.js';
import type { MentionRecord } from '../data/records.js';
import { ArticleRef } from './article.js';
import { EntityRef } from './entity.js';
import { loadRequired } from './shared/references.js';

export const MentionRef = builder.objectRef<MentionRecord>('Mention');

MentionRef.implement({
  description:
    'One occurrence of an entity’s name or alias in an article body, found by the loader. Mentions of different entities may overlap or nest ("APEC" inside "APEC meeting").',
  fields: (t) => ({
    article: t.field({
      type: ArticleRef,
      description: 'The article whose body contains the mention.',
      resolve: (mention, _args, { loaders }) => loadRequired(loaders.article, mention.article, 'article'),
    }),
    entity: t.field({
      type: EntityRef,
      description: 'The entity mentioned.',
      resolve: (mention, _args, { loaders }) =>
        loadRequired(loaders.ofType(mention.entity.type), mention.entity.slug, mention.entity.type),
    }),
    text: t.exposeString('text', {
      description: 'The matched text, exactly as in the body: `body.slice(start, end)`.',
    }),
    start: t.exposeInt('start', {
      description: 'Offset of the first character in `Article.body`, as a JavaScript string index (UTF-16 code units).',
    }),
    end: t.exposeInt('end', {
      description: 'Offset just past the last character in `Article.body` (UTF-16 code units).',
    }),
  }),
});

export const MentionConnection = builder.connectionObject({
  type: MentionRef,
  name: 'MentionConnection',
  description: 'A page of mentions.',
});

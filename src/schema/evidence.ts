import { builder } from '../builder.js';
import type { EvidenceRecord } from '../data/records.js';
import { ArticleRef } from './article.js';
import { loadRequired } from './shared/references.js';

export const EvidenceRef = builder.objectRef<EvidenceRecord>('Evidence');

EvidenceRef.implement({
  description: 'The words of an article that state a relationship: the quote and where it sits in the body.',
  fields: (t) => ({
    article: t.field({
      type: ArticleRef,
      description: 'The article the quote is taken from.',
      resolve: (evidence, _args, { loaders }) => loadRequired(loaders.article, evidence.article, 'article'),
    }),
    quote: t.exposeString('quote', { description: 'The exact text of the article: `body.slice(start, end)`.' }),
    start: t.exposeInt('start', {
      description:
        'Offset of the quote’s first character in `Article.body`, as a JavaScript string index (UTF-16 code units).',
    }),
    end: t.exposeInt('end', {
      description: 'Offset just past the quote’s last character in `Article.body` (UTF-16 code units).',
    }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The `evidence` field every relationship type has. */
export function evidenceField<T extends { evidence: EvidenceRecord[] }>(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, T>,
) {
  return t.field({
    type: [EvidenceRef],
    description: 'The quotes that state this relationship, at least one.',
    resolve: (relationship) => relationship.evidence,
  });
}

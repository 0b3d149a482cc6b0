import { builder } from '../builder.js';
import type { EventRelationRecord } from '../data/records.js';
import { EventRef } from './event.js';
import { evidenceField } from './evidence.js';
import { loadRequired } from './shared/references.js';

export const EventRelationRef = builder.objectRef<EventRelationRecord>('EventRelation');

EventRelationRef.implement({
  description: 'A relation between two events that an article states, read as "`from` `relation` `to`".',
  fields: (t) => ({
    from: t.field({
      type: EventRef,
      description: 'The event the relation starts from.',
      resolve: (relation, _args, { loaders }) => loadRequired(loaders.event, relation.from, 'event'),
    }),
    relation: t.exposeString('relation', {
      description: 'The relation in the article’s words ("timed to coincide with", "foiled").',
    }),
    to: t.field({
      type: EventRef,
      description: 'The event the relation points to.',
      resolve: (relation, _args, { loaders }) => loadRequired(loaders.event, relation.to, 'event'),
    }),
    evidence: evidenceField(t),
  }),
});

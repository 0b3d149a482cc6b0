import { builder } from '../builder.js';
import type { ParticipationRecord } from '../data/records.js';
import { EventRef } from './event.js';
import { evidenceField } from './evidence.js';
import { PersonRef } from './person.js';
import { loadRequired } from './shared/references.js';

export const ParticipationRef = builder.objectRef<ParticipationRecord>('Participation');

ParticipationRef.implement({
  description: 'A person’s part in an event, as an article states it.',
  fields: (t) => ({
    person: t.field({
      type: PersonRef,
      description: 'The person.',
      resolve: (participation, _args, { loaders }) => loadRequired(loaders.person, participation.person, 'person'),
    }),
    event: t.field({
      type: EventRef,
      description: 'The event.',
      resolve: (participation, _args, { loaders }) => loadRequired(loaders.event, participation.event, 'event'),
    }),
    role: t.exposeString('role', {
      nullable: true,
      description: 'The part played, in the article’s words ("suspect", "target", "arrested"); null when not stated.',
    }),
    evidence: evidenceField(t),
  }),
});

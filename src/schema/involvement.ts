import { builder } from '../builder.js';
import type { InvolvementRecord } from '../data/records.js';
import { EventRef } from './event.js';
import { evidenceField } from './evidence.js';
import { OrganizationRef } from './organization.js';
import { loadRequired } from './shared/references.js';

export const InvolvementRef = builder.objectRef<InvolvementRecord>('Involvement');

InvolvementRef.implement({
  description: 'An organization’s part in an event, as an article states it.',
  fields: (t) => ({
    organization: t.field({
      type: OrganizationRef,
      description: 'The organization.',
      resolve: (involvement, _args, { loaders }) =>
        loadRequired(loaders.organization, involvement.organization, 'organization'),
    }),
    event: t.field({
      type: EventRef,
      description: 'The event.',
      resolve: (involvement, _args, { loaders }) => loadRequired(loaders.event, involvement.event, 'event'),
    }),
    role: t.exposeString('role', {
      nullable: true,
      description: 'The organization’s part, in the article’s words; null when not stated.',
    }),
    evidence: evidenceField(t),
  }),
});

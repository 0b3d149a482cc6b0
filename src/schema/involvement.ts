import { builder } from '../builder.js';
import type { InvolvementRecord } from '../data/records.js';
import { EventRef } from './event.js';
import { evidenceField } from './evidence.js';
import { OrganizationRef } from './organization.js';
import { required } from './shared/references.js';

export const InvolvementRef = builder.objectRef<InvolvementRecord>('Involvement');

InvolvementRef.implement({
  description: 'An organization’s part in an event, as an article states it.',
  fields: (t) => ({
    organization: t.field({
      type: OrganizationRef,
      description: 'The organization.',
      resolve: (involvement, _args, { loaders }) =>
        loaders.organization.load(involvement.organization).then(required('organization', involvement.organization)),
    }),
    event: t.field({
      type: EventRef,
      description: 'The event.',
      resolve: (involvement, _args, { loaders }) =>
        loaders.event.load(involvement.event).then(required('event', involvement.event)),
    }),
    role: t.exposeString('role', {
      nullable: true,
      description: 'The organization’s part, in the article’s words; null when not stated.',
    }),
    evidence: evidenceField(t),
  }),
});

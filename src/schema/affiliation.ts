import { builder } from '../builder.js';
import type { AffiliationRecord } from '../data/records.js';
import { evidenceField } from './evidence.js';
import { OrganizationRef } from './organization.js';
import { PersonRef } from './person.js';
import { loadRequired } from './shared/references.js';

export const AffiliationRef = builder.objectRef<AffiliationRecord>('Affiliation');

AffiliationRef.implement({
  description: 'A person’s membership of or post in an organization, as an article states it.',
  fields: (t) => ({
    person: t.field({
      type: PersonRef,
      description: 'The person.',
      resolve: (affiliation, _args, { loaders }) => loadRequired(loaders.person, affiliation.person, 'person'),
    }),
    organization: t.field({
      type: OrganizationRef,
      description: 'The organization.',
      resolve: (affiliation, _args, { loaders }) =>
        loadRequired(loaders.organization, affiliation.organization, 'organization'),
    }),
    role: t.exposeString('role', {
      nullable: true,
      description:
        'The role in the article’s words ("alleged member", "police chief", "Commander"); null when not stated.',
    }),
    evidence: evidenceField(t),
  }),
});

import { builder } from '../builder.js';
import type { OrganizationRelationRecord } from '../data/records.js';
import { ORGANIZATION_RELATION_KINDS } from '../data/vocabulary.js';
import { evidenceField } from './evidence.js';
import { OrganizationRef } from './organization.js';
import { describedValues } from './shared/enums.js';
import { loadRequired } from './shared/references.js';

export const OrganizationRelationKindEnum = builder.enumType('OrganizationRelationKind', {
  description: 'How one organization relates to another.',
  values: describedValues(ORGANIZATION_RELATION_KINDS),
});

export const OrganizationRelationRef = builder.objectRef<OrganizationRelationRecord>('OrganizationRelation');

OrganizationRelationRef.implement({
  description:
    'A stated relation between two organizations, read as "`from` `kind` `to`" (Quds Force PART_OF Revolutionary Guards Corps).',
  fields: (t) => ({
    from: t.field({
      type: OrganizationRef,
      description: 'The organization the relation starts from.',
      resolve: (relation, _args, { loaders }) => loadRequired(loaders.organization, relation.from, 'organization'),
    }),
    kind: t.field({
      type: OrganizationRelationKindEnum,
      description: 'How `from` relates to `to`.',
      resolve: (relation) => relation.kind,
    }),
    to: t.field({
      type: OrganizationRef,
      description: 'The organization the relation points to.',
      resolve: (relation, _args, { loaders }) => loadRequired(loaders.organization, relation.to, 'organization'),
    }),
    evidence: evidenceField(t),
  }),
});

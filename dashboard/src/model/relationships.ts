/** The relationships an entity has, from an answer to DashboardRelationships, as sentences with their quotes. */
import type { DashboardRelationshipsQuery } from '../../../client/generated.js';

export type Quote = {
  quote: string;
  start: number;
  end: number;
  article: { id: string; headline: string; publishedAt: string };
};

export interface Relationship {
  /** The entity at the other end. */
  other: { id: string; name: string };
  /** Read as "from relation to": "Majid Azizi", "alleged member of", "Quds Force". */
  from: string;
  relation: string;
  to: string;
  evidence: Quote[];
}

type RelationshipsNode = NonNullable<DashboardRelationshipsQuery['node']>;

/** Every relationship of the entity of the answer, as sentences with the entity at the other end and the quotes. */
export function relationshipsOf(entity: RelationshipsNode): Relationship[] {
  const found: Relationship[] = [];
  if (!('name' in entity)) return found;
  const { id, name } = entity;
  const self = { id, name };
  const role = (text: string | null, fallback: string) => text ?? fallback;
  /** A stated relation in either direction: the other end is whichever is not this entity. */
  const either = (
    from: { id: string; name: string },
    relation: string,
    to: { id: string; name: string },
    evidence: Quote[],
  ) => found.push({ other: from.id === id ? to : from, from: from.name, relation, to: to.name, evidence });
  switch (entity.__typename) {
    case 'Person':
      for (const a of entity.affiliations) either(self, `${role(a.role, 'affiliated')} of`, a.organization, a.evidence);
      for (const p of entity.participations)
        either(self, `took part as ${role(p.role, 'participant')} in`, p.event, p.evidence);
      break;
    case 'Organization':
      for (const m of entity.members) either(m.person, `${role(m.role, 'affiliated')} of`, self, m.evidence);
      for (const i of entity.involvements) either(self, `involved as ${role(i.role, 'party')} in`, i.event, i.evidence);
      for (const r of entity.relations) either(r.from, r.kind === 'PART_OF' ? 'part of' : 'supports', r.to, r.evidence);
      break;
    case 'Event':
      for (const p of entity.participants)
        either(p.person, `took part as ${role(p.role, 'participant')} in`, self, p.evidence);
      for (const i of entity.involvements)
        either(i.organization, `involved as ${role(i.role, 'party')} in`, self, i.evidence);
      for (const r of entity.eventRelations) either(r.from, r.relation, r.to, r.evidence);
      break;
  }
  return found;
}

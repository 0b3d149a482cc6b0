/**
 * The cost model's facts of a dataset (CostFacts), computed by the import from the validated records exactly as
 * the memory store computes them from its indexes, and stored with the version: a server reads them at start.
 */
import type { CostFacts, RelationshipList } from '../contract.js';
import { dayRange } from '../dates.js';
import type { Dataset } from '../load-fixtures.js';
import { MAX_HIGHLIGHTS_PER_FIELD } from '../memory/search-index.js';

/** The 99th-percentile length (nearest rank) and the longest of the non-empty lists, at least 1. */
function listLengths(lengths: number[]): { p99: number; longest: number } {
  const nonEmpty = lengths.filter((n) => n > 0).sort((a, b) => a - b);
  if (nonEmpty.length === 0) return { p99: 1, longest: 1 };
  return {
    p99: Math.max(1, nonEmpty[Math.ceil(nonEmpty.length * 0.99) - 1] as number),
    longest: nonEmpty.at(-1) as number,
  };
}

function groups<T>(records: readonly T[], keysOf: (record: T) => string[]): T[][] {
  const byKey = new Map<string, T[]>();
  for (const record of records) {
    for (const key of keysOf(record)) {
      const group = byKey.get(key);
      if (group) group.push(record);
      else byKey.set(key, [record]);
    }
  }
  return [...byKey.values()];
}

export function costFactsOf(data: Dataset): CostFacts {
  const lists: Record<Exclude<RelationshipList, 'evidence' | 'claimEvidence'>, { evidence: unknown[] }[][]> = {
    affiliationsByPerson: groups(data.affiliations, (r) => [r.person]),
    affiliationsByOrganization: groups(data.affiliations, (r) => [r.organization]),
    participationsByPerson: groups(data.participations, (r) => [r.person]),
    participationsByEvent: groups(data.participations, (r) => [r.event]),
    involvementsByOrganization: groups(data.involvements, (r) => [r.organization]),
    involvementsByEvent: groups(data.involvements, (r) => [r.event]),
    organizationRelations: groups(data.organizationRelations, (r) => [r.from, r.to]),
    eventRelations: groups(data.eventRelations, (r) => [r.from, r.to]),
    claimsByEntity: groups(data.claims, (r) => [`${r.entity.type}:${r.entity.slug}`]),
    claimsByArticle: groups(data.claims, (r) => [r.article]),
  };
  const names = Object.keys(lists) as (keyof typeof lists)[];
  // `evidence` is the relationships' quotes; a claim's quotes are claimEvidence (as the memory store counts them).
  const relationships = names.filter((name) => !name.startsWith('claim'));
  const lengths = Object.fromEntries(names.map((name) => [name, listLengths(lists[name].map((g) => g.length))]));
  const evidence = listLengths(
    relationships.flatMap((name) => lists[name].flatMap((g) => g.map((r) => r.evidence.length))),
  );
  const claimEvidence = listLengths(data.claims.map((claim) => claim.evidence.length));
  const of = (pick: 'p99' | 'longest') =>
    ({
      ...Object.fromEntries(names.map((name) => [name, (lengths[name] as { p99: number; longest: number })[pick]])),
      evidence: evidence[pick],
      claimEvidence: claimEvidence[pick],
    }) as Record<RelationshipList, number>;
  let first: string | null = null;
  let last: string | null = null;
  for (const article of data.articles) {
    if (first === null || article.publishedAt < first) first = article.publishedAt;
    if (last === null || article.publishedAt > last) last = article.publishedAt;
  }
  const mostAliases = [...data.persons, ...data.organizations, ...data.events].reduce(
    (most, entity) => Math.max(most, entity.aliases.length),
    0,
  );
  return {
    listLengths: of('p99'),
    longestLists: of('longest'),
    highlightsPerHit: MAX_HIGHLIGHTS_PER_FIELD * Math.max(2, 1 + mostAliases),
    published: first !== null && last !== null ? { first: dayRange(first).first, last: dayRange(last).first } : null,
  };
}

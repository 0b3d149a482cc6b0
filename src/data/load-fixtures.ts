/**
 * Reads and validates a fixture directory. Every problem is collected (not just the first),
 * each naming the file, the record and the field, so `npm run validate` can list them all
 * and the server can refuse to start with a message that says what to fix.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { FIXTURE_FILES, type FixtureFileName, type FixtureSet } from './fixture-schemas.js';
import { MentionMatcher } from './mentions.js';
import type {
  AffiliationRecord,
  ArticleRecord,
  EntityRecord,
  EventRecord,
  EventRelationRecord,
  EvidenceRecord,
  InvolvementRecord,
  MentionRecord,
  OrganizationRecord,
  OrganizationRelationRecord,
  ParticipationRecord,
  PersonRecord,
} from './records.js';

export interface FixtureProblem {
  file: string;
  /** Which record: its index and, where it has one, its slug or its ends. */
  record: string | null;
  /** Dotted path of the field inside the record, or null for the whole file or record. */
  field: string | null;
  message: string;
}

export function formatProblem(problem: FixtureProblem): string {
  const where = [problem.file, problem.record, problem.field ? `field "${problem.field}"` : null].filter(Boolean);
  return `${where.join(' ')}: ${problem.message}`;
}

export class FixtureError extends Error {
  constructor(
    readonly directory: string,
    readonly problems: FixtureProblem[],
  ) {
    super(
      `Invalid fixture data in ${directory} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'FixtureError';
  }
}

/** The validated, cross-checked content of a fixture directory, with computed offsets and mentions. */
export interface Dataset {
  /** Content hash of the fixture files: changes whenever any fact changes. */
  version: string;
  articles: ArticleRecord[];
  persons: PersonRecord[];
  organizations: OrganizationRecord[];
  events: EventRecord[];
  affiliations: AffiliationRecord[];
  participations: ParticipationRecord[];
  involvements: InvolvementRecord[];
  organizationRelations: OrganizationRelationRecord[];
  eventRelations: EventRelationRecord[];
  mentions: MentionRecord[];
}

type Labelled<T> = { value: T; label: string };

function recordLabel(index: number, value: unknown): string {
  const v = (value ?? {}) as Record<string, unknown>;
  if (typeof v.slug === 'string') return `[${index}] (slug "${v.slug}")`;
  const ends = ['person', 'organization', 'event', 'from', 'to']
    .filter((k) => typeof v[k] === 'string')
    .map((k) => `${k} "${v[k]}"`);
  return ends.length > 0 ? `[${index}] (${ends.join(', ')})` : `[${index}]`;
}

/** True when the field at `fieldPath` is not in its (object) parent at all, as opposed to present with a wrong value. */
function isAbsent(raw: unknown, fieldPath: readonly PropertyKey[]): boolean {
  if (fieldPath.length === 0) return false;
  let parent: unknown = raw;
  for (const key of fieldPath.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  return typeof parent === 'object' && parent !== null && !((fieldPath.at(-1) as PropertyKey) in parent);
}

async function readFixtureFile<F extends FixtureFileName>(
  directory: string,
  file: F,
  problems: FixtureProblem[],
): Promise<{ records: Labelled<z.infer<(typeof FIXTURE_FILES)[F]>>[]; text: string; slugsSeen: Set<string> }> {
  const slugsSeen = new Set<string>();
  let text: string;
  try {
    text = await readFile(path.join(directory, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : String(error);
    problems.push({ file, record: null, field: null, message: reason });
    return { records: [], text: '', slugsSeen };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problems.push({ file, record: null, field: null, message: `is not valid JSON: ${(error as Error).message}` });
    return { records: [], text, slugsSeen };
  }
  if (!Array.isArray(parsed)) {
    problems.push({ file, record: null, field: null, message: 'must be a JSON array of records' });
    return { records: [], text, slugsSeen };
  }
  const schema = FIXTURE_FILES[file];
  const records: Labelled<z.infer<(typeof FIXTURE_FILES)[F]>>[] = [];
  parsed.forEach((raw, index) => {
    const label = recordLabel(index, raw);
    if (typeof raw === 'object' && raw !== null && typeof (raw as { slug?: unknown }).slug === 'string') {
      slugsSeen.add((raw as { slug: string }).slug);
    }
    const result = schema.safeParse(raw);
    if (result.success) {
      records.push({ value: result.data as z.infer<(typeof FIXTURE_FILES)[F]>, label });
      return;
    }
    for (const issue of result.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const fieldPath = [...issue.path, ...keys].map(String).join('.') || null;
      const message =
        issue.code === 'unrecognized_keys'
          ? 'is not a known field'
          : issue.code === 'invalid_type' && isAbsent(raw, issue.path)
            ? 'is required (write null, or [] for a list, when the article does not say)'
            : issue.message;
      problems.push({ file, record: label, field: fieldPath, message });
    }
  });
  return { records, text, slugsSeen };
}

/** Reads, validates and cross-checks a fixture directory; throws FixtureError listing every problem. */
export async function loadDataset(directory: string): Promise<Dataset> {
  const problems: FixtureProblem[] = [];
  const files = Object.keys(FIXTURE_FILES) as FixtureFileName[];
  const read = await Promise.all(files.map((file) => readFixtureFile(directory, file, problems)));
  const hash = createHash('sha256');
  const byFile = {} as { [F in FixtureFileName]: Labelled<FixtureSet[F][number]>[] };
  files.forEach((file, i) => {
    const entry = read[i];
    if (!entry) return;
    hash.update(`${file}\0${entry.text}\0`);
    (byFile as Record<string, unknown>)[file] = entry.records;
  });

  const report = (file: string, record: string | null, field: string | null, message: string) =>
    problems.push({ file, record, field, message });

  const uniqueBySlug = <T extends { slug: string }>(file: FixtureFileName, records: Labelled<T>[]) => {
    const map = new Map<string, T>();
    for (const { value, label } of records) {
      if (map.has(value.slug)) report(file, label, 'slug', `duplicate slug "${value.slug}"`);
      else map.set(value.slug, value);
    }
    return map;
  };

  const articles = uniqueBySlug('articles.json', byFile['articles.json']);
  const persons = uniqueBySlug(
    'persons.json',
    byFile['persons.json'].map((r) => ({ ...r, value: { type: 'Person' as const, ...r.value } })),
  );
  const organizations = uniqueBySlug(
    'organizations.json',
    byFile['organizations.json'].map((r) => ({ ...r, value: { type: 'Organization' as const, ...r.value } })),
  );
  const events = uniqueBySlug(
    'events.json',
    byFile['events.json'].map((r) => ({ ...r, value: { type: 'Event' as const, ...r.value } })),
  );

  for (const { value, label } of byFile['events.json']) {
    // Compare at the coarser of the two precisions: "2024-11" may end what started on "2024-11-15".
    const precision = Math.min(value.startDate?.length ?? 0, value.endDate?.length ?? 0);
    if (value.startDate && value.endDate && value.endDate.slice(0, precision) < value.startDate.slice(0, precision)) {
      report('events.json', label, 'endDate', `"${value.endDate}" is before startDate "${value.startDate}"`);
    }
  }
  for (const [file, records] of [
    ['persons.json', byFile['persons.json']],
    ['organizations.json', byFile['organizations.json']],
    ['events.json', byFile['events.json']],
  ] as const) {
    for (const { value, label } of records) {
      const seen = new Set<string>([value.name]);
      value.aliases.forEach((alias, i) => {
        if (seen.has(alias)) report(file, label, `aliases.${i}`, `"${alias}" repeats the name or another alias`);
        seen.add(alias);
      });
    }
  }

  /** Checks that each quote is in its article exactly once and returns it with its offsets. */
  const locateEvidence = (
    file: FixtureFileName,
    label: string,
    evidence: { article: string; quote: string }[],
  ): EvidenceRecord[] => {
    const located: EvidenceRecord[] = [];
    evidence.forEach(({ article, quote }, i) => {
      const body = articles.get(article)?.body;
      if (body === undefined) {
        report(file, label, `evidence.${i}.article`, `refers to unknown article "${article}"`);
        return;
      }
      const start = body.indexOf(quote);
      if (start === -1) {
        report(file, label, `evidence.${i}.quote`, `quote not found in the body of article "${article}": "${quote}"`);
        return;
      }
      if (body.indexOf(quote, start + 1) !== -1) {
        report(
          file,
          label,
          `evidence.${i}.quote`,
          `quote occurs more than once in article "${article}"; quote more of the sentence: "${quote}"`,
        );
        return;
      }
      located.push({ article, quote, start, end: start + quote.length });
    });
    return located;
  };

  // Slugs of records that exist but failed validation: a reference to one is not reported again as unknown.
  const slugsSeenIn = (file: FixtureFileName) => read[files.indexOf(file)]?.slugsSeen ?? new Set<string>();
  const slugsSeen: Record<string, Set<string>> = {
    person: slugsSeenIn('persons.json'),
    organization: slugsSeenIn('organizations.json'),
    event: slugsSeenIn('events.json'),
  };
  const checkRef = (
    file: FixtureFileName,
    label: string,
    field: string,
    slug: string,
    table: Map<string, unknown>,
    what: string,
  ) => {
    if (table.has(slug)) return true;
    if (!slugsSeen[what]?.has(slug)) report(file, label, field, `refers to unknown ${what} "${slug}"`);
    return false;
  };

  /** Validates the two ends and the quotes of each relationship record, and rejects duplicates. */
  function relationships<R extends { evidence: { article: string; quote: string }[] }, Out>(
    file: FixtureFileName,
    records: Labelled<R>[],
    ends: Array<[keyof R & string, Map<string, unknown>, string]>,
    build: (record: R, evidence: EvidenceRecord[]) => Out,
  ): Out[] {
    const out: Out[] = [];
    const seen = new Set<string>();
    for (const { value, label } of records) {
      const endsOk = ends
        .map(([field, table, what]) => checkRef(file, label, field, String(value[field]), table, what))
        .every(Boolean);
      // Two records between the same ends are one relationship, unless they state different kinds of relation.
      const qualifier = 'kind' in value ? value.kind : 'relation' in value ? value.relation : '';
      const identity = [...ends.map(([field]) => String(value[field])), qualifier].join('\0');
      if (seen.has(identity)) {
        report(file, label, null, 'duplicates an earlier record between the same ends: merge their evidence');
        continue;
      }
      seen.add(identity);
      const firstEnd = ends[0];
      const secondEnd = ends[1];
      if (firstEnd && secondEnd && firstEnd[1] === secondEnd[1] && value[firstEnd[0]] === value[secondEnd[0]]) {
        report(file, label, secondEnd[0], 'relates a record to itself');
        continue;
      }
      const evidence = locateEvidence(file, label, value.evidence);
      if (endsOk && evidence.length === value.evidence.length) out.push(build(value, evidence));
    }
    return out;
  }

  const affiliations = relationships(
    'affiliations.json',
    byFile['affiliations.json'],
    [
      ['person', persons, 'person'],
      ['organization', organizations, 'organization'],
    ],
    (r, evidence): AffiliationRecord => ({ ...r, evidence }),
  );
  const participations = relationships(
    'participations.json',
    byFile['participations.json'],
    [
      ['person', persons, 'person'],
      ['event', events, 'event'],
    ],
    (r, evidence): ParticipationRecord => ({ ...r, evidence }),
  );
  const involvements = relationships(
    'involvements.json',
    byFile['involvements.json'],
    [
      ['organization', organizations, 'organization'],
      ['event', events, 'event'],
    ],
    (r, evidence): InvolvementRecord => ({ ...r, evidence }),
  );
  const organizationRelations = relationships(
    'organization-relations.json',
    byFile['organization-relations.json'],
    [
      ['from', organizations, 'organization'],
      ['to', organizations, 'organization'],
    ],
    (r, evidence): OrganizationRelationRecord => ({ ...r, evidence }),
  );
  const eventRelations = relationships(
    'event-relations.json',
    byFile['event-relations.json'],
    [
      ['from', events, 'event'],
      ['to', events, 'event'],
    ],
    (r, evidence): EventRelationRecord => ({ ...r, evidence }),
  );

  // An organization has at most one parent, and PART_OF never loops back on itself.
  const parentOf = new Map<string, string>();
  byFile['organization-relations.json'].forEach(({ value, label }) => {
    if (value.kind !== 'PART_OF') return;
    if (parentOf.has(value.from)) {
      report(
        'organization-relations.json',
        label,
        'from',
        `organization "${value.from}" is already PART_OF "${parentOf.get(value.from)}"`,
      );
      return;
    }
    parentOf.set(value.from, value.to);
    const visited = new Set([value.from]);
    for (let next = parentOf.get(value.from); next !== undefined; next = parentOf.get(next)) {
      if (visited.has(next)) {
        report('organization-relations.json', label, 'to', `PART_OF forms a cycle through "${next}"`);
        break;
      }
      visited.add(next);
    }
  });

  const entities: EntityRecord[] = [...persons.values(), ...organizations.values(), ...events.values()];
  const matcher = new MentionMatcher(entities);
  const mentions = [...articles.values()].flatMap((article) => matcher.find(article.slug, article.body));
  const mentioned = new Set(mentions.map((m) => `${m.entity.type}:${m.entity.slug}`));
  for (const [file, records, type] of [
    ['persons.json', byFile['persons.json'], 'Person'],
    ['organizations.json', byFile['organizations.json'], 'Organization'],
    ['events.json', byFile['events.json'], 'Event'],
  ] as const) {
    for (const { value, label } of records) {
      if (!mentioned.has(`${type}:${value.slug}`)) {
        report(
          file,
          label,
          'name',
          'neither the name nor any alias occurs in any article body: every entity must be mentioned',
        );
      }
    }
  }

  if (problems.length > 0) throw new FixtureError(directory, problems);
  return {
    version: hash.digest('hex').slice(0, 16),
    articles: [...articles.values()],
    persons: [...persons.values()],
    organizations: [...organizations.values()],
    events: [...events.values()],
    affiliations,
    participations,
    involvements,
    organizationRelations,
    eventRelations,
    mentions,
  };
}

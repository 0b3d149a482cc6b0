/**
 * Claims (issue 14) through HTTP, on a small corpus whose articles disagree (tests/fixtures/claims-corpus): three
 * articles about a harbour director, January 2023 and February 2024 (two that day), stating her age, title and
 * nationalities, the harbour authority's country and a festival's dates and place. Then the loader's refusals,
 * each naming the file, the record and the field.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntityClaimsDocument, type EntityClaimsQuery } from '../client/generated.js';
import { FixtureError, type FixtureProblem, loadDataset } from '../src/data/load-fixtures.js';
import { createTestApi, globalId } from './helpers.js';

const CORPUS = path.resolve(import.meta.dirname, 'fixtures/claims-corpus');
const JANUARY = 'harbour-reopens-north-pier';
const FEBRUARY = 'harbour-changes-hands';
const EVENING = 'harbour-evening-gala';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi(CORPUS);
});

interface ServedClaim {
  __typename: string;
  property: string;
  value: string;
  asOf: string;
  superseded: boolean;
  article: { slug: string; body: string };
  evidence: { quote: string; start: number; end: number }[];
}

const CLAIM_FIELDS = `__typename property value asOf superseded article { slug body } evidence { quote start end }
  ... on QuantityClaim { quantity } ... on CountryClaim { country } ... on DateClaim { date } ... on TextClaim { text }`;

/** A claim as the tests compare it: its attribute, value, article and superseded flag. */
const brief = (claim: ServedClaim) => [claim.property, claim.value, claim.article.slug, claim.superseded];

describe('an entity’s claims', () => {
  it('keeps every article’s value, newest first; the field shows the newest, the others are superseded', async () => {
    const { person } = await api.data<{
      person: { age: number; title: string; nationalities: string[]; claims: ServedClaim[] };
    }>(`{ person(slug: "lena-marsh") { age title nationalities claims { ${CLAIM_FIELDS} } } }`);
    expect(person.age).toBe(55);
    expect(person.title).toBe('Director');
    expect(person.nationalities).toEqual(['BR', 'PT']);
    // Two articles of 10 February 2024: the same asOf, then by slug ("harbour-changes-hands" first).
    expect(person.claims.map(brief)).toEqual([
      ['TITLE', 'Director', FEBRUARY, false],
      ['AGE', '55', FEBRUARY, false],
      ['NATIONALITY', 'BR', FEBRUARY, false],
      ['NATIONALITY', 'PT', EVENING, false],
      ['TITLE', 'Port director', JANUARY, true],
      ['AGE', '54', JANUARY, true],
    ]);
    expect(person.claims.map((c) => c.asOf)).toEqual([
      '2024-02-10',
      '2024-02-10',
      '2024-02-10',
      '2024-02-10',
      '2023-01-05',
      '2023-01-05',
    ]);
    for (const claim of person.claims) {
      for (const e of claim.evidence) expect(claim.article.body.slice(e.start, e.end)).toBe(e.quote);
    }
  });

  it('types each value: a number, a country code, a date, words', async () => {
    const { person, event } = await api.data<{
      person: { claims: Record<string, unknown>[] };
      event: { claims: Record<string, unknown>[] };
    }>(`{
      person(slug: "lena-marsh") { claims { __typename ... on QuantityClaim { quantity } ... on CountryClaim { country } ... on TextClaim { text } } }
      event(slug: "pier-festival") { claims { __typename ... on DateClaim { date } ... on TextClaim { text } } }
    }`);
    expect(person.claims).toEqual([
      { __typename: 'TextClaim', text: 'Director' },
      { __typename: 'QuantityClaim', quantity: 55 },
      { __typename: 'CountryClaim', country: 'BR' },
      { __typename: 'CountryClaim', country: 'PT' },
      { __typename: 'TextClaim', text: 'Port director' },
      { __typename: 'QuantityClaim', quantity: 54 },
    ]);
    expect(event.claims).toEqual([
      { __typename: 'TextClaim', text: 'Lisbon' },
      { __typename: 'DateClaim', date: '2023-06' },
      { __typename: 'DateClaim', date: '2023-07' },
      { __typename: 'TextClaim', text: 'Porto' },
      { __typename: 'DateClaim', date: '2023-06' },
    ]);
  });

  it('narrows to one attribute; two articles stating the same value do not supersede each other', async () => {
    const { organization, event } = await api.data<{
      organization: { country: string; claims: ServedClaim[] };
      event: { startDate: string; endDate: string; location: string; starts: ServedClaim[] };
    }>(`{
      organization(slug: "harbour-authority") { country claims(property: COUNTRY) { ${CLAIM_FIELDS} } }
      event(slug: "pier-festival") { startDate endDate location starts: claims(property: START_DATE) { ${CLAIM_FIELDS} } }
    }`);
    expect(organization.country).toBe('BR');
    expect(organization.claims.map(brief)).toEqual([
      ['COUNTRY', 'BR', FEBRUARY, false],
      ['COUNTRY', 'PT', JANUARY, true],
    ]);
    expect(event).toMatchObject({ startDate: '2023-06', endDate: '2023-07', location: 'Lisbon' });
    expect(event.starts.map(brief)).toEqual([
      ['START_DATE', '2023-06', EVENING, false],
      ['START_DATE', '2023-06', JANUARY, false],
    ]);
  });
});

describe('a generated client', () => {
  it('narrows each claim by __typename to its typed value (operations/EntityClaims.graphql)', async () => {
    const data = await api.data<EntityClaimsQuery>(print(EntityClaimsDocument), {
      id: globalId('Person', 'lena-marsh'),
    });
    const ages: number[] = [];
    const countries: string[] = [];
    const node = data.node;
    if (node && 'claims' in node) {
      for (const claim of node.claims) {
        if (claim.__typename === 'QuantityClaim') ages.push(claim.quantity);
        if (claim.__typename === 'CountryClaim') countries.push(claim.country);
      }
    }
    expect(ages).toEqual([55, 54]);
    expect(countries).toEqual(['BR', 'PT']);
  });
});

describe('an article’s claims', () => {
  it('are what it states, in reading order, each quote at its offsets', async () => {
    const { article } = await api.data<{
      article: { body: string; claims: (ServedClaim & { entity: { name: string } })[] };
    }>(`{ article(slug: "${JANUARY}") { body claims { ${CLAIM_FIELDS} entity { name } } } }`);
    expect(article.claims.map((c) => [c.entity.name, c.property, c.value, c.evidence.map((e) => e.quote)])).toEqual([
      ['Lena Marsh', 'TITLE', 'Port director', ['Port director Lena Marsh']],
      ['Lena Marsh', 'AGE', '54', ['Lena Marsh, 54,']],
      ['Harbour Authority', 'COUNTRY', 'PT', ['The Harbour Authority is based in Portugal']],
      ['Pier Festival', 'LOCATION', 'Porto', ['The Pier Festival will take place in Porto']],
      ['Pier Festival', 'START_DATE', '2023-06', ['will take place in Porto in June 2023']],
    ]);
    const starts = article.claims.map((c) => c.evidence[0]?.start ?? -1);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(article.claims[1]?.evidence[0]).toEqual({ quote: 'Lena Marsh, 54,', start: 14, end: 29 });
    for (const claim of article.claims) {
      for (const e of claim.evidence) expect(article.body.slice(e.start, e.end)).toBe(e.quote);
    }
  });
});

describe('the root claims list', () => {
  it('lists every claim newest first, pages with cursors, and counts them', async () => {
    const { all, stats } = await api.data<{
      all: { totalCount: number; nodes: ServedClaim[] };
      stats: { claims: number };
    }>(`{ all: claims(first: 100) { totalCount nodes { ${CLAIM_FIELDS} } } stats { claims } }`);
    expect(all.totalCount).toBe(13);
    expect(stats.claims).toBe(13);
    expect(all.nodes.map((c) => c.article.slug)).toEqual([
      ...Array(5).fill(FEBRUARY),
      ...Array(3).fill(EVENING),
      ...Array(5).fill(JANUARY),
    ]);
    // Page by page, 4 at a time, the same list.
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const {
        claims,
      }: { claims: { edges: { cursor: string; node: ServedClaim }[]; pageInfo: { hasNextPage: boolean } } } =
        await api.data(
          'query($after: String) { claims(first: 4, after: $after) { edges { cursor node { property value article { slug } } } pageInfo { hasNextPage } } }',
          {
            after,
          },
        );
      seen.push(...claims.edges.map((e) => `${e.node.property}=${e.node.value}@${e.node.article.slug}`));
      if (!claims.pageInfo.hasNextPage) break;
      after = claims.edges.at(-1)?.cursor ?? null;
    }
    expect(seen).toEqual(all.nodes.map((c) => `${c.property}=${c.value}@${c.article.slug}`));
  });

  it('filters by entity, article and attribute, all together', async () => {
    const { byEntity, byArticle, both } = await api.data<{
      byEntity: { totalCount: number };
      byArticle: { totalCount: number; nodes: { property: string }[] };
      both: { nodes: ServedClaim[] };
    }>(
      `query($person: ID!, $article: ID!) {
        byEntity: claims(filter: { entity: $person }) { totalCount }
        byArticle: claims(filter: { article: $article }) { totalCount nodes { property } }
        both: claims(filter: { entity: $person, article: $article, property: AGE }) { nodes { ${CLAIM_FIELDS} } }
      }`,
      { person: globalId('Person', 'lena-marsh'), article: globalId('Article', JANUARY) },
    );
    expect(byEntity.totalCount).toBe(6);
    expect(byArticle.nodes.map((c) => c.property)).toEqual(['TITLE', 'AGE', 'COUNTRY', 'LOCATION', 'START_DATE']);
    expect(both.nodes.map(brief)).toEqual([['AGE', '54', JANUARY, true]]);
  });

  it('refuses an article ID as the entity, a person ID as the article, and a cursor of another list', async () => {
    const wrongEntity = await api.query('query($id: ID!) { claims(filter: { entity: $id }) { totalCount } }', {
      id: globalId('Article', JANUARY),
    });
    expect(wrongEntity.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(wrongEntity.errors?.[0]?.message).toMatch(
      /filter\.entity: must be the ID of a Person or Organization or Event/,
    );
    const wrongArticle = await api.query('query($id: ID!) { claims(filter: { article: $id }) { totalCount } }', {
      id: globalId('Person', 'lena-marsh'),
    });
    expect(wrongArticle.errors?.[0]?.message).toMatch(/filter\.article: must be the ID of an Article/);
    const { articles } = await api.data<{ articles: { edges: { cursor: string }[] } }>(
      '{ articles(first: 1) { edges { cursor } } }',
    );
    const foreign = await api.query('query($after: String) { claims(after: $after) { totalCount } }', {
      after: articles.edges[0]?.cursor,
    });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(foreign.data ?? null).toBeNull();
  });
});

// ───────────── the loader's refusals ─────────────

const directories: string[] = [];
afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

/** A copy of the test corpus with `edits` applied, file by file; its problems as the loader reports them. */
async function problemsAfter(
  edits: Record<string, (records: Json[]) => Json[] | undefined>,
): Promise<FixtureProblem[]> {
  const directory = await mkdtemp(path.join(tmpdir(), 'newsgraph-claims-'));
  directories.push(directory);
  await cp(CORPUS, directory, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const records = JSON.parse(await readFile(path.join(directory, file), 'utf8')) as Json[];
    await writeFile(path.join(directory, file), JSON.stringify(edit(records) ?? records));
  }
  const error = await loadDataset(directory).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FixtureError);
  return (error as FixtureError).problems;
}

/** Keeps the claims for which `keep` is true. */
const claimsWhere = (keep: (claim: Json) => boolean) => ({ 'claims.json': (claims: Json[]) => claims.filter(keep) });

describe('the loader refuses', () => {
  it('an attribute value no claim states, naming the file, the record and the field', async () => {
    expect(await problemsAfter(claimsWhere((c) => c.property !== 'AGE'))).toEqual([
      {
        file: 'persons.json',
        record: '[0] (slug "lena-marsh")',
        field: 'age',
        message: '55 has no AGE claim in claims.json: add one with the quote that states it, or write null',
      },
    ]);
    expect(await problemsAfter(claimsWhere((c) => c.value !== 'PT' || c.property !== 'NATIONALITY'))).toEqual([
      {
        file: 'persons.json',
        record: '[0] (slug "lena-marsh")',
        field: 'nationalities.1',
        message: '"PT" has no NATIONALITY claim in claims.json: add one with the quote that states it',
      },
    ]);
    expect(await problemsAfter(claimsWhere((c) => c.property !== 'END_DATE'))).toEqual([
      expect.objectContaining({ file: 'events.json', record: '[0] (slug "pier-festival")', field: 'endDate' }),
    ]);
  });

  it('a field that is not the newest article’s value, and a nationality claim the person’s list lacks', async () => {
    const problems = await problemsAfter({
      'persons.json': ([person]) => [{ ...person, age: 54, nationalities: ['BR'] }],
    });
    expect(problems).toEqual([
      {
        file: 'persons.json',
        record: '[0] (slug "lena-marsh")',
        field: 'nationalities',
        message: 'claims.json states "PT" (NATIONALITY, article "harbour-evening-gala"), which is not among them',
      },
      {
        file: 'persons.json',
        record: '[0] (slug "lena-marsh")',
        field: 'age',
        message:
          'is 54, but the newest article that states it, "harbour-changes-hands" (2024-02-10), says 55: the field shows the newest article’s value',
      },
    ]);
  });

  it('a claim whose quote is not in its article, or whose quotes are from two articles', async () => {
    const problems = await problemsAfter({
      'claims.json': (claims) => {
        const [title, age] = claims as [Json, Json];
        title.evidence = [{ article: JANUARY, quote: 'Harbour master Lena Marsh' }];
        age.evidence = [...(age.evidence as Json[]), { article: FEBRUARY, quote: 'Lena Marsh, 55,' }];
        return claims;
      },
    });
    expect(problems).toEqual([
      {
        file: 'claims.json',
        record: '[0] (entity "Person:lena-marsh", property "TITLE")',
        field: 'evidence.0.quote',
        message: `quote not found in the body of article "${JANUARY}": "Harbour master Lena Marsh"`,
      },
      {
        file: 'claims.json',
        record: '[1] (entity "Person:lena-marsh", property "AGE")',
        field: 'evidence.1.article',
        message: `"${FEBRUARY}" is not the article of the first quote ("${JANUARY}"): a claim is what one article states, so write one claim per article`,
      },
    ]);
  });

  it('a value of the wrong type, a property the entity type lacks, an unknown entity, a kind of another type', async () => {
    const problems = await problemsAfter({
      'claims.json': (claims) => [
        ...claims,
        { entity: 'Person:lena-marsh', property: 'AGE', value: '55', evidence: [{ article: FEBRUARY, quote: '55' }] },
        {
          entity: 'Person:lena-marsh',
          property: 'COUNTRY',
          value: 'PT',
          evidence: [{ article: JANUARY, quote: 'Portugal' }],
        },
        {
          entity: 'Person:nobody',
          property: 'TITLE',
          value: 'Mayor',
          evidence: [{ article: JANUARY, quote: 'Port director' }],
        },
        {
          entity: 'Organization:harbour-authority',
          property: 'KIND',
          value: 'PLOT',
          evidence: [{ article: JANUARY, quote: 'pier' }],
        },
      ],
    });
    expect(problems).toEqual([
      {
        file: 'claims.json',
        record: '[13] (entity "Person:lena-marsh", property "AGE")',
        field: 'value',
        message: expect.stringMatching(/expected number/),
      },
      {
        file: 'claims.json',
        record: '[14] (entity "Person:lena-marsh", property "COUNTRY")',
        field: 'entity',
        message: 'must be Organization, a colon and a slug, like "Organization:quds-force"',
      },
      {
        file: 'claims.json',
        record: '[15] (entity "Person:nobody", property "TITLE")',
        field: 'entity',
        message: 'refers to unknown person "nobody"',
      },
      {
        file: 'claims.json',
        record: '[16] (entity "Organization:harbour-authority", property "KIND")',
        field: 'value',
        message:
          '"PLOT" is not a kind of organization: one of GOVERNMENT, GOVERNMENT_AGENCY, MILITARY, ARMED_GROUP, CELL, INTERGOVERNMENTAL, OTHER',
      },
    ]);
  });

  it('the same value of the same attribute twice from one article', async () => {
    const problems = await problemsAfter({ 'claims.json': (claims) => [...claims, claims[1] as Json] });
    expect(problems).toEqual([
      {
        file: 'claims.json',
        record: '[13] (entity "Person:lena-marsh", property "AGE")',
        field: null,
        message: 'duplicates an earlier claim of the same value in the same article: merge their evidence',
      },
    ]);
  });
});

describe('the contract’s claim list (listClaims), as any backend must answer it', () => {
  it('answers every window between any two positions, both ways, with hasBefore and hasAfter', async () => {
    const [whole] = await api.store.listClaims([{ filter: {}, window: { size: 100, direction: 'FORWARD' } }]);
    const items = whole?.items ?? [];
    expect(items).toHaveLength(13);
    const positions = items.map((entry) => entry.position);
    for (let i = -1; i < items.length; i++) {
      for (let j = i + 1; j <= items.length; j++) {
        for (const direction of ['FORWARD', 'BACKWARD'] as const) {
          const window = {
            size: 3,
            direction,
            after: i >= 0 ? positions[i] : null,
            before: j < items.length ? positions[j] : null,
          };
          const [page] = await api.store.listClaims([{ filter: {}, window }]);
          const inside = items.slice(i + 1, j);
          const expected = direction === 'FORWARD' ? inside.slice(0, 3) : inside.slice(-3);
          expect(page?.items).toEqual(expected);
          const start = items.indexOf(expected[0] as (typeof items)[number]);
          if (expected.length > 0) {
            expect(page?.hasBefore).toBe(start > 0);
            expect(page?.hasAfter).toBe(start + expected.length < items.length);
          }
          expect(page?.totalCount).toBe(13);
        }
      }
    }
  });

  it('filters before it pages, and answers an unknown entity or article with an empty page', async () => {
    const [age, none] = await api.store.listClaims([
      { filter: { entity: 'Person:lena-marsh', property: 'AGE' }, window: { size: 1, direction: 'FORWARD' } },
      { filter: { article: 'no-such-article' }, window: { size: 5, direction: 'FORWARD' } },
    ]);
    expect(age?.items.map((entry) => entry.item.value)).toEqual([55]);
    expect(age).toMatchObject({ totalCount: 2, hasBefore: false, hasAfter: true });
    expect(none).toEqual({ items: [], totalCount: 0, hasBefore: false, hasAfter: false });
  });
});

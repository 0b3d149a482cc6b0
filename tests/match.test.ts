/**
 * Matching (issue 14) through HTTP: the names the two articles use, their case, accent and order variants, near
 * misses, and names that are not in the corpus, each with the entity expected first (a match: score at least
 * MATCH_THRESHOLD) or none; the batch form; bad input; what the cost model charges.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MATCH_THRESHOLD } from '../src/data/match.js';
import { createTestApi } from './helpers.js';
import { MATCH_TABLE as TABLE } from './support/match-table.js';

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

interface Candidate {
  score: number;
  match: boolean;
  reasons: string[];
  matchedName: string;
  entity: { __typename: string; slug: string };
}

const CANDIDATE = 'score match reasons matchedName entity { __typename ... on Entity { slug } }';

async function match(name: string, extra: { types?: string[]; context?: string; first?: number } = {}) {
  const { match: candidates } = await api.data<{ match: Candidate[] }>(
    `query($name: String!, $types: [EntityType!], $context: String, $first: Int) {
      match(name: $name, types: $types, context: $context, first: $first) { ${CANDIDATE} }
    }`,
    { name, ...extra },
  );
  return candidates;
}

describe('match: the table', () => {
  it(`finds the expected entity first, scoring at least ${MATCH_THRESHOLD}, or nothing that high (${TABLE.length} names)`, async () => {
    const wrong: string[] = [];
    for (const [name, expected, reason] of TABLE) {
      const candidates = await match(name);
      const first = candidates[0];
      const matches = candidates.filter((c) => c.match);
      if (expected === null) {
        if (matches.length > 0) wrong.push(`${name}: expected none, got ${JSON.stringify(matches[0])}`);
        continue;
      }
      const found = first && `${first.entity.__typename}:${first.entity.slug}`;
      if (found !== expected || !first?.match || !first.reasons.includes(reason as string)) {
        wrong.push(`${name}: expected ${expected} (${reason}), got ${JSON.stringify(first ?? null)}`);
      }
    }
    expect(TABLE.length).toBeGreaterThanOrEqual(40);
    expect(wrong).toEqual([]);
  });

  it('scores in [0, 1], best first, a match exactly when the score reaches the threshold', async () => {
    for (const name of ['Peru', 'Azizi', 'plot', 'Lima', 'Michael']) {
      const candidates = await match(name, { first: 20 });
      const scores = candidates.map((c) => c.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const c of candidates) {
        expect(c.score).toBeGreaterThanOrEqual(0.4);
        expect(c.score).toBeLessThanOrEqual(1);
        expect(c.match).toBe(c.score >= MATCH_THRESHOLD);
      }
    }
  });

  it('gives the exact name 1 and explains each candidate by the name form that scored', async () => {
    const [exact, ...others] = await match('Peru', { first: 5 });
    expect(exact).toEqual({
      score: 1,
      match: true,
      reasons: ['EXACT_NAME'],
      matchedName: 'Peru',
      entity: { __typename: 'Organization', slug: 'peru' },
    });
    // Names that hold the word "Peru" follow, none of them a match.
    expect(others.length).toBeGreaterThan(0);
    for (const other of others) expect(other).toMatchObject({ match: false, reasons: ['PARTIAL'] });
    expect((await match('Senator Roger Wicker'))[0]?.matchedName).toBe('Senator Roger Wicker');
  });
});

describe('match: types, context and first', () => {
  it('keeps to the types asked for', async () => {
    expect((await match('APEC', { types: ['EVENT'] })).map((c) => c.entity.slug)).toEqual(['apec-meeting-2024']);
    expect((await match('Peru', { types: ['EVENT'] })).filter((c) => c.match)).toEqual([]);
    expect(await match('Majid Azizi', { types: ['ORGANIZATION'] })).toEqual([
      expect.objectContaining({ entity: { __typename: 'Organization', slug: 'azizi-terrorist-cell' }, match: false }),
    ]);
  });

  it('raises a candidate mentioned in an article that has the context words, and says so', async () => {
    const [plain] = await match('Kurilla');
    const [withContext] = await match('Kurilla', { context: 'Houthis Hezbollah' });
    expect(withContext?.entity.slug).toBe('michael-kurilla');
    expect(withContext?.reasons).toEqual(['PARTIAL', 'CONTEXT']);
    expect(withContext?.score).toBeCloseTo((plain?.score ?? 0) + 0.1, 3);
    // Half the words: half the bonus. Words in no article that mentions him: none.
    const [half] = await match('Kurilla', { context: 'Houthis Rewards' });
    expect(half?.score).toBeCloseTo((plain?.score ?? 0) + 0.05, 3);
    const [none] = await match('Kurilla', { context: 'Rewards Program' });
    expect(none).toEqual(plain);
    // The investigation is mentioned only in the March article, the plot in both: "Lima" with July's words
    // raises the plot alone, above the investigation it tied with.
    const lima = await match('Lima', { context: 'Hezbollah' });
    expect(lima.map((c) => [c.entity.slug, c.reasons])).toEqual([
      ['peru-assassination-plot', ['PARTIAL', 'CONTEXT']],
      ['lima-plot-investigation', ['PARTIAL']],
    ]);
  });

  it('returns at most `first` candidates', async () => {
    expect(await match('plot', { first: 2 })).toHaveLength(2);
    expect((await match('plot', { first: 20 })).length).toBeGreaterThan(2);
    expect(await match('Peru')).toHaveLength(5); // the default
  });
});

describe('matchMany', () => {
  it('answers each name in the order given, in one batch call to the source', async () => {
    api.counter.reset();
    const { matchMany } = await api.data<{
      matchMany: { name: string; candidates: Candidate[] }[];
    }>(`{ matchMany(names: [
      { name: "Azizi, Majid" }, { name: "Qods Force", types: [ORGANIZATION] }, { name: "Vladimir Putin" },
      { name: "Kurilla", context: "Houthis" }
    ]) { name candidates(first: 1) { ${CANDIDATE} } } }`);
    expect(matchMany.map((r) => [r.name, r.candidates[0]?.entity.slug ?? null])).toEqual([
      ['Azizi, Majid', 'majid-azizi'],
      ['Qods Force', 'quds-force'],
      ['Vladimir Putin', null],
      ['Kurilla', 'michael-kurilla'],
    ]);
    expect(matchMany[3]?.candidates[0]?.reasons).toContain('CONTEXT');
    expect(api.counter.calls.get('match')).toBe(1);
  });

  it('takes 100 names, priced by their number', async () => {
    const names = Array.from({ length: 100 }, (_, i) => ({ name: i % 2 ? 'Majid Azizi' : `Nobody ${i}` }));
    const response = await api.query<{ matchMany: { candidates: Candidate[] }[] }>(
      'query($names: [MatchInput!]!) { matchMany(names: $names) { name candidates { score entity { id } } } }',
      { names },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.matchMany).toHaveLength(100);
    expect(response.data?.matchMany[1]?.candidates[0]?.score).toBe(1);
    const cost = response.extensions?.cost as { requested: number; limit: number };
    // 100 results × (1 + 5 candidates × (2, as a list that takes `first` is priced, + an entity 1)), and 10 per
    // name matched (TEXT_ARGUMENT_COST).
    expect(cost.requested).toBe(100 * (1 + 5 * (2 + 1)) + 100 * 10);
    expect(cost.requested).toBeLessThan(cost.limit);
  });
});

describe('bad input', () => {
  const refusal = async (document: string, variables: Record<string, unknown>) => {
    const response = await api.query(document, variables);
    expect(response.data?.match ?? response.data?.matchMany ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    return { code: response.errors?.[0]?.extensions?.code, message: response.errors?.[0]?.message };
  };
  const one =
    'query($name: String!, $first: Int, $context: String) { match(name: $name, first: $first, context: $context) { score } }';
  const many = 'query($names: [MatchInput!]!) { matchMany(names: $names) { name } }';

  it('an empty, blank or 10,000-character name, or one with no letter or digit', async () => {
    expect(await refusal(one, { name: '' })).toEqual({ code: 'BAD_USER_INPUT', message: 'name: must not be empty' });
    expect(await refusal(one, { name: ' \t ' })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'name: must not be empty',
    });
    expect(await refusal(one, { name: 'x'.repeat(10_000) })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'name: must be at most 200 characters',
    });
    expect(await refusal(one, { name: '?!…' })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'name: must contain a letter or a digit',
    });
  });

  it('a `first` out of 1–20 and a context over 200 characters', async () => {
    expect(await refusal(one, { name: 'Azizi', first: 0 })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'first: must be between 1 and 20',
    });
    expect(await refusal(one, { name: 'Azizi', first: 21 })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await refusal(one, { name: 'Azizi', context: 'y'.repeat(201) })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'context: must be at most 200 characters',
    });
  });

  it('101 names, no name, or a bad name among them (named by its place)', async () => {
    const names = Array.from({ length: 101 }, () => ({ name: 'Azizi' }));
    expect(await refusal(many, { names })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'names: at most 100 names per request',
    });
    expect(await refusal(many, { names: [] })).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'names: give at least one name',
    });
    const bad = await refusal(many, { names: [{ name: 'Azizi' }, { name: '' }] });
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.message).toMatch(/names\.1\.name: must not be empty/);
  });

  it('a 10,000-character name written into the query text is refused by the document limit first', async () => {
    const response = await api.query(`{ match(name: "${'x'.repeat(10_000)}") { score } }`);
    expect(response.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_LONG');
  });
});

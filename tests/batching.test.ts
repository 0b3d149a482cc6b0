/** Every relationship resolves through per-request DataLoaders: one batch call per relationship per level. */
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './helpers.js';

const WIDE_QUERY = `query($first: Int) {
  persons(first: $first) {
    nodes {
      name
      affiliations {
        role
        organization {
          name
          parent { name }
          members { person { name } evidence { article { headline } } }
        }
      }
      participations { event { name involvements { organization { name } } } }
      articles(first: 5) { nodes { headline } }
    }
  }
}`;

// The query walks every relationship of every person: far over the published cost limit by design,
// so these tests raise it (they are about batching; tests/limits.test.ts is about the limit).
const UNLIMITED = { maxCost: 10_000_000 };

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi(undefined, UNLIMITED);
});

async function callsFor(first: number, target = api) {
  target.counter.reset();
  const data = await target.data<{ persons: { nodes: unknown[] } }>(WIDE_QUERY, { first });
  return { parents: data.persons.nodes.length, calls: Object.fromEntries(target.counter.calls) };
}

describe('batching', () => {
  it('makes the same data-access calls for 2 parents as for all 9', async () => {
    // The first two persons by name (Angello Felipe Trucios, Biden) reach every relationship in the query.
    const two = await callsFor(2);
    const all = await callsFor(100);
    expect(two.parents).toBe(2);
    expect(all.parents).toBe(9);
    expect(all.calls).toEqual(two.calls);
  });

  it('makes one batch call per relationship per level', async () => {
    const { calls } = await callsFor(100);
    expect(calls).toEqual({
      listPersons: 1, // the page of persons
      personsBySlug: 1, // the page of persons; members' persons are already in the request's cache
      affiliationsByPerson: 1,
      organizationsBySlug: 2, // affiliated organizations, then the involved ones two levels down
      organizationRelationsByOrganization: 1,
      affiliationsByOrganization: 1,
      articlesBySlug: 1, // evidence articles and the persons' newest articles, in one batch
      participationsByPerson: 1,
      eventsBySlug: 1,
      involvementsByEvent: 1,
      listArticles: 1, // each person's newest articles: one page per person, in one call for all of them
    });
  });

  it('would grow with the parents without batching (so the count above means something)', async () => {
    const naive = await createTestApi(undefined, { ...UNLIMITED, batch: false });
    const two = await callsFor(2, naive);
    const all = await callsFor(100, naive);
    const total = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);
    const batched = await callsFor(100);
    expect(total(all.calls)).toBeGreaterThan(2 * total(two.calls));
    expect(total(all.calls)).toBeGreaterThan(4 * total(batched.calls));
  });

  it('caches nothing across requests', async () => {
    const first = await callsFor(100);
    const second = await callsFor(100);
    expect(second.calls).toEqual(first.calls);
    expect(Object.keys(second.calls).length).toBeGreaterThan(5);
  });
});

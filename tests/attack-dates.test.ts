/**
 * Dates at both ends of the range the schema accepts (years 0001–9999), through HTTP: timeline buckets of every
 * interval, reduced-precision and leap dates, ISO weeks across year ends, and every date window (articles'
 * publishedFrom/To, events' from/to, topEntities, timeline with open ends), on the fixtures and on fixtures
 * whose articles and events sit on the first and last days there are.
 *
 * Issue 9, defect 1: `timeline(interval: DAY, from: "9999-12-31", to: "9999-12-31")` looped forever (its next
 * bucket was "10000-01-01", which sorts before "9999-12-31", then "0NaN-NaN-NaN"). Each attack must answer
 * within a bound, with the right buckets or a coded refusal. A timer cannot interrupt a synchronous loop, so the
 * answers are also checked for their exact number of buckets: a loop that never ends runs out of memory and
 * fails the run instead of hanging it.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bucketCount,
  buckets,
  dayNumber,
  dayOfNumber,
  dayRange,
  daysInMonth,
  FIRST_DAY,
  intersection,
  LAST_DAY,
  periodsOf,
  type TimeInterval,
} from '../src/data/dates.js';
import { createTestApi, DATA_DIR, editedFixtures, type GraphQLResponse, globalId, restate } from './helpers.js';

type Api = Awaited<ReturnType<typeof createTestApi>>;
interface Bucket {
  start: string;
  end: string;
  articleCount: number;
  mentionCount: number;
}

/** Answers within `ms`, or fails (instead of waiting for the test's own timeout). */
async function promptly<T>(promise: Promise<T>, what: string, ms = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function ask<T = Record<string, unknown>>(api: Api, document: string): Promise<GraphQLResponse<T>> {
  const result = await promptly(api.query<T>(document), document);
  expect(result.status).toBe(200);
  return result;
}

async function timeline(api: Api, args: string): Promise<Bucket[]> {
  const result = await ask<{ timeline: Bucket[] }>(
    api,
    `{ timeline(${args}) { start end articleCount mentionCount } }`,
  );
  expect(result.errors).toBeUndefined();
  return result.data?.timeline ?? [];
}

/** The refusal's code and message (the first error), after checking that there is one and no data. */
async function refusal(api: Api, document: string): Promise<{ code: unknown; message: string }> {
  const result = await ask(api, document);
  expect(result.errors?.length, JSON.stringify(result)).toBeGreaterThan(0);
  const error = result.errors?.[0];
  return { code: error?.extensions?.code, message: error?.message ?? '' };
}

const DATED_EVENTS = (
  JSON.parse(readFileSync(path.join(DATA_DIR, 'events.json'), 'utf8')) as { startDate: string | null }[]
).filter((event) => event.startDate).length;

const spans = (buckets: Bucket[]) => buckets.map((b) => `${b.start}..${b.end}`);

describe('timeline at the ends of the calendar (fixtures of 2024)', () => {
  let api: Api;
  beforeAll(async () => {
    api = await createTestApi();
  });

  it.each([
    ['interval: DAY, from: "9999-12-31", to: "9999-12-31"', ['9999-12-31..9999-12-31']],
    ['interval: DAY, from: "9999-12-30"', []], // open end: stops at the last article (2024), before the window
    [
      'interval: DAY, from: "9999-12", to: "9999"',
      Array.from({ length: 31 }, (_, i) => `9999-12-${String(i + 1).padStart(2, '0')}`).map((d) => `${d}..${d}`),
    ],
    ['interval: YEAR, from: "9999", to: "9999"', ['9999-01-01..9999-12-31']],
    ['interval: YEAR, from: "9998-07", to: "9999-12-31"', ['9998-01-01..9998-12-31', '9999-01-01..9999-12-31']],
    ['interval: MONTH, from: "9999-12", to: "9999-12"', ['9999-12-01..9999-12-31']],
    ['interval: MONTH, from: "9999-11-30", to: "9999-12-01"', ['9999-11-01..9999-11-30', '9999-12-01..9999-12-31']],
    // 9999-12-31 is a Friday: its ISO week would end on 10000-01-02, past the last day there is, so it is cut.
    ['interval: WEEK, from: "9999-12-31", to: "9999-12-31"', ['9999-12-27..9999-12-31']],
    ['interval: WEEK, from: "9999-12-26", to: "9999-12-31"', ['9999-12-20..9999-12-26', '9999-12-27..9999-12-31']],
    ['interval: DAY, from: "0001-01-01", to: "0001-01-02"', ['0001-01-01..0001-01-01', '0001-01-02..0001-01-02']],
    ['interval: YEAR, from: "0001", to: "0001"', ['0001-01-01..0001-12-31']],
    ['interval: MONTH, from: "0001", to: "0001-02"', ['0001-01-01..0001-01-31', '0001-02-01..0001-02-28']],
    // 0001-01-01 is a Monday: the first week starts on the first day there is.
    ['interval: WEEK, from: "0001", to: "0001-01-08"', ['0001-01-01..0001-01-07', '0001-01-08..0001-01-14']],
    ['interval: YEAR, to: "0001"', []], // open start: from the first article (2024), after the window
  ])('timeline(%s) answers its buckets', async (args, expected) => {
    const buckets = await timeline(api, `${args}`);
    expect(spans(buckets)).toEqual(expected);
    for (const bucket of buckets) expect(bucket).toMatchObject({ articleCount: 0, mentionCount: 0 });
  });

  it('a whole last year of weeks is 53 buckets, from the Monday before it to its cut last week', async () => {
    const buckets = await timeline(api, 'interval: WEEK, from: "9999", to: "9999"');
    expect(buckets).toHaveLength(53);
    expect(buckets[0]).toMatchObject({ start: '9998-12-28', end: '9999-01-03' });
    expect(buckets.at(-1)).toMatchObject({ start: '9999-12-27', end: '9999-12-31' });
    // Consecutive and gapless: each starts the day after the previous one ends.
    for (let i = 1; i < buckets.length; i++) {
      const dayAfter = new Date(`${buckets[i - 1]?.end}T00:00:00Z`);
      dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
      expect(buckets[i]?.start).toBe(dayAfter.toISOString().slice(0, 10));
    }
  });

  it.each([
    ['YEAR', '"8000"', '"9999"', '8000-01-01..8000-12-31', '9999-01-01..9999-12-31'],
    ['MONTH', '"9833-05"', '"9999-12"', '9833-05-01..9833-05-31', '9999-12-01..9999-12-31'],
    ['WEEK', '"9961-09-04"', '"9999-12-31"', '9961-09-04..9961-09-10', '9999-12-27..9999-12-31'],
    ['DAY', '"9994-07-11"', '"9999-12-31"', '9994-07-11..9994-07-11', '9999-12-31..9999-12-31'],
  ])('%s: exactly 2,000 buckets up to the last day there is are allowed', async (interval, from, to, first, last) => {
    const buckets = await timeline(api, `interval: ${interval}, from: ${from}, to: ${to}`);
    expect(buckets).toHaveLength(2_000);
    expect(spans([buckets[0] as Bucket, buckets.at(-1) as Bucket])).toEqual([first, last]);
  });

  it.each([
    ['YEAR', 9_999],
    ['MONTH', 119_988],
    ['WEEK', 521_723],
    ['DAY', 3_652_059],
  ])('%s over the whole calendar is refused, counting its %i buckets without making them', async (interval, count) => {
    const { code, message } = await refusal(
      api,
      `{ timeline(interval: ${interval}, from: "0001", to: "9999") { start } }`,
    );
    expect(code).toBe('BAD_USER_INPUT');
    expect(message).toBe(
      `the range 0001-01-01 to 9999-12-31 has ${count} ${interval} buckets, more than the 2000 allowed: narrow it or use a longer interval`,
    );
  });

  it.each([
    ['2024-02-28', '2024-03-01', ['2024-02-28', '2024-02-29', '2024-03-01']],
    ['2023-02-28', '2023-03-01', ['2023-02-28', '2023-03-01']],
    ['2000-02-28', '2000-03-01', ['2000-02-28', '2000-02-29', '2000-03-01']],
    ['1900-02-28', '1900-03-01', ['1900-02-28', '1900-03-01']],
    ['0004-02-28', '0004-03-01', ['0004-02-28', '0004-02-29', '0004-03-01']],
    ['0100-02-28', '0100-03-01', ['0100-02-28', '0100-03-01']],
    ['9996-02-28', '9996-03-01', ['9996-02-28', '9996-02-29', '9996-03-01']],
  ])('leap days: DAY from %s to %s', async (from, to, days) => {
    const buckets = await timeline(api, `interval: DAY, from: "${from}", to: "${to}"`);
    expect(buckets.map((b) => b.start)).toEqual(days);
  });

  it.each([
    ['0004-02', '0004-02-01..0004-02-29'],
    ['0100-02', '0100-02-01..0100-02-28'],
    ['0400-02', '0400-02-01..0400-02-29'],
    ['1900-02', '1900-02-01..1900-02-28'],
    ['2000-02', '2000-02-01..2000-02-29'],
  ])('leap months: MONTH of %s', async (month, span) => {
    expect(spans(await timeline(api, `interval: MONTH, from: "${month}", to: "${month}"`))).toEqual([span]);
  });

  it('ISO weeks cross year ends: week 53 of 2020 runs from 2020-12-28 to 2021-01-03', async () => {
    expect(spans(await timeline(api, 'interval: WEEK, from: "2020-12-31", to: "2021-01-04"'))).toEqual([
      '2020-12-28..2021-01-03',
      '2021-01-04..2021-01-10',
    ]);
    // A reduced-precision year starts its weeks on the Monday before its first day (2021-01-01 is a Friday).
    const year = await timeline(api, 'interval: WEEK, from: "2021", to: "2021"');
    expect(year).toHaveLength(53);
    expect(year[0]?.start).toBe('2020-12-28');
    expect(year.at(-1)).toMatchObject({ start: '2021-12-27', end: '2022-01-02' });
  });

  it.each([
    ['"0000"', 'from'],
    ['"0000-12-31"', 'from'],
    ['"10000"', 'to'],
    ['"9999-12-32"', 'to'],
    ['"9999-13"', 'to'],
    ['"2023-02-29"', 'to'],
    ['"2024-07-13T10:00"', 'to'],
    ['"-0001"', 'from'],
    ['"+9999"', 'from'],
  ])('a date outside 0001–9999 or not a date (%s) is refused with BAD_USER_INPUT', async (date, bound) => {
    for (const document of [
      `{ timeline(interval: DAY, ${bound}: ${date}) { start } }`,
      `{ topEntities(${bound}: ${date}) { articleCount } }`,
      `{ articles(filter: { ${bound === 'from' ? 'publishedFrom' : 'publishedTo'}: ${date} }) { totalCount } }`,
      `{ events(filter: { ${bound}: ${date} }) { totalCount } }`,
    ]) {
      const { code, message } = await refusal(api, document);
      expect(code, document).toBe('BAD_USER_INPUT');
      expect(message, document).toMatch(/must be an ISO 8601 date from year 0001 to 9999/);
    }
  });

  it('an empty window at the ends is refused, naming the bound', async () => {
    const { code, message } = await refusal(
      api,
      '{ timeline(interval: DAY, from: "9999-12-31", to: "9999-12-30") { start } }',
    );
    expect(code).toBe('BAD_USER_INPUT');
    expect(message).toMatch(/^to: must not be before from/);
  });

  it('the other windows answer at both ends (nothing of 2024 is in them)', async () => {
    const result = await ask<Record<string, { totalCount?: number } | unknown[]>>(
      api,
      `{
        lateArticles: articles(filter: { publishedFrom: "9999-12-31" }) { totalCount }
        earlyArticles: articles(filter: { publishedTo: "0001" }) { totalCount }
        allArticles: articles(filter: { publishedFrom: "0001-01-01", publishedTo: "9999-12-31" }) { totalCount }
        lateEvents: events(filter: { from: "9999" }) { totalCount }
        allEvents: events(filter: { from: "0001", to: "9999" }) { totalCount }
        lateTop: topEntities(from: "9999-12-31") { articleCount }
        earlyTop: topEntities(to: "0001-01-01") { articleCount }
        allTop: topEntities(from: "0001", to: "9999", first: 1) { articleCount }
      }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({
      lateArticles: { totalCount: 0 },
      earlyArticles: { totalCount: 0 },
      allArticles: { totalCount: 2 },
      lateEvents: { totalCount: 0 },
      lateTop: [],
      earlyTop: [],
      allTop: [{ articleCount: 2 }],
      // Every dated event of the fixtures is inside the whole calendar.
      allEvents: { totalCount: DATED_EVENTS },
    });
  });
});

describe('articles and events on the first and last days there are', () => {
  let api: Api;
  const directories: string[] = [];
  const early = 'irans-alleged-terror-plot-in-peru';
  let late = '';

  beforeAll(async () => {
    // The two articles: one on the first day there is, one on the last (with a time); events from end to end.
    const articlesDir = await editedFixtures('articles.json', (articles) => {
      late = String(articles[1]?.slug);
      const first = articles.find((a) => a.slug === early) as Record<string, unknown>;
      first.publishedAt = '0001-01-01';
      const other = articles.find((a) => a.slug !== early) as Record<string, unknown>;
      other.publishedAt = '9999-12-31T23:59';
      return articles;
    });
    directories.push(articlesDir);
    const { readFile, writeFile } = await import('node:fs/promises');
    const events = JSON.parse(await readFile(`${articlesDir}/events.json`, 'utf8')) as Record<string, unknown>[];
    // The March article is now the newest: the plot's location is its "Lima" (claims.json), no longer "Peru".
    Object.assign(events[0] as object, { startDate: '0001', endDate: '9999-12-31', location: 'Lima' });
    Object.assign(events[1] as object, { startDate: '9999-12', endDate: null });
    Object.assign(events[2] as object, { startDate: '0001-01-01', endDate: '0001-01' });
    await writeFile(`${articlesDir}/events.json`, JSON.stringify(events, null, 2));
    for (const [entity, property, value] of [
      ['Event:peru-assassination-plot', 'START_DATE', '0001'],
      ['Event:peru-assassination-plot', 'END_DATE', '9999-12-31'],
      ['Event:arrest-of-majid-azizi', 'START_DATE', '9999-12'],
      ['Event:apec-meeting-2024', 'START_DATE', '0001-01-01'],
      ['Event:apec-meeting-2024', 'END_DATE', '0001-01'],
    ] as const) {
      await restate(articlesDir, entity, property, value);
    }
    api = await createTestApi(articlesDir);
  });
  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  it('the open-ended timeline spans the whole calendar: refused by count for every interval', async () => {
    for (const [interval, count] of [
      ['YEAR', 9_999],
      ['DAY', 3_652_059],
    ] as const) {
      const { code, message } = await refusal(api, `{ timeline(interval: ${interval}) { start } }`);
      expect(code).toBe('BAD_USER_INPUT');
      expect(message).toContain(`has ${count} ${interval} buckets`);
    }
  });

  it('open ends stop at the first and last articles, and count them in the end buckets', async () => {
    const last = await timeline(api, 'interval: WEEK, from: "9999-12-20"');
    expect(spans(last)).toEqual(['9999-12-20..9999-12-26', '9999-12-27..9999-12-31']);
    expect(last.map((b) => b.articleCount)).toEqual([0, 1]);
    expect(last[1]?.mentionCount).toBeGreaterThan(0);
    const lastDay = await timeline(api, 'interval: DAY, from: "9999-12-31"');
    expect(lastDay).toMatchObject([{ start: '9999-12-31', end: '9999-12-31', articleCount: 1 }]);
    const first = await timeline(api, 'interval: WEEK, to: "0001-01-08"');
    expect(spans(first)).toEqual(['0001-01-01..0001-01-07', '0001-01-08..0001-01-14']);
    expect(first.map((b) => b.articleCount)).toEqual([1, 0]);
    const years = await timeline(api, 'interval: YEAR, from: "9990"');
    expect(years).toHaveLength(10);
    expect(years.at(-1)).toMatchObject({ start: '9999-01-01', end: '9999-12-31', articleCount: 1 });
  });

  it('an entity timeline counts its mentions at the ends', async () => {
    const entity = globalId('Person', 'majid-azizi');
    const both = [
      ...(await timeline(api, `interval: YEAR, to: "0002", entity: "${entity}"`)),
      ...(await timeline(api, `interval: YEAR, from: "9998", entity: "${entity}"`)),
    ];
    const total = both.reduce((n, b) => n + b.articleCount, 0);
    expect(total).toBeGreaterThan(0);
    for (const bucket of both) expect(bucket.end <= '9999-12-31').toBe(true);
  });

  it('article and event windows and topEntities find the records on the first and last days', async () => {
    const result = await ask<{
      lateArticles: { nodes: { slug: string }[] };
      earlyArticles: { nodes: { slug: string }[] };
      lastDayEvents: { totalCount: number };
      firstDayEvents: { totalCount: number };
      lateTop: { articleCount: number }[];
      earlyTop: { articleCount: number }[];
    }>(
      api,
      `{
        lateArticles: articles(filter: { publishedFrom: "9999-12-31" }) { nodes { slug } }
        earlyArticles: articles(filter: { publishedTo: "0001" }) { nodes { slug } }
        lastDayEvents: events(filter: { from: "9999-12-31" }) { totalCount }
        firstDayEvents: events(filter: { to: "0001-01-01" }) { totalCount }
        lateTop: topEntities(from: "9999-12-31") { articleCount }
        earlyTop: topEntities(to: "0001") { articleCount }
      }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.lateArticles.nodes).toEqual([{ slug: late }]);
    expect(result.data?.earlyArticles.nodes).toEqual([{ slug: early }]);
    // 0001–9999-12-31 and 9999-12 reach the last day; 0001–9999-12-31 and 0001-01-01–0001-01 the first.
    expect(result.data?.lastDayEvents.totalCount).toBe(2);
    expect(result.data?.firstDayEvents.totalCount).toBe(2);
    expect(result.data?.lateTop.length).toBeGreaterThan(0);
    expect(result.data?.earlyTop.length).toBeGreaterThan(0);
    for (const ranked of [...(result.data?.lateTop ?? []), ...(result.data?.earlyTop ?? [])]) {
      expect(ranked.articleCount).toBe(1);
    }
  });

  it('events sort by start date with the first and last days among them', async () => {
    const result = await ask<{ events: { nodes: { startDate: string | null }[] } }>(
      api,
      '{ events(orderBy: { field: START_DATE, direction: DESC }, first: 3) { nodes { startDate } } }',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.events.nodes.map((n) => n.startDate)).toEqual([
      '9999-12',
      expect.any(String),
      expect.any(String),
    ]);
  });
});

describe('day arithmetic (src/data/dates.ts) against the platform calendar', () => {
  /** The platform's reading of a day, with the year set apart (Date.UTC reads years 0–99 as 1900–1999). */
  const platformDay = (year: number, month: number, day: number) => {
    const date = new Date(Date.UTC(2000, month - 1, day));
    date.setUTCFullYear(year, month - 1, day);
    return date;
  };

  it('day numbers and days round-trip and agree with Date for every year 0001–9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, rawDay) => {
          const day = Math.min(rawDay, daysInMonth(year, month));
          const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          const platform = platformDay(year, month, day);
          expect(platform.getUTCMonth() + 1).toBe(month); // the day exists: daysInMonth agrees with Date
          expect(dayNumber(text)).toBe(platform.getTime() / 86_400_000);
          expect(dayOfNumber(dayNumber(text))).toBe(text);
        },
      ),
      { numRuns: 2_000, seed: 1 },
    );
    expect(dayOfNumber(dayNumber(FIRST_DAY) - 1)).toBe('0000-12-31');
    expect(dayOfNumber(dayNumber(LAST_DAY) + 1)).toBe('10000-01-01');
  });

  it('buckets of any range in 0001–9999 are as many as bucketCount says, gapless, within the calendar', () => {
    const day = fc.integer({ min: dayNumber(FIRST_DAY), max: dayNumber(LAST_DAY) }).map((n) => dayOfNumber(n));
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom<TimeInterval>('DAY', 'WEEK', 'MONTH', 'YEAR'),
        (first, span, interval) => {
          const last = dayOfNumber(Math.min(dayNumber(first) + span, dayNumber(LAST_DAY)));
          const made = buckets({ first, last }, interval);
          expect(made).toHaveLength(bucketCount({ first, last }, interval));
          const initial = made[0] as { first: string; last: string };
          expect(initial.first <= first && first <= initial.last).toBe(true);
          const final = made.at(-1) as { first: string; last: string };
          expect(final.first <= last && last <= final.last && final.last <= LAST_DAY).toBe(true);
          for (let i = 1; i < made.length; i++) {
            expect(dayNumber(made[i]?.first ?? '')).toBe(dayNumber(made[i - 1]?.last ?? '') + 1);
          }
          if (interval === 'WEEK') {
            for (const week of made) expect(platformDay(...split(week.first)).getUTCDay()).toBe(1); // Mondays
          }
        },
      ),
      { numRuns: 1_000, seed: 2 },
    );
  });

  it('periodsOf covers any range in 0001–9999 with whole years, months and days, gapless, fewest first', () => {
    const day = fc.integer({ min: dayNumber(FIRST_DAY), max: dayNumber(LAST_DAY) }).map((n) => dayOfNumber(n));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 2_000 }), (first, span) => {
        const last = dayOfNumber(Math.min(dayNumber(first) + span, dayNumber(LAST_DAY)));
        const periods = periodsOf({ first, last });
        const ranges = periods.map((period) => dayRange(period));
        expect(ranges[0]?.first).toBe(first);
        expect(ranges.at(-1)?.last).toBe(last);
        for (let i = 1; i < ranges.length; i++) {
          expect(dayNumber(ranges[i]?.first ?? '')).toBe(dayNumber(ranges[i - 1]?.last ?? '') + 1);
        }
        // The fewest: a whole month inside the range is one period, a whole year too, never its days or months.
        for (const period of periods) {
          if (period.length === 10) {
            const month = dayRange(period.slice(0, 7));
            expect(month.first >= first && month.last <= last).toBe(false);
          }
          if (period.length === 7) {
            const year = dayRange(period.slice(0, 4));
            expect(year.first >= first && year.last <= last).toBe(false);
          }
        }
        expect(periods.length).toBeLessThanOrEqual(30 + 11 + Math.ceil(span / 365) + 11 + 30);
      }),
      { numRuns: 1_000, seed: 3 },
    );
    expect(periodsOf({ first: '2023-12-30', last: '2025-02-01' })).toEqual([
      '2023-12-30',
      '2023-12-31',
      '2024',
      '2025-01',
      '2025-02-01',
    ]);
    expect(periodsOf({ first: FIRST_DAY, last: LAST_DAY })).toHaveLength(9_999);
    expect(periodsOf({ first: '2024-03-02', last: '2024-03-01' })).toEqual([]);
    expect(
      intersection({ first: '2024-01-01', last: '2024-06-30' }, { first: '2024-06-30', last: '2025-01-01' }),
    ).toEqual({ first: '2024-06-30', last: '2024-06-30' });
    expect(intersection({ first: '2024-01-01', last: '2024-06-29' }, { first: '2024-06-30', last: '2025-01-01' })).toBe(
      null,
    );
  });
});

function split(day: string): [number, number, number] {
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

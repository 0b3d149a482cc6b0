/**
 * Data reloads under a running API: a reload builds a complete new store and swaps it in at once, so every
 * response is computed from one version of the data (the one in its `extensions.dataVersion`), requests in
 * flight finish on the store they started with, and a bad edit never replaces good data.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../scripts/generate-corpus.js';
import type { Config } from '../src/config.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { loadStore } from '../src/data/load-store.js';
import { DataHolder, type ReloadLogger, type ReloadResult, type SourceHolder } from '../src/data/reloader.js';
import { startServer } from '../src/server.js';
import type { NewsYoga } from '../src/yoga.js';
import { editedFixtures, testApp, testConfig } from './helpers.js';

type Fixture = Record<string, unknown>;

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** A fresh copy of data/ with `edit` applied to one file (removed after the suite). */
async function fixtures(file = 'articles.json', edit: (records: Fixture[]) => unknown = () => undefined) {
  const directory = await editedFixtures(file, edit);
  directories.push(directory);
  return directory;
}

/** A valid third article, newer than the two curated ones, that mentions Majid Azizi by name. */
const NEW_ARTICLE = {
  slug: 'azizi-appears-in-court',
  headline: 'Majid Azizi appears in court in Lima',
  publishedAt: '2024-08-01',
  publishedAtText: 'August 1, 2024',
  source: '002_reload_test.txt',
  body: 'Majid Azizi appeared before a judge in Lima on Thursday, his lawyer said.',
};
const withNewArticle = (records: Fixture[]) => [...records, NEW_ARTICLE];

const PERU_ARTICLE = 'irans-alleged-terror-plot-in-peru';

/** A query touching lists, lookups, relationships, aggregates and search: all of it must come from one store. */
const QUERY = `{
  stats { articles persons mentions relationships }
  articles { totalCount nodes { slug headline } }
  person(slug: "majid-azizi") { name mentionCount articles { totalCount nodes { slug } } }
  search(query: "azizi", types: [ARTICLE]) { totalCount nodes { ... on Article { slug } } }
}`;

interface Answer {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: unknown[];
  extensions?: { dataVersion?: string };
}

type Fetcher = (init: RequestInit) => Response | Promise<Response>;

/** In-process requests to a yoga instance. */
const viaYoga =
  (yoga: NewsYoga): Fetcher =>
  (init) =>
    yoga.fetch('http://localhost/graphql', init);

/** A function that POSTs `query` and returns the status and the parsed body. */
function post(send: Fetcher, query = QUERY) {
  return async (): Promise<Answer> => {
    const response = await send({
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };
}

/** The answer to QUERY from a fixed store over `directory`: the reference a reloaded answer must equal. */
async function referenceAnswer(directory: string) {
  const store = await loadStore(directory);
  const answer = await post(viaYoga(testApp(store).yoga))();
  expect(answer.errors).toBeUndefined();
  expect(answer.extensions?.dataVersion).toBe(store.version);
  return { version: store.version, data: answer.data };
}

/** A ReloadLogger that records every call. */
function recordingLogger() {
  const calls: { level: 'info' | 'error'; fields: Record<string, unknown>; message: string }[] = [];
  const logger: ReloadLogger = {
    info: (fields, message) => calls.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
    error: (fields, message) => calls.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
  };
  return { logger, calls, errors: () => calls.filter((c) => c.level === 'error') };
}

async function setUp() {
  const dir = await fixtures();
  const log = recordingLogger();
  const holder = await DataHolder.load(dir, log.logger);
  const { yoga } = testApp(holder);
  return { dir, holder, yoga, query: post(viaYoga(yoga)), log };
}

describe('reloading the data', () => {
  it('serves a new article after a reload, with a new data version', async () => {
    const { dir, holder, query } = await setUp();
    const before = await query();
    expect(before.status).toBe(200);
    expect(before.data).toMatchObject({ articles: { totalCount: 2 }, person: { articles: { totalCount: 2 } } });
    const oldVersion = before.extensions?.dataVersion;
    expect(oldVersion).toBe(holder.current().version);

    const articles = JSON.parse(await readFile(path.join(dir, 'articles.json'), 'utf8')) as Fixture[];
    await writeFile(path.join(dir, 'articles.json'), JSON.stringify(withNewArticle(articles), null, 2));
    const result = await holder.reload();
    expect(result).toMatchObject({ ok: true, changed: true });

    const after = await query();
    expect(after.status).toBe(200);
    expect(after.errors).toBeUndefined();
    const data = after.data as {
      articles: { totalCount: number; nodes: { slug: string; headline: string }[] };
      person: { articles: { totalCount: number; nodes: { slug: string }[] } };
    };
    expect(data.articles.totalCount).toBe(3);
    expect(data.articles.nodes[0]).toEqual({ slug: NEW_ARTICLE.slug, headline: NEW_ARTICLE.headline });
    expect(data.person.articles.totalCount).toBe(3);
    expect(data.person.articles.nodes.map((n) => n.slug)).toContain(NEW_ARTICLE.slug);
    expect(after.extensions?.dataVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(after.extensions?.dataVersion).not.toBe(oldVersion);
    expect(result.ok && result.version).toBe(after.extensions?.dataVersion);
    // And it is exactly what a server started on the edited data would answer.
    expect(after.data).toEqual((await referenceAnswer(dir)).data);
  });

  const brokenEdits: {
    name: string;
    file: string;
    edit: (records: Fixture[]) => unknown;
    message: RegExp;
  }[] = [
    {
      name: 'invalid JSON',
      file: 'event-relations.json',
      edit: () => '[{"from": "x",]',
      message: /event-relations\.json: .*not valid JSON/,
    },
    {
      name: 'a dangling reference',
      file: 'affiliations.json',
      edit: (records) => {
        (records[2] as Fixture).organization = 'peruvian-police';
      },
      message:
        /affiliations\.json \[2\] \(person "oscar-arriola", organization "peruvian-police"\) field "organization": .*unknown organization "peruvian-police"/,
    },
    {
      name: 'an evidence quote not in its article',
      file: 'affiliations.json',
      edit: (records) => {
        (records[2] as Fixture).evidence = [{ article: PERU_ARTICLE, quote: "Peru's police chief, Oscar Arriola" }];
      },
      message:
        /affiliations\.json \[2\] \(person "oscar-arriola", organization "peru"\) field "evidence\.0\.quote": quote not found in the body of article "irans-alleged-terror-plot-in-peru"/,
    },
  ];

  it.each(brokenEdits)(
    'keeps the last good data after $name, and says what is wrong',
    async ({ file, edit, message }) => {
      const { dir, holder, query, log } = await setUp();
      const before = await query();
      expect(before.errors).toBeUndefined();
      const good = await readFile(path.join(dir, file), 'utf8');

      const broken = await fixtures(file, edit);
      await writeFile(path.join(dir, file), await readFile(path.join(broken, file), 'utf8'));
      const result = await holder.reload();

      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toMatch(message);
      const after = await query();
      expect(after).toEqual(before);
      expect(holder.current().version).toBe(before.extensions?.dataVersion);
      const errors = log.errors();
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/refused/);
      expect(errors[0]?.fields).toMatchObject({ dataVersion: before.extensions?.dataVersion });
      expect(String(errors[0]?.fields.err)).toMatch(message);

      // Fixing the file makes reloads work again: the same content, so the same version.
      await writeFile(path.join(dir, file), good);
      expect(await holder.reload()).toMatchObject({
        ok: true,
        changed: false,
        version: before.extensions?.dataVersion,
      });
      expect(await query()).toEqual(before);
    },
  );

  it('finishes a request in flight on the store it started with', async () => {
    const dir = await fixtures();
    const oldAnswer = await referenceAnswer(dir);

    // The initial store pauses in listArticles until released, so a reload can happen mid-request.
    let entered!: () => void;
    const paused = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = await loadStore(dir);
    const gated = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'listArticles' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          entered();
          await gate;
          return value.apply(target, args);
        };
      },
    }) as NewsDataSource;
    const holder = new DataHolder(dir, gated);
    const query = post(viaYoga(testApp(holder).yoga));

    const inFlight = query();
    await paused;
    const articles = JSON.parse(await readFile(path.join(dir, 'articles.json'), 'utf8')) as Fixture[];
    await writeFile(path.join(dir, 'articles.json'), JSON.stringify(withNewArticle(articles), null, 2));
    const reloaded = await holder.reload();
    expect(reloaded).toMatchObject({ ok: true, changed: true });
    expect(holder.current()).not.toBe(gated);

    // A request started after the swap sees the new data at once...
    const newAnswer = await query();
    expect(newAnswer.extensions?.dataVersion).toBe(reloaded.ok && reloaded.version);
    expect(newAnswer.data).toMatchObject({ articles: { totalCount: 3 } });

    // ...while the one that started before finishes on the old store, consistently.
    release();
    const oldResponse = await inFlight;
    expect(oldResponse.status).toBe(200);
    expect(oldResponse.errors).toBeUndefined();
    expect(oldResponse.extensions?.dataVersion).toBe(oldAnswer.version);
    expect(oldResponse.data).toEqual(oldAnswer.data);
  });

  it('answers queries all through 20 reloads, each from exactly one version', async () => {
    const dirA = await fixtures();
    const dirB = await fixtures('articles.json', withNewArticle);
    const a = await referenceAnswer(dirA);
    const b = await referenceAnswer(dirB);
    expect(b.version).not.toBe(a.version);
    const expected = new Map([
      [a.version, a.data],
      [b.version, b.data],
    ]);
    const articlesA = await readFile(path.join(dirA, 'articles.json'), 'utf8');
    const articlesB = await readFile(path.join(dirB, 'articles.json'), 'utf8');

    // Every data access waits for the next turn of the event loop, so a query spans many turns and swaps
    // happen while queries are half done (in-process, a query over the memory store would finish in one).
    const dir = await fixtures();
    const log = recordingLogger();
    const holder = await DataHolder.load(dir, log.logger);
    const slowed = new WeakMap<NewsDataSource, NewsDataSource>();
    const slow: SourceHolder = {
      status: () => holder.status(),
      current() {
        const store = holder.current();
        let wrapped = slowed.get(store);
        if (!wrapped) {
          wrapped = new Proxy(store, {
            get(target, property, receiver) {
              const value = Reflect.get(target, property, receiver);
              if (typeof value !== 'function') return value;
              return async (...args: unknown[]) => {
                await new Promise((resolve) => setImmediate(resolve));
                return value.apply(target, args);
              };
            },
          });
          slowed.set(store, wrapped);
        }
        return wrapped;
      },
    };
    const query = post(viaYoga(testApp(slow).yoga));
    // The reloads run in a worker thread, which the first reload starts: start it before counting.
    expect(await holder.reload()).toMatchObject({ ok: true, changed: false });
    const answers: Promise<Answer>[] = [];
    const reloads: ReloadResult[] = [];
    let straddled = 0;
    const reloading = (async () => {
      for (let i = 0; i < 20; i++) {
        await writeFile(path.join(dir, 'articles.json'), i % 2 === 0 ? articlesB : articlesA);
        reloads.push(await holder.reload());
      }
    })();
    // A query every few milliseconds while the reloads run in the worker, so that queries start before, during
    // and after every swap and some are half done when one happens.
    while (reloads.length < 20) {
      const startedOn = holder.current();
      answers.push(
        query().then((answer) => {
          if (holder.current() !== startedOn) straddled++;
          return answer;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await reloading;
    const results = await Promise.all(answers);

    expect(reloads).toHaveLength(20);
    for (const [i, reload] of reloads.entries()) {
      expect(reload).toMatchObject({ ok: true, changed: true, version: i % 2 === 0 ? b.version : a.version });
    }
    expect(log.errors()).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
    const seen = new Map<string, number>();
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      const version = String(result.extensions?.dataVersion);
      expect([a.version, b.version]).toContain(version);
      expect(result.data).toEqual(expected.get(version));
      seen.set(version, (seen.get(version) ?? 0) + 1);
    }
    expect(seen.get(a.version)).toBeGreaterThan(0);
    expect(seen.get(b.version)).toBeGreaterThan(0);
    // Some queries were in flight when the store was swapped under them, and still answered from one version.
    expect(straddled).toBeGreaterThan(0);
  });
});

describe('reloads asked for while one is running', () => {
  it('are answered by a reload that starts after they were asked, so they see the caller’s edit', async () => {
    const directory = await fixtures();
    const holder = await DataHolder.load(directory);
    const before = holder.current().version;
    const articlesFile = path.join(directory, 'articles.json');
    const edited = JSON.stringify(withNewArticle(JSON.parse(await readFile(articlesFile, 'utf8'))));
    const first = holder.reload(); // starts reading the files as they are now
    writeFileSync(articlesFile, edited); // the edit lands while the first reload runs
    const second = holder.reload(); // asked after the edit: must not be answered by the first reload
    const third = holder.reload();
    const [a, b, c] = await Promise.all([first, second, third]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toMatchObject({ ok: true });
    expect(c).toBe(b); // callers who asked meanwhile share the one queued reload
    expect(holder.current().version).not.toBe(before);
    expect(b.ok && b.version).toBe(holder.current().version);
    expect((await holder.current().stats()).articles).toBe(3);
  });
});

describe('watching the data directory (a real server)', () => {
  /** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
  async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it('serves an edit made on disk, and keeps the last good data after a broken edit', async () => {
    const dir = await fixtures();
    const { running, lines, query } = await serverOn(dir, { watch: true });
    try {
      const first = await query();
      expect(first.data).toMatchObject({ articles: { totalCount: 2 } });
      const oldVersion = first.extensions?.dataVersion;

      const articles = JSON.parse(await readFile(path.join(dir, 'articles.json'), 'utf8')) as Fixture[];
      await writeFile(path.join(dir, 'articles.json'), JSON.stringify(withNewArticle(articles), null, 2));
      const reloaded = await until('the new article to be served', async () => {
        const answer = await query();
        return (answer.data as { articles?: { totalCount: number } } | undefined)?.articles?.totalCount === 3
          ? answer
          : undefined;
      });
      expect(reloaded.errors).toBeUndefined();
      expect(reloaded.extensions?.dataVersion).not.toBe(oldVersion);
      expect(reloaded.data).toEqual((await referenceAnswer(dir)).data);
      expect(lines.some((l) => l.msg === 'data reloaded' && l.dataVersion === reloaded.extensions?.dataVersion)).toBe(
        true,
      );

      const refusedBefore = lines.filter((l) => /refused/.test(String(l.msg))).length;
      await writeFile(path.join(dir, 'persons.json'), '[{"slug": "majid-azizi",');
      const refusal = await until(
        'the broken edit to be refused',
        () => lines.filter((l) => /refused/.test(String(l.msg)))[refusedBefore],
      );
      expect(refusal.level).toBe(50); // pino's "error"
      expect(String(refusal.err)).toMatch(/persons\.json: .*not valid JSON/);
      expect(refusal.dataVersion).toBe(reloaded.extensions?.dataVersion);
      expect(await query()).toEqual(reloaded);
      const ready = await fetch(new URL('/ready', running.url));
      // Ready: it serves the last good data; and it says which, and that the last reload was refused.
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        ready: true,
        dataVersion: reloaded.extensions?.dataVersion,
        lastReload: {
          ok: false,
          at: expect.any(String),
          ms: expect.any(Number),
          problem:
            'the data was refused (problems in persons.json, affiliations.json, participations.json, claims.json); the log has the details',
        },
      });
    } finally {
      await running.close(1_000);
    }
  });
});

/** Resolves with `promise`, or fails after `ms` (a hang becomes a failure, not a stuck suite). */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)),
  ]);
}

/** A server on a fresh copy of data/, its log lines, and a GET of /ready. */
async function serverOn(dir: string, overrides: Partial<Config> = {}) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  const running = await startServer(testConfig({ dataDir: dir, ...overrides }), pino({ level: 'info' }, stream));
  const ready = async () => {
    const response = await fetch(new URL('/ready', running.url));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { running, lines, ready, query: post((init) => fetch(running.url, init)) };
}

describe('files in the data directory that are not regular files inside it', () => {
  it('refuses a named pipe (FIFO) at once, keeps serving, says so on /ready, and reloads once it is a file', async () => {
    const dir = await fixtures();
    const { running, ready, query, lines } = await serverOn(dir);
    try {
      const before = await query();
      const good = await readFile(path.join(dir, 'persons.json'), 'utf8');
      await rm(path.join(dir, 'persons.json'));
      execFileSync('mkfifo', [path.join(dir, 'persons.json')]);

      const refused = await within(10_000, (running.holder as DataHolder).reload(), 'a reload with a FIFO');
      expect(refused.ok).toBe(false);
      expect(refused.ok ? '' : refused.error).toMatch(/persons\.json: is a named pipe \(FIFO\), not a regular file/);
      expect(await query()).toEqual(before);
      // Ready (it serves the last good data, the same as every replica given the same bad edit would) and says
      // which version it serves and that the last reload failed.
      const status = await ready();
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        ready: true,
        dataVersion: before.extensions?.dataVersion,
        lastReload: { ok: false, problem: expect.stringMatching(/persons\.json/) },
      });
      expect(lines.some((l) => /refused/.test(String(l.msg)) && /FIFO/.test(String(l.err)))).toBe(true);

      // The pipe did not stop reloads for good.
      await rm(path.join(dir, 'persons.json'));
      await writeFile(path.join(dir, 'persons.json'), good);
      expect(await within(10_000, (running.holder as DataHolder).reload(), 'a reload after the FIFO')).toMatchObject({
        ok: true,
        changed: false,
      });
      expect((await ready()).body).toMatchObject({ ready: true, lastReload: { ok: true } });
      await rm(path.join(dir, 'persons.json'));
      execFileSync('mkfifo', [path.join(dir, 'persons.json')]);
    } finally {
      // Nor does it hold up the shutdown, with the FIFO still there.
      await within(5_000, running.close(1_000), 'close');
    }
    // Nor the start: the server refuses to start on it, with the same message, instead of waiting for a writer.
    await expect(within(10_000, DataHolder.load(dir), 'a load with a FIFO')).rejects.toThrow(/named pipe/);
  });

  it('refuses a symbolic link to a file outside the directory without echoing a byte of it', async () => {
    const dir = await fixtures();
    const outside = path.join(path.dirname(dir), `${path.basename(dir)}-secret.txt`);
    directories.push(outside);
    await writeFile(outside, 'root:TOP-SECRET-PASSWORD-HASH:0:0\n');
    const { running, query, lines } = await serverOn(dir);
    try {
      const before = await query();
      await rm(path.join(dir, 'events.json'));
      await symlink(outside, path.join(dir, 'events.json'));
      const refused = await within(10_000, (running.holder as DataHolder).reload(), 'a reload with a symlink');
      expect(refused.ok ? '' : refused.error).toMatch(/events\.json: is a symbolic link to a file outside the data/);
      expect(JSON.stringify(refused)).not.toMatch(/TOP-SECRET|root:/);
      expect(JSON.stringify(lines)).not.toMatch(/TOP-SECRET|root:/);
      expect(await query()).toEqual(before);
    } finally {
      await running.close(1_000);
    }
  });

  it('follows a symbolic link to a file inside the directory (as mounted config volumes are laid out)', async () => {
    const dir = await fixtures();
    await mkdir(path.join(dir, '..data'));
    await rename(path.join(dir, 'persons.json'), path.join(dir, '..data', 'persons.json'));
    await symlink(path.join('..data', 'persons.json'), path.join(dir, 'persons.json'));
    const holder = await DataHolder.load(dir);
    expect(await holder.reload()).toMatchObject({ ok: true, changed: false });
  });

  it('abandons a reload that takes longer than its time limit, and the next one still runs', async () => {
    const dir = await fixtures();
    const log = recordingLogger();
    const holder = await DataHolder.load(dir, log.logger);
    const version = holder.current().version;
    const stuck = await within(10_000, holder.reload({ timeoutMs: 1 }), 'a reload with a 1 ms limit');
    expect(stuck).toMatchObject({ ok: false, error: 'the reload did not finish within 1 ms and was abandoned' });
    expect(holder.status()).toMatchObject({ dataVersion: version, lastReload: { ok: false } });
    expect(await within(20_000, holder.reload(), 'the next reload')).toMatchObject({ ok: true, version });
    expect(holder.status()).toMatchObject({ dataVersion: version, lastReload: { ok: true } });
  });
});

describe('a reload of a large corpus', () => {
  const ARTICLES = 1_500;
  /** Light and heavy parts of the API: the reloaded store must answer all of them as a fresh one does. */
  const CORPUS_QUERY = `{
    stats { articles persons organizations events mentions relationships }
    articles(first: 5) { totalCount nodes { slug headline persons(first: 3) { nodes { slug } } } }
    persons(first: 5) { totalCount nodes { slug name mentionCount articles(first: 2) { totalCount nodes { slug } } } }
    search(query: "summit", first: 5) { totalCount nodes { __typename ... on Article { slug } } }
  }`;

  it('runs off the request thread: requests started during it are answered before it ends, and it answers as a fresh load', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'newsgraph-corpus-'));
    directories.push(parent);
    const dir = path.join(parent, 'data');
    await generateCorpus({ articles: ARTICLES, seed: 3, out: dir });
    const holder = await DataHolder.load(dir);
    const query = post(
      viaYoga(testApp(holder, { responseCacheMaxEntries: 0, responseCacheMaxBytes: 0 }).yoga),
      CORPUS_QUERY,
    );
    const light = post(
      viaYoga(testApp(holder, { responseCacheMaxEntries: 0, responseCacheMaxBytes: 0 }).yoga),
      '{ stats { articles } }',
    );
    // The worker starts with the first reload: start it first, so the reload below is one of a running server.
    expect(await holder.reload()).toMatchObject({ ok: true, changed: false });

    // A different corpus of the same size on disk, then a reload, with requests one after another meanwhile.
    await rm(dir, { recursive: true });
    await generateCorpus({ articles: ARTICLES, seed: 4, out: dir });
    const events: string[] = [];
    const reloading = holder.reload().then((result) => {
      events.push('reload done');
      return result;
    });
    let answered = 0;
    while (!events.includes('reload done') && answered < 10) {
      const answer = await light();
      expect(answer.status).toBe(200);
      events.push('request done');
      answered++;
    }
    const result = await reloading;
    expect(result).toMatchObject({ ok: true, changed: true });
    // Ten requests, each started after the one before was answered, all finished before the reload did: the
    // reload (reading, validating and indexing 1,500 articles) never held the thread they run on for long.
    expect(events.indexOf('reload done')).toBe(10);

    const reloaded = await query();
    expect(reloaded.errors).toBeUndefined();
    const fresh = await loadStore(dir);
    const reference = await post(viaYoga(testApp(fresh).yoga), CORPUS_QUERY)();
    expect(reloaded.extensions?.dataVersion).toBe(fresh.version);
    expect(reloaded.data).toEqual(reference.data);
  }, 60_000);
});

describe('watching a data directory that is moved away and made again', () => {
  it('serves the edits made in the new directory, and the ones after', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'newsgraph-watch-'));
    directories.push(parent);
    const dir = path.join(parent, 'data');
    await cp(await fixtures(), dir, { recursive: true });
    const { running, query } = await serverOn(dir, { watch: true });
    const totalOf = (answer: Answer) =>
      (answer.data as { articles?: { totalCount: number } } | undefined)?.articles?.totalCount;
    const until = async (what: string, check: () => Promise<boolean>) => {
      const deadline = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    try {
      expect(totalOf(await query())).toBe(2);
      // mv data data.old && mkdir data && cp data.old/* data/ (with one more article)
      await rename(dir, `${dir}.old`);
      await mkdir(dir);
      await cp(`${dir}.old`, dir, { recursive: true });
      const articles = JSON.parse(await readFile(path.join(dir, 'articles.json'), 'utf8')) as Fixture[];
      await writeFile(path.join(dir, 'articles.json'), JSON.stringify(withNewArticle(articles), null, 2));
      await until('the new directory to be served', async () => totalOf(await query()) === 3);
      // A later edit in the new directory is picked up too: it is the one watched now.
      await writeFile(path.join(dir, 'articles.json'), JSON.stringify(articles, null, 2));
      await until('the later edit to be served', async () => totalOf(await query()) === 2);
    } finally {
      await running.close(1_000);
    }
  });
});

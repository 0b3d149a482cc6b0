/**
 * The `dataVersionChanged` subscription over Server-Sent Events (yoga.fetch with `Accept: text/event-stream`,
 * and the real server): its events after a reload, its limits per client and in all, what frees a slot, the
 * heartbeat, the plugins a subscription goes through (limits, cost, budget), and the end of every stream when the
 * server shuts down.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataHolder } from '../src/data/reloader.js';
import { type DataVersionChange, DataVersionListeners } from '../src/data/version-changes.js';
import { DataVersionEvents } from '../src/data-version-events.js';
import { ErrorCode } from '../src/errors.js';
import { CSRF_HEADER } from '../src/plugins/graphql-over-http.js';
import { type RunningServer, startServer } from '../src/server.js';
import { DATA_DIR, editedFixtures, type TestAppOptions, testApp, testConfig } from './helpers.js';

const SUBSCRIPTION = 'subscription { dataVersionChanged { dataVersion previousDataVersion changedAt } }';

interface ServerSentEvent {
  event: string;
  data: string;
}

/** Reads a `text/event-stream` body event by event, counting the comment lines (yoga's heartbeat) between. */
class EventStream {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffered = '';
  comments = 0;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error('no body');
    this.reader = response.body.getReader();
  }

  /** The next event (comments skipped), or null when the stream ends. */
  async next(): Promise<ServerSentEvent | null> {
    for (;;) {
      const end = this.buffered.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 2);
        if (block.startsWith(':')) {
          this.comments += 1;
          continue;
        }
        const field = (name: string) =>
          block
            .split('\n')
            .filter((line) => line.startsWith(`${name}:`))
            .map((line) => line.slice(name.length + 1).trimStart())
            .join('\n');
        return { event: field('event'), data: field('data') };
      }
      const { value, done } = await this.reader.read();
      if (done) return null;
      this.buffered += this.decoder.decode(value, { stream: true });
    }
  }

  /** The next event's GraphQL payload (an `event: next`). */
  async payload(): Promise<{ data?: { dataVersionChanged: EventData }; errors?: CodedError[] }> {
    const event = await this.next();
    expect(event?.event).toBe('next');
    return JSON.parse(event?.data ?? 'null');
  }

  /** Waits until the stream has sent `n` more comment lines. */
  async heartbeats(n: number): Promise<void> {
    const target = this.comments + n;
    while (this.comments < target) {
      const end = this.buffered.indexOf('\n\n');
      if (end >= 0) {
        expect(this.buffered.startsWith(':')).toBe(true);
        this.buffered = this.buffered.slice(end + 2);
        this.comments += 1;
        continue;
      }
      const { value, done } = await this.reader.read();
      if (done) throw new Error('the stream ended');
      this.buffered += this.decoder.decode(value, { stream: true });
    }
  }

  /** The client goes away. */
  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

interface EventData {
  dataVersion: string;
  previousDataVersion: string | null;
  changedAt: string;
}

interface CodedError {
  message: string;
  extensions?: { code?: string; limit?: number; scope?: string };
}

/** A node request's address, as yoga's node adapter passes it in the server context. */
const fromAddress = (address: string) => ({ req: { socket: { remoteAddress: address }, headers: {} } });

type App = ReturnType<typeof testApp>;

function subscribe(
  app: App,
  options: { address?: string; headers?: Record<string, string>; query?: string; signal?: AbortSignal } = {},
) {
  return app.yoga.fetch(
    'http://localhost/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...options.headers },
      body: JSON.stringify({ query: options.query ?? SUBSCRIPTION }),
      signal: options.signal,
    },
    options.address ? fromAddress(options.address) : {},
  );
}

/** Lets the event loop turn until `condition` holds (a stream's end is seen a few promise jobs later). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

const holders: DataHolder[] = [];
afterAll(() => {
  for (const holder of holders) holder.close();
});

/** An app over a copy of the fixtures that a test can edit and reload. */
async function reloadableApp(options: TestAppOptions = {}) {
  const directory = await editedFixtures('articles.json', () => undefined);
  const holder = await DataHolder.load(directory);
  holders.push(holder);
  const app = testApp(holder, options);
  /** Adds an article (a new version of the data) and reloads. */
  const change = async (slug: string) => {
    const { writeFile, readFile } = await import('node:fs/promises');
    const file = `${directory}/articles.json`;
    const articles = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[];
    articles.push({
      slug,
      headline: `A test article (${slug})`,
      publishedAt: '2024-08-01',
      publishedAtText: 'August 1, 2024',
      source: `${slug}.txt`,
      body: 'Majid Azizi appeared before a judge in Lima on Thursday.',
    });
    await writeFile(file, JSON.stringify(articles));
    const result = await holder.reload();
    if (!result.ok) throw new Error(result.error);
    return result.version;
  };
  return { app, holder, change };
}

describe('dataVersionChanged', () => {
  it('reports the version served first, then the new version after a reload', async () => {
    const { app, holder, change } = await reloadableApp();
    const before = holder.current().version;
    const stream = new EventStream(await subscribe(app));
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');

    const first = (await stream.payload()).data?.dataVersionChanged;
    expect(first).toEqual({ dataVersion: before, previousDataVersion: null, changedAt: expect.any(String) });
    expect(new Date(first?.changedAt ?? '').toISOString()).toBe(first?.changedAt);

    const reloadedAt = Date.now();
    const version = await change('first-change');
    const second = (await stream.payload()).data?.dataVersionChanged;
    expect(second?.dataVersion).toBe(version);
    expect(second?.previousDataVersion).toBe(before);
    expect(new Date(second?.changedAt ?? '').getTime()).toBeGreaterThanOrEqual(reloadedAt - 1);

    // The version it reports is the one queries are answered from now.
    const answer = await app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { articles } }' }),
    });
    const body = (await answer.json()) as {
      data: { stats: { articles: number } };
      extensions: { dataVersion: string };
    };
    expect(body.extensions.dataVersion).toBe(version);
    expect(body.data.stats.articles).toBe(3);
    await stream.cancel();
  });

  it('tells every subscriber', async () => {
    const { app, holder, change } = await reloadableApp();
    const before = holder.current().version;
    const streams = [new EventStream(await subscribe(app)), new EventStream(await subscribe(app))];
    for (const stream of streams) await stream.payload();
    const version = await change('one');
    for (const stream of streams) {
      expect((await stream.payload()).data?.dataVersionChanged).toMatchObject({
        dataVersion: version,
        previousDataVersion: before,
      });
      await stream.cancel();
    }
  });

  it('a stream that has not taken its last event when more changes come gets only the newest', async () => {
    const changes = new DataVersionListeners();
    const events = new DataVersionEvents('v1', changes, new Date('2025-01-01T00:00:00.000Z'));
    const stream = events.stream();
    expect((await stream.next()).value).toEqual({
      dataVersion: 'v1',
      previousDataVersion: null,
      changedAt: '2025-01-01T00:00:00.000Z',
    });
    for (const [version, at] of [
      ['v2', '2025-01-02T00:00:00.000Z'],
      ['v3', '2025-01-03T00:00:00.000Z'],
    ] as const) {
      changes.emit({ dataVersion: version, previousDataVersion: 'unused', changedAt: new Date(at) });
    }
    expect((await stream.next()).value).toEqual({
      dataVersion: 'v3',
      previousDataVersion: 'v1',
      changedAt: '2025-01-03T00:00:00.000Z',
    });
    // Back to a version it reported (v3 → v4 → v3) before it read: nothing to report.
    changes.emit({ dataVersion: 'v4', previousDataVersion: 'v3', changedAt: new Date() });
    changes.emit({ dataVersion: 'v3', previousDataVersion: 'v4', changedAt: new Date() });
    const waiting = stream.next();
    events.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(events.size).toBe(0);
    expect(changes.size).toBe(0);
    // Opened after close: ends at once.
    expect(await events.stream().next()).toEqual({ done: true, value: undefined });
  });

  it('sends nothing for a reload that leaves the data as it was, and stays open (heartbeat comments)', async () => {
    const { app, holder } = await reloadableApp();
    const stream = new EventStream(await subscribe(app));
    await stream.payload();
    const result = await holder.reload();
    expect(result).toMatchObject({ ok: true, changed: false });
    // yoga's heartbeat: a comment line every 12 s (300 ms under NODE_ENV=test, as vitest runs), and no event.
    await stream.heartbeats(2);
    await stream.cancel();
  });

  it('is fed by any backend through the changes option (here, as a database notification would)', async () => {
    const { loadStore } = await import('../src/data/load-store.js');
    const store = await loadStore(DATA_DIR);
    const changes = new DataVersionListeners();
    const app = testApp(store, { changes });
    const stream = new EventStream(await subscribe(app));
    expect((await stream.payload()).data?.dataVersionChanged.dataVersion).toBe(store.version);
    const change: DataVersionChange = {
      dataVersion: 'v2',
      previousDataVersion: store.version,
      changedAt: new Date('2025-01-02T03:04:05.000Z'),
    };
    changes.emit(change);
    expect((await stream.payload()).data?.dataVersionChanged).toEqual({
      dataVersion: 'v2',
      previousDataVersion: store.version,
      changedAt: '2025-01-02T03:04:05.000Z',
    });
    await stream.cancel();
    await until(() => app.dataVersionEvents.size === 0);
  });
});

describe('README', () => {
  it('shows the curl subscription and the events it gets, as the server sends them', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### Subscriptions'), readme.indexOf('## Configuration'));
    const curl = /curl -N ((?:-H '[^']+' )+)http:\/\/localhost:4000\/graphql \\\n\s+-d '([^']+)'/.exec(section);
    expect(curl).not.toBeNull();
    const headers = Object.fromEntries(
      [...(curl?.[1] ?? '').matchAll(/-H '([^:]+): ([^']+)'/g)].map((match) => [match[1], match[2]]),
    );
    const send = (app: App) => app.yoga.fetch('http://localhost/graphql', { method: 'POST', headers, body: curl?.[2] });
    const shown = [...section.matchAll(/^# data: (.+)$/gm)].map((match) => match[1] as string);
    expect(shown).toHaveLength(2);
    const at = (text: string) => text.replace(/"changedAt":"[^"]+"/, '"changedAt":"…"');

    // Over the fixtures in data/, as `npm start` serves them.
    const { loadStore } = await import('../src/data/load-store.js');
    const served = new EventStream(await send(testApp(await loadStore(DATA_DIR))));
    const first = await served.next();
    expect(served.comments).toBe(1); // the comment line yoga starts every stream with
    expect(at(first?.data ?? '')).toBe(at(shown[0] as string));
    await served.cancel();

    // After a reload (over a copy of the fixtures, whose version is its own).
    const { app, holder, change } = await reloadableApp();
    const before = holder.current().version;
    const stream = new EventStream(await send(app));
    await stream.next();
    const version = await change('readme-example');
    const second = at((await stream.next())?.data ?? '')
      .replace(`"dataVersion":"${version}"`, '"dataVersion":"…"')
      .replace(`"previousDataVersion":"${before}"`, `"previousDataVersion":"${(await loadStore(DATA_DIR)).version}"`);
    expect(second).toBe(shown[1]);
    await stream.cancel();
  });
});

describe('subscription limits', () => {
  it('refuses one more than a client may keep open: 429 TOO_MANY_SUBSCRIPTIONS, scope CLIENT; other clients are served', async () => {
    const { app } = await reloadableApp({ subscriptionsMaxPerClient: 2, subscriptionsMax: 10 });
    const open = [
      new EventStream(await subscribe(app, { address: '203.0.113.1' })),
      new EventStream(await subscribe(app, { address: '203.0.113.1' })),
    ];
    for (const stream of open) await stream.payload();

    const refused = await subscribe(app, { address: '203.0.113.1' });
    expect(refused.status).toBe(429);
    const refusal = await new EventStream(refused).payload();
    expect(refusal.data).toBeUndefined();
    expect(refusal.errors).toEqual([
      {
        message: 'This client already has 2 subscriptions open, the most a client may: close one first.',
        extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, limit: 2, scope: 'CLIENT' },
      },
    ]);
    expect(app.subscriptions.total).toBe(2);

    const other = new EventStream(await subscribe(app, { address: '198.51.100.7' }));
    expect(other.response.status).toBe(200);
    await other.payload();
    const metrics = await (await app.yoga.fetch('http://localhost/metrics')).text();
    expect(metrics).toMatch(/^newsgraph_subscriptions_open 3$/m);
    expect(metrics).toMatch(/^newsgraph_errors_total\{code="TOO_MANY_SUBSCRIPTIONS"\} 1$/m);
    for (const stream of [...open, other]) await stream.cancel();
  });

  it('counts clients by their key header when one is configured, as the budget does', async () => {
    const { app } = await reloadableApp({ subscriptionsMaxPerClient: 1, rateLimitKeyHeader: 'x-api-key' });
    const a = new EventStream(await subscribe(app, { address: '203.0.113.1', headers: { 'x-api-key': 'a' } }));
    const b = new EventStream(await subscribe(app, { address: '203.0.113.1', headers: { 'x-api-key': 'b' } }));
    expect([a.response.status, b.response.status]).toEqual([200, 200]);
    const again = await subscribe(app, { address: '203.0.113.9', headers: { 'x-api-key': 'a' } });
    expect(again.status).toBe(429);
    await a.cancel();
    await b.cancel();
  });

  it('refuses one more than the server takes in all: 503 TOO_MANY_SUBSCRIPTIONS, scope SERVER', async () => {
    const { app } = await reloadableApp({ subscriptionsMaxPerClient: 5, subscriptionsMax: 2 });
    const a = new EventStream(await subscribe(app, { address: '203.0.113.1' }));
    const b = new EventStream(await subscribe(app, { address: '203.0.113.2' }));
    const refused = await subscribe(app, { address: '203.0.113.3' });
    expect(refused.status).toBe(503);
    expect((await new EventStream(refused).payload()).errors?.[0]?.extensions).toEqual({
      code: ErrorCode.TOO_MANY_SUBSCRIPTIONS,
      limit: 2,
      scope: 'SERVER',
    });
    await a.cancel();
    await b.cancel();
  });

  it('a refusal asked for as JSON is JSON, with the same code', async () => {
    const { app } = await reloadableApp({ subscriptionsMax: 0 });
    const response = await subscribe(app, { headers: { accept: 'application/graphql-response+json' } });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { errors: CodedError[] };
    expect(body.errors.map((e) => e.extensions?.code)).toEqual([ErrorCode.TOO_MANY_SUBSCRIPTIONS]);
  });

  it('a client that disconnects frees its slot, whether or not it read an event, and its stream ends', async () => {
    const { app } = await reloadableApp({ subscriptionsMaxPerClient: 1 });
    const read = new EventStream(await subscribe(app, { address: '203.0.113.1' }));
    await read.payload();
    expect(app.subscriptions.total).toBe(1);
    await read.cancel();
    await until(() => app.subscriptions.total === 0 && app.dataVersionEvents.size === 0);

    // Aborted before anything was read from the response.
    const controller = new AbortController();
    const unread = await subscribe(app, { address: '203.0.113.1', signal: controller.signal });
    expect(unread.status).toBe(200);
    expect(app.subscriptions.total).toBe(1);
    controller.abort();
    await until(() => app.subscriptions.total === 0 && app.dataVersionEvents.size === 0);

    const next = new EventStream(await subscribe(app, { address: '203.0.113.1' }));
    expect(next.response.status).toBe(200);
    await next.payload();
    await next.cancel();
  });

  it('a subscription asked for as JSON gets 406 NOT_ACCEPTABLE and holds no slot', async () => {
    const { app } = await reloadableApp({ subscriptionsMaxPerClient: 1 });
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const response = await subscribe(app, { headers: { accept } });
      expect(response.status).toBe(406);
      expect(((await response.json()) as { errors: CodedError[] }).errors).toEqual([
        {
          message: 'A subscription is answered with Server-Sent Events: send Accept: text/event-stream.',
          extensions: { code: ErrorCode.NOT_ACCEPTABLE },
        },
      ]);
    }
    expect(app.subscriptions.total).toBe(0);
    expect(app.dataVersionEvents.size).toBe(0);
  });
});

describe('a subscription through the other plugins', () => {
  it('the document limits refuse it with their code, before it opens', async () => {
    const { app } = await reloadableApp({ maxDocumentLength: 100_000 });
    const fields = Array.from({ length: 600 }, () => 'dataVersion').join(' ');
    const response = await subscribe(app, { query: `subscription { dataVersionChanged { ${fields} } }` });
    const codes = (await new EventStream(response).payload()).errors?.map((e) => e.extensions?.code);
    expect(codes).toEqual([ErrorCode.TOO_MANY_TOKENS]);
    expect(app.subscriptions.total).toBe(0);
  });

  it('is priced by the cost model: one object, within the smallest cost limit and node cap', async () => {
    // A subscription has one root field, and its event is one object of scalars: it costs 1 and returns 1. (No
    // subscription of this schema can go over a limit; the refusal is the one queries get.)
    const { app } = await reloadableApp({ maxCost: 1, maxNodes: 1 });
    const stream = new EventStream(await subscribe(app));
    expect((await stream.payload()).data?.dataVersionChanged).toBeDefined();
    await stream.cancel();
  });

  it('is charged one point by the budget when it opens, with the budget headers; a client over its budget is refused', async () => {
    const { app } = await reloadableApp({ rateLimit: true, rateLimitPoints: 2, rateLimitRefillPerSecond: 1 });
    const first = new EventStream(await subscribe(app, { address: '203.0.113.1' }));
    expect(first.response.headers.get('ratelimit-limit')).toBe('2');
    expect(first.response.headers.get('ratelimit-remaining')).toBe('1');
    const second = new EventStream(await subscribe(app, { address: '203.0.113.1' }));
    expect(second.response.headers.get('ratelimit-remaining')).toBe('0');
    const refused = await subscribe(app, { address: '203.0.113.1' });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { errors: CodedError[] }).errors[0]?.extensions?.code).toBe(
      ErrorCode.RATE_LIMITED,
    );
    await first.cancel();
    await second.cancel();
  });

  it('works by GET with the CSRF header, as curl sends it', async () => {
    const { app } = await reloadableApp();
    const response = await app.yoga.fetch(`http://localhost/graphql?query=${encodeURIComponent(SUBSCRIPTION)}`, {
      headers: { accept: 'text/event-stream', [CSRF_HEADER]: '1' },
    });
    expect(response.status).toBe(200);
    const stream = new EventStream(response);
    expect((await stream.payload()).data?.dataVersionChanged.previousDataVersion).toBeNull();
    await stream.cancel();
  });

  it('runs as a trusted document by hash, with --operations trusted (operations/DataVersionChanged.graphql)', async () => {
    const { readFile } = await import('node:fs/promises');
    const manifest = JSON.parse(await readFile('client/persisted-operations.json', 'utf8')) as Record<string, string>;
    const [hash] = Object.entries(manifest).find(([, document]) => document.includes('subscription')) ?? [];
    expect(hash).toBeDefined();
    const { app } = await reloadableApp({ operations: 'trusted' });
    const response = await app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
    });
    const stream = new EventStream(response);
    expect((await stream.payload()).data?.dataVersionChanged.previousDataVersion).toBeNull();
    await stream.cancel();
  });

  it('lets go of the store it started on: a reload frees the old store while the stream stays open', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const { app, holder, change } = await reloadableApp();
    const old = new WeakRef(holder.current());
    const stream = new EventStream(await subscribe(app));
    await stream.payload();
    await change('frees-the-old-store');
    await stream.payload();
    for (let i = 0; i < 5 && old.deref(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    expect(old.deref()).toBeUndefined();
    expect(app.subscriptions.total).toBe(1);
    await stream.cancel();
  });
});

describe('over HTTP, the real server', () => {
  let running: RunningServer | null = null;
  afterEach(async () => {
    await running?.close(1_000);
    running = null;
  });

  const open = (url: string, signal?: AbortSignal) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: SUBSCRIPTION }),
      signal,
    });

  it('a client that disconnects frees its slot on the server', async () => {
    running = await startServer(testConfig({ subscriptionsMaxPerClient: 1 }));
    const url = running.url;
    const controller = new AbortController();
    const first = new EventStream(await open(url, controller.signal));
    await first.payload();
    expect((await open(url)).status).toBe(429);
    controller.abort();
    // The server sees the connection close a moment later.
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      const again = await open(url);
      status = again.status;
      await again.body?.cancel();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe(200);
  });

  it('shutdown ends every stream with `event: complete`, without waiting for the grace period', async () => {
    running = await startServer(testConfig());
    const streams = [new EventStream(await open(running.url)), new EventStream(await open(running.url))];
    for (const stream of streams) await stream.payload();
    // A grace period far longer than the test may take: close resolves because the streams ended.
    const closed = running.close(600_000, 0);
    for (const stream of streams) {
      expect(await stream.next()).toEqual({ event: 'complete', data: '' });
      expect(await stream.next()).toBeNull();
    }
    await closed;
    running = null;
  });
});

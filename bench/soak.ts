/**
 * `npm run soak [-- --minutes 5 --articles 2000 --workers 2]`
 *
 * Every attack of issue 9 in rotation against one server process for several minutes, on a generated corpus
 * copied to a temporary directory (so that reloads, FIFOs and symlinks can be played on it), while a probe asks
 * /health and a light query four times a second and the server's RSS is sampled. Reports, per attack, the
 * requests sent, the status and `extensions.code` of the answers and the latencies; the probe's worst latency;
 * RSS at the start, the end and its peak. Writes bench/results/soak-<date>.json.
 *
 * Exits 1 when the server died, answered a 5xx or INTERNAL_SERVER_ERROR, left a request unanswered for longer
 * than its timeout, or stopped answering /health. Never part of `npm test` (it takes minutes), run by CI.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureCorpus } from './lib/corpora.js';
import { killChildrenOnExit, memoryOf, ROOT, startChild, stopChild, tail } from './lib/processes.js';
import { median } from './lib/report.js';

const USAGE = `Usage: npm run soak -- [--minutes M] [--articles N] [--workers W]
  --minutes M   how long the attacks run (default 5)
  --articles N  size of the generated corpus (default 2000)
  --workers W   attacks in flight at once (default 2)`;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    articles: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const minutes = Number(values.minutes);
const articles = Number(values.articles);
const workers = Number(values.workers);
if (!(minutes > 0) || !Number.isInteger(articles) || articles < 2 || !Number.isInteger(workers) || workers < 1) {
  console.error(USAGE);
  process.exit(2);
}

/** A request that takes longer than this is reported as unanswered (the server's own timeouts are shorter). */
const REQUEST_TIMEOUT_MS = 15_000;
/** Execution time limit the server runs with: low enough that the CPU-heavy attacks meet it. */
const EXECUTION_TIMEOUT_MS = 1_000;

interface Outcome {
  /** HTTP status, or "no answer" / "reset". */
  status: number | string;
  /** The first error's extensions.code, when the answer has errors. */
  code?: string;
  ms: number;
}

interface Attack {
  name: string;
  send(url: URL, round: number): Promise<Outcome>;
}

async function timed(run: (signal: AbortSignal) => Promise<Omit<Outcome, 'ms'>>): Promise<Outcome> {
  const started = performance.now();
  const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  try {
    return { ...(await run(signal)), ms: performance.now() - started };
  } catch (error) {
    const name = (error as Error).name;
    return {
      status: name === 'TimeoutError' || name === 'AbortError' ? 'no answer' : 'reset',
      ms: performance.now() - started,
    };
  }
}

async function outcomeOf(response: Response): Promise<Omit<Outcome, 'ms'>> {
  const text = await response.text();
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    code = body.errors?.[0]?.extensions?.code;
  } catch {
    // not JSON: the status says enough
  }
  return { status: response.status, code };
}

function post(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<Outcome> {
  return timed(async (signal) =>
    outcomeOf(
      await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal,
      }),
    ),
  );
}

/** A request written by hand on a new socket: for request lines and headers that fetch refuses to send. */
function raw(url: URL, request: string): Promise<Outcome> {
  return timed(
    (signal) =>
      new Promise((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname);
        let answer = '';
        signal.addEventListener('abort', () => {
          socket.destroy();
          reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' }));
        });
        socket.on('data', (chunk) => {
          answer += chunk.toString('latin1');
        });
        socket.on('error', reject);
        socket.on('close', () => {
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? Number.NaN);
          if (Number.isNaN(status)) reject(new Error('no status line'));
          else resolve({ status, code: /"code":"(\w+)"/.exec(answer)?.[1] });
        });
        socket.write(request.replaceAll('\n', '\r\n'));
      }),
  );
}

const shortWords = (count: number, round: number) =>
  Array.from({ length: count }, (_, i) => String.fromCharCode(97 + ((i + round) % 26)).repeat(1 + (i % 2))).join(' ');

function deeplyNested(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}

const ATTACKS: Attack[] = [
  {
    name: 'timeline at the end of the calendar',
    send: (url, round) => {
      const [interval, from, to] = (
        [
          ['DAY', '9999-12-31', '9999-12-31'],
          ['WEEK', '9999-12-20', '9999-12-31'],
          ['MONTH', '9999-12', '9999-12'],
          ['YEAR', '9999', '9999'],
          ['DAY', '0001-01-01', '0001-01-03'],
        ] as const
      )[round % 5] as readonly [string, string, string];
      return post(url, { query: `{ timeline(interval: ${interval}, from: "${from}", to: "${to}") { start end } }` });
    },
  },
  {
    name: 'text filter of short words under every person',
    send: (url, round) =>
      post(url, {
        query: `{ persons(first: 100) { nodes { articles(first: 0, filter: { text: "${shortWords(60, round)}" }) { totalCount } } } }`,
      }),
  },
  {
    name: 'three aliases of the text filter',
    send: (url, round) => {
      const field = (alias: string) =>
        `${alias}: persons(first: 100) { nodes { articles(first: 0, filter: { text: "${shortWords(40, round)}" }) { totalCount } } }`;
      return post(url, { query: `{ ${field('a')} ${field('b')} ${field('c')} }` });
    },
  },
  {
    name: 'text filter of the most distinct prefixes allowed under every person',
    send: (url, round) => {
      const prefixes = Array.from(
        { length: 16 },
        (_, i) =>
          `${String.fromCharCode(97 + ((i + round) % 26))}${String.fromCharCode(97 + ((i * 7 + round) % 26))}${'aeiou'[i % 5]}`,
      );
      return post(url, {
        query: `{ persons(first: 100) { nodes { articles(first: 0, filter: { text: "${prefixes.join(' ')}" }) { totalCount } } } }`,
      });
    },
  },
  {
    name: 'search of short words',
    send: (url, round) =>
      post(url, { query: `{ search(query: "${shortWords(60, round)}", first: 50) { totalCount } }` }),
  },
  {
    name: 'distinct documents with a 90 KB unused variable',
    send: (url, round) =>
      post(url, {
        query: `{ d${round % 1000}: stats { articles } }`,
        variables: { unused: 'x'.repeat(90_000), round },
      }),
  },
  {
    name: 'errors under random aliases',
    send: (url, round) => {
      const aliases = Array.from(
        { length: 8 },
        (_, i) => `e${round.toString(36)}x${i}: articles(first: ${101 + i}) { totalCount }`,
      );
      return post(url, { query: `{ ${aliases.join(' ')} }` });
    },
  },
  {
    name: 'invalid Host header and request target',
    send: (url, round) =>
      round % 2 === 0
        ? raw(url, 'GET /graphql?query=%7B__typename%7D HTTP/1.1\nHost: a b\nConnection: close\n\n')
        : raw(url, `GET * HTTP/1.1\nHost: ${url.host}\nConnection: close\n\n`),
  },
  {
    name: 'variable nested 5,000 levels',
    send: (url) => post(url, `{"query":"{ stats { articles } }","variables":{"deep":${deeplyNested(5_000)}}}`),
  },
  {
    name: 'response cache filled with large distinct answers',
    send: (url, round) =>
      post(url, {
        query: 'query Page($after: String, $n: Int) { articles(first: $n, after: $after) { nodes { body } } }',
        variables: { n: 20 + (round % 80), after: null },
      }),
  },
  {
    name: 'mutations, malformed JSON and look-alike origins',
    send: (url, round) => {
      switch (round % 3) {
        case 0:
          return post(url, { query: 'mutation { stats { articles } }' });
        case 1:
          return post(url, '{"query": "{ stats { articles } }"', { accept: 'application/json' });
        default:
          return post(url, { query: '{ stats { articles } }' }, { origin: 'http://localhost.evil.example' });
      }
    },
  },
];

/** The data directory tricks: a FIFO and a symlink out of the directory in place of a fixture, then the real file. */
function dataTrick(directory: string, round: number): string {
  // One file per cycle of six: its FIFO and its symlink are each followed by the real file.
  const target = path.join(directory, Math.floor(round / 6) % 2 === 0 ? 'persons.json' : 'organizations.json');
  const kept = `${target}.kept`;
  switch (round % 6) {
    case 0:
    case 1:
      // An edit: a reload of the whole corpus while the attacks go on.
      writeFileSync(target, `${readFileSync(target, 'utf8').trimEnd()}${round % 2 === 0 ? '\n' : '\n\n'}`);
      return 'edit (reload)';
    case 2:
      renameSync(target, kept);
      execFileSync('mkfifo', [target]);
      return 'FIFO in place of a fixture';
    case 3:
      rmSync(target);
      renameSync(kept, target);
      return 'fixture back';
    case 4:
      renameSync(target, kept);
      symlinkSync('/etc/passwd', target);
      return 'symlink out of the data directory';
    default:
      rmSync(target);
      renameSync(kept, target);
      return 'fixture back';
  }
}

interface Tally {
  requests: number;
  byAnswer: Record<string, number>;
  latenciesMs: number[];
}

function tallyOf(): Tally {
  return { requests: 0, byAnswer: {}, latenciesMs: [] };
}

function record(tally: Tally, outcome: Outcome) {
  tally.requests++;
  const answer = `${outcome.status}${outcome.code ? ` ${outcome.code}` : ''}`;
  tally.byAnswer[answer] = (tally.byAnswer[answer] ?? 0) + 1;
  tally.latenciesMs.push(outcome.ms);
}

const summarize = (tally: Tally) => ({
  requests: tally.requests,
  answers: tally.byAnswer,
  medianMs: tally.requests === 0 ? null : round1(median(tally.latenciesMs)),
  maxMs: tally.requests === 0 ? null : round1(tally.latenciesMs.reduce((a, b) => Math.max(a, b), 0)),
});

const round1 = (n: number) => Math.round(n * 10) / 10;
const mb = (bytes: number | undefined) => (bytes === undefined ? null : Math.round(bytes / 1024 / 1024));

async function main() {
  killChildrenOnExit();
  const log = (line: string) => console.log(line);
  const corpus = await ensureCorpus(articles, log);
  const directory = mkdtempSync(path.join(os.tmpdir(), 'newsgraph-soak-'));
  cpSync(corpus.directory, directory, { recursive: true });
  const logDirectory = path.join(ROOT, 'bench', '.cache');
  mkdirSync(logDirectory, { recursive: true });
  const logFile = path.join(logDirectory, 'soak-server.log');

  const server = startChild({
    name: 'newsgraph',
    nodeArgs: [
      '--import',
      'tsx',
      'src/main.ts',
      ...['--port', '0', '--host', '127.0.0.1', '--data', directory, '--watch'],
      ...['--log-level', 'info', '--execution-timeout-ms', String(EXECUTION_TIMEOUT_MS)],
      // Every attack comes from one address: the per-client budget would answer them all 429 before they land.
      ...['--rate-limit', 'false'],
    ],
    logFile,
    readyWhen: (line) =>
      typeof line.msg === 'string' && line.msg.startsWith('newsgraph serving GraphQL') && typeof line.url === 'string'
        ? line.url
        : null,
    timeoutMs: 120_000,
  });
  const { url: endpoint } = await server.ready;
  const url = new URL(endpoint);
  const origin = `${url.protocol}//${url.host}`;
  log(`soak: ${minutes} min against ${endpoint} (${corpus.label}, copied to ${directory}), ${workers} workers`);

  const tallies = new Map(ATTACKS.map((attack) => [attack.name, tallyOf()]));
  const probe = tallyOf();
  const tricks: string[] = [];
  const rss: { atS: number; mb: number | null }[] = [];
  const started = performance.now();
  const deadline = started + minutes * 60_000;
  const seconds = () => (performance.now() - started) / 1000;

  const sampleRss = () => rss.push({ atS: Math.round(seconds()), mb: mb(memoryOf(server.pid)?.rssBytes) });
  sampleRss();
  const rssTimer = setInterval(sampleRss, 5_000);
  let trickRound = 0;
  const trickTimer = setInterval(() => {
    const at = Math.round(seconds());
    let trick: string;
    try {
      trick = dataTrick(directory, trickRound++);
    } catch (error) {
      trick = `could not play a trick: ${(error as Error).message}`;
    }
    // What /ready says once the reload the trick started is over (the watch waits 200 ms, a reload a few s).
    setTimeout(() => {
      fetch(`${origin}/ready`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
        .then((response) => response.text())
        .then(
          (ready) => tricks.push(`${at} s: ${trick}; /ready then: ${ready}`),
          (error: Error) => tricks.push(`${at} s: ${trick}; /ready then: ${error.message}`),
        );
    }, 7_000);
  }, 15_000);

  let serverDied = false;
  void server.exited.then(() => {
    serverDied = true;
  });

  const probeLoop = async () => {
    while (performance.now() < deadline && !serverDied) {
      record(probe, await timed(async (signal) => outcomeOf(await fetch(`${origin}/health`, { signal }))));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  let next = 0;
  const attackLoop = async () => {
    while (performance.now() < deadline && !serverDied) {
      const round = next++;
      const attack = ATTACKS[round % ATTACKS.length] as Attack;
      record(tallies.get(attack.name) as Tally, await attack.send(url, Math.floor(round / ATTACKS.length)));
    }
  };
  await Promise.all([probeLoop(), ...Array.from({ length: workers }, attackLoop)]);
  clearInterval(rssTimer);
  clearInterval(trickTimer);
  sampleRss();

  let metricsText = '';
  const metrics = await timed(async (signal) => {
    const response = await fetch(`${origin}/metrics`, { signal });
    metricsText = await response.text();
    return { status: response.status };
  });
  const diedDuringSoak = serverDied;
  await stopChild(server);
  rmSync(directory, { recursive: true, force: true });

  const attacks = Object.fromEntries([...tallies].map(([name, tally]) => [name, summarize(tally)]));
  const allAnswers = [...tallies.values(), probe].flatMap((tally) => Object.keys(tally.byAnswer));
  const failures = [
    ...(diedDuringSoak ? ['the server process died'] : []),
    ...allAnswers.filter((answer) => /^5\d\d|INTERNAL_SERVER_ERROR|no answer|reset/.test(answer)),
    ...(probe.byAnswer['200'] === probe.requests ? [] : ['/health did not always answer 200']),
  ];
  const warm = rss.find((sample) => sample.atS >= 60) ?? rss[1] ?? rss[0];
  const report = {
    date: new Date().toISOString(),
    minutes,
    corpus: corpus.label,
    workers,
    executionTimeoutMs: EXECUTION_TIMEOUT_MS,
    requests: [...tallies.values()].reduce((sum, tally) => sum + tally.requests, 0),
    attacks,
    health: summarize(probe),
    dataTricks: tricks,
    rssMb: {
      start: rss[0]?.mb,
      afterFirstMinute: warm?.mb,
      end: rss.at(-1)?.mb,
      peak: Math.max(...rss.map((sample) => sample.mb ?? 0)),
      samples: rss,
    },
    metrics: {
      status: metrics.status,
      bytes: metricsText.length,
      series: metricsText.split('\n').filter((l) => l && !l.startsWith('#')).length,
    },
    failures,
  };
  const file = path.join(ROOT, 'bench', 'results', `soak-${report.date.slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);

  log(
    `\n${report.requests} attack requests in ${minutes} min (${corpus.label}); results in ${path.relative(ROOT, file)}`,
  );
  for (const [name, summary] of Object.entries(attacks)) {
    const answers = Object.entries(summary.answers)
      .map(([answer, n]) => `${answer} ×${n}`)
      .join(', ');
    log(`  ${name}: ${summary.requests} requests, median ${summary.medianMs} ms, max ${summary.maxMs} ms; ${answers}`);
  }
  const health = summarize(probe);
  log(`  /health: ${health.requests} probes, median ${health.medianMs} ms, max ${health.maxMs} ms`);
  log(
    `  RSS: ${report.rssMb.start} MB at start, ${report.rssMb.afterFirstMinute} MB after the first minute, ${report.rssMb.end} MB at the end, peak ${report.rssMb.peak} MB`,
  );
  log(`  /metrics: ${report.metrics.bytes} bytes, ${report.metrics.series} series`);
  if (failures.length > 0) {
    log(`FAILED: ${failures.join('; ')}\n${tail(logFile)}`);
    process.exit(1);
  }
  log('no failure');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * `npm run bench [-- --sizes 2,10000,100000 --duration 5 --warmup 2 --connections 1,16 --quick]`
 *
 * For each corpus (the fixtures, and corpora generated with scripts/generate-corpus.ts, seed 1, cached in
 * bench/.cache/corpora/): newsgraph's start-up time and memory; then every operation of bench/operations/
 * under load (autocannon) against newsgraph and, side by side, against its references, each its own child
 * process measured one at a time: the physical limit of a JSON API (bare node:http, JSON.stringify of the
 * precomputed response, and the pre-serialized string), mercurius + graphql-jit serving newsgraph's schema,
 * and naive newsgraph (BATCH off); then the data-access calls per operation on the smallest and largest
 * corpus; then the time to a fully drawn dashboard on 10,000 articles, in Chromium (bench/dashboard.ts). Writes
 * bench/results/<date>.json (every raw number) and bench/RESULTS.md (a side by side: <date>-side-by-side.json
 * and bench/SIDE-BY-SIDE.md). `--quick` is a smoke run
 * (fixtures and 10,000 articles, short durations) whose output goes to bench/.cache/quick/ instead.
 * `--baseline DIR` adds a side-by-side run against another checkout of newsgraph (a `git worktree` of an older
 * commit, with its node_modules): both with the response cache off, loaded together, then measured in turns,
 * `--rounds` times each, so that the machine's other load falls on both alike; the report gives medians and
 * ratios. `--servers` picks which servers are measured (the others are not started).
 *
 * Never part of `npm test`: nothing here asserts on time.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_LIMITS } from '../src/config.js';
import { benchDashboard } from './dashboard.js';
import { CACHE_DIR, type Corpus, ensureCorpus } from './lib/corpora.js';
import type { CountedCalls } from './lib/count.js';
import { type LoadResult, type LoadTarget, runLoad } from './lib/load.js';
import {
  canonical,
  type GraphQLResponse,
  type Operation,
  postGraphQL,
  readOperations,
  requestBody,
  resolveFacts,
  variablesFor,
} from './lib/operations.js';
import {
  buildServer,
  cpuMsOf,
  killChildrenOnExit,
  liveChildren,
  machineBusyMsOf,
  memoryOf,
  ROOT,
  type RunningChild,
  serverArgs,
  startChild,
  stopChild,
  tail,
} from './lib/processes.js';
import { describeMachine, median, renderMarkdown } from './lib/report.js';
import {
  type BenchRun,
  type CorpusRun,
  type OperationCalls,
  type OperationCheck,
  resultsSuffix,
  SERVER_NAMES,
  type ServerName,
  type ServerRun,
  type SideBySide,
  type StartupRun,
} from './lib/results.js';

const USAGE = `Usage: npm run bench -- [options]
  --sizes N,N,...          corpora by number of articles (2 = the fixtures in data/; default 2,10000,100000)
  --duration S             seconds per measurement (default 5; --quick: 1)
  --warmup S               seconds of warm-up per server and operation (default 2; --quick: 0.5)
  --connections N,N        concurrencies (default 1,16)
  --startup-runs N         spawns per corpus for the start-up median (default 3 up to 10,000 articles, else 1;
                           --quick: 1)
  --max-old-space-size MB  heap limit of every child process (default 8192)
  --quiet-wait S           before each operation, wait up to 10 s for other work on the machine to stop, at
                           most S seconds in all (default 120; --quick: 0; 0: never wait)
  --dashboard-visits N     visits of the dashboard on 10,000 articles, in Chromium (default 6; --quick: 2; 0: none;
                           needs 10000 in --sizes)
  --servers LIST           servers to measure (default all: newsgraph,uncached,physical-json,physical-string,
                           mercurius-jit,naive); newsgraph is started anyway, for its start-up and the variables
  --baseline DIR           also measure this tree against another checkout of newsgraph, side by side (both with
                           the response cache off, measured in turns)
  --rounds N               measurements of each, per operation and concurrency, in the side by side (default 3)
  --report FILE            only render RESULTS.md again from a results JSON file (no measurement)
  --quick                  smoke run: fixtures and 10,000 articles, short durations; output in bench/.cache/quick/
  --postgres N,N           only the PostgreSQL backend at these sizes, with the JSON store at 100,000 beside it
                           (bench/postgres.ts: its own throwaway cluster; bench/POSTGRES.md)`;

interface Options {
  sizes: number[];
  durationSeconds: number;
  warmupSeconds: number;
  connections: number[];
  startupRuns: number | null;
  maxOldSpaceSizeMb: number;
  quietWaitSeconds: number;
  report: string | null;
  quick: boolean;
  dashboardVisits: number;
  servers: ServerName[];
  baseline: string | null;
  rounds: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'startup-runs': { type: 'string' },
      'max-old-space-size': { type: 'string' },
      'quiet-wait': { type: 'string' },
      report: { type: 'string' },
      'dashboard-visits': { type: 'string' },
      servers: { type: 'string' },
      baseline: { type: 'string' },
      rounds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const list = (text: string, flag: string) =>
    text.split(',').map((part) => {
      const n = Number(part.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag}: "${part}" is not a positive integer\n${USAGE}`);
      return n;
    });
  const seconds = (text: string | undefined, fallback: number, flag: string) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!(n > 0)) throw new Error(`--${flag}: "${text}" is not a positive number of seconds\n${USAGE}`);
    return n;
  };
  const sizes = [...new Set(list(values.sizes ?? (quick ? '2,10000' : '2,10000,100000'), 'sizes'))].sort(
    (a, b) => a - b,
  );
  return {
    sizes,
    durationSeconds: seconds(values.duration, quick ? 1 : 5, 'duration'),
    warmupSeconds: seconds(values.warmup, quick ? 0.5 : 2, 'warmup'),
    connections: list(values.connections ?? '1,16', 'connections'),
    startupRuns:
      values['startup-runs'] === undefined
        ? quick
          ? 1
          : null
        : (list(values['startup-runs'], 'startup-runs')[0] ?? 1),
    maxOldSpaceSizeMb: values['max-old-space-size']
      ? (list(values['max-old-space-size'], 'max-old-space-size')[0] ?? 8192)
      : 8192,
    quietWaitSeconds: values['quiet-wait'] === '0' ? 0 : seconds(values['quiet-wait'], quick ? 0 : 120, 'quiet-wait'),
    report: values.report ?? null,
    quick,
    dashboardVisits:
      values['dashboard-visits'] === '0'
        ? 0
        : values['dashboard-visits'] === undefined
          ? quick
            ? 2
            : 6
          : (list(values['dashboard-visits'], 'dashboard-visits')[0] ?? 6),
    servers: serverList(values.servers),
    baseline: values.baseline ? path.resolve(values.baseline) : null,
    rounds: values.rounds ? (list(values.rounds, 'rounds')[0] ?? 3) : 3,
  };
}

function serverList(text: string | undefined): ServerName[] {
  if (text === undefined) return [...SERVER_NAMES];
  const names = text.split(',').filter(Boolean);
  for (const name of names) {
    if (!SERVER_NAMES.includes(name as ServerName)) {
      throw new Error(`--servers: "${name}" is not one of ${SERVER_NAMES.join(', ')}\n${USAGE}`);
    }
  }
  return names as ServerName[];
}

// The PostgreSQL backend's bench is its own script (its own cluster, imports, statements per operation).
const postgresFlag = process.argv.indexOf('--postgres');
if (postgresFlag >= 0) {
  const rest = process.argv.slice(2).filter((_, i) => i + 2 !== postgresFlag && i + 2 !== postgresFlag + 1);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/postgres.ts', '--sizes', process.argv[postgresFlag + 1] ?? '100000,1000000', ...rest],
    { cwd: path.resolve(import.meta.dirname, '..'), stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}

const options = parseOptions(process.argv.slice(2));
const benchStarted = performance.now();
const startedAt = new Date();
const loadAverageAtStart = os.loadavg();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'newsgraph-bench-'));
killChildrenOnExit();
process.once('exit', () => rmSync(workDir, { recursive: true, force: true }));

function log(line: string): void {
  const t = ((performance.now() - benchStarted) / 1000).toFixed(0).padStart(4);
  console.log(`[${t} s] ${line}`);
}

const heapFlag = `--max-old-space-size=${options.maxOldSpaceSizeMb}`;
const newsgraphArgs = (directory: string, extra: string[] = []) => [heapFlag, ...serverArgs(directory), ...extra];
const STARTUP_TIMEOUT_MS = 15 * 60_000;
/** The corpus the dashboard is timed on. */
const DASHBOARD_ARTICLES = 10_000;

const servingLine = (line: Record<string, unknown>) =>
  typeof line.msg === 'string' && line.msg.startsWith('newsgraph serving GraphQL') && typeof line.url === 'string'
    ? line.url
    : null;
const referenceReady = (line: Record<string, unknown>) =>
  line.msg === 'ready' && typeof line.url === 'string' ? line.url : null;

/** Content hash of every file under src/: which version of the source a child was started on. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(`${path.relative(ROOT, file)}\0`).update(readFileSync(file));
    }
  };
  walk(path.join(ROOT, 'src'));
  return hash.digest('hex').slice(0, 12);
}
const sourceAtStart = new WeakMap<RunningChild, string>();

function gitState(): { commit: string | null; dirty: boolean | null } {
  const run = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = run(['rev-parse', 'HEAD']);
  const status = run(['status', '--porcelain', '--', 'src']);
  return {
    commit: head.status === 0 ? head.stdout.trim() : null,
    dirty: status.status === 0 ? status.stdout.trim().length > 0 : null,
  };
}
const gitAtStart = gitState();

let childCount = 0;
function logFile(name: string): string {
  childCount += 1;
  return path.join(workDir, `${String(childCount).padStart(2, '0')}-${name}.log`);
}

/**
 * newsgraph as served; `uncached` with every response cache off (the response cache and the replay cache);
 * `naive` without batching (and without either cache).
 */
const NEWSGRAPH_FLAGS = {
  newsgraph: ['--batch', 'true'],
  uncached: ['--batch', 'true', '--response-cache-max-entries', '0', '--replay-cache-max-entries', '0'],
  naive: ['--batch', 'false'],
} as const;

function startNewsgraph(corpus: Corpus, name: keyof typeof NEWSGRAPH_FLAGS): RunningChild {
  const source = sourceHash();
  const child = startChild({
    name,
    nodeArgs: newsgraphArgs(corpus.directory, [...NEWSGRAPH_FLAGS[name]]),
    logFile: logFile(`${name}-${corpus.articles}`),
    readyWhen: servingLine,
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
  sourceAtStart.set(child, source);
  return child;
}

function startScript(name: string, script: string, args: string[]): RunningChild {
  const source = sourceHash();
  const child = startChild({
    name,
    nodeArgs: [heapFlag, '--import', 'tsx', script, ...args],
    logFile: logFile(name),
    readyWhen: referenceReady,
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
  sourceAtStart.set(child, source);
  return child;
}

/** newsgraph from the baseline checkout (--baseline), with its response cache off: run in its own directory. */
function startBaseline(corpus: Corpus): RunningChild {
  return startChild({
    name: 'baseline',
    nodeArgs: newsgraphArgs(corpus.directory, [...NEWSGRAPH_FLAGS.uncached]),
    cwd: options.baseline ?? ROOT,
    logFile: logFile(`baseline-${corpus.articles}`),
    readyWhen: servingLine,
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
}

/** The short commit of a checkout, or null. */
function commitOf(directory: string): string | null {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: directory, encoding: 'utf8' });
  return head.status === 0 ? head.stdout.trim() : null;
}

type Ready = Awaited<RunningChild['ready']>;

/**
 * Starts a child and waits until it is ready. Other people may be editing the source while the bench runs: a
 * child that exits before it is ready (a file caught half-written) is started again, up to 3 times, 15 s apart.
 */
async function startReady(start: () => RunningChild): Promise<{ child: RunningChild; ready: Ready }> {
  for (let attempt = 1; ; attempt++) {
    const child = start();
    try {
      return { child, ready: await child.ready };
    } catch (error) {
      if (attempt >= 3) throw error;
      log(
        `  WARNING: ${child.name} did not start (attempt ${attempt} of 3), again in 15 s: ${String(error).slice(0, 400)}`,
      );
      await stopChild(child, 0);
      await new Promise((resolve) => setTimeout(resolve, 15_000));
    }
  }
}

interface PreparedOperation {
  operation: Operation;
  variables: Record<string, unknown>;
  body: string;
  /** newsgraph's answer. */
  response: GraphQLResponse;
  /** The operation as a GET (path and query string), and the entity tag and caching headers of its answer. */
  get: { path: string; etag: string; headers: Record<string, string> } | null;
}

/** How a server is loaded: JSON POSTs of the operations, or GET revalidations of their answers (304). */
type LoadKind = 'post' | 'revalidate';

/** The request of one operation for a load of `kind` on the server at `url` (its GraphQL endpoint). */
function loadTarget(p: PreparedOperation, kind: LoadKind, url: string, pid: number): LoadTarget | null {
  if (kind === 'post') return { url, body: p.body, pid };
  if (!p.get) return null;
  return {
    url: `${new URL(url).origin}${p.get.path}`,
    method: 'GET',
    headers: { ...GET_HEADERS, 'if-none-match': p.get.etag },
    status: 304,
    pid,
  };
}

/** What a GET of an operation sends: the CSRF header, and an Accept (part of the answer's entity tag). */
const GET_HEADERS = { 'x-graphql-yoga-csrf': '1', accept: 'application/json' };

/** The operation as a GET, and the entity tag newsgraph gives its answer; null (and a warning) if it gives none. */
async function revalidationOf(url: string, operation: Operation, variables: Record<string, unknown>) {
  const parameters = new URLSearchParams({
    operationName: operation.name,
    query: operation.query,
    variables: JSON.stringify(variables),
  });
  const path = `${new URL(url).pathname}?${parameters}`;
  const response = await fetch(`${new URL(url).origin}${path}`, { headers: GET_HEADERS });
  await response.arrayBuffer();
  const etag = response.headers.get('etag');
  if (response.status !== 200 || !etag) {
    log(`  WARNING: ${operation.name} by GET answers ${response.status} without an ETag: no revalidations measured`);
    return null;
  }
  const headers: Record<string, string> = {};
  for (const name of ['cache-control', 'vary']) {
    const value = response.headers.get(name);
    if (value) headers[name] = value;
  }
  const revalidated = await fetch(`${new URL(url).origin}${path}`, {
    headers: { ...GET_HEADERS, 'if-none-match': etag },
  });
  if (revalidated.status !== 304) {
    log(`  WARNING: ${operation.name}: a revalidation answers ${revalidated.status}, not 304`);
    return null;
  }
  return { path, etag, headers };
}

/** Compares a server's answers with newsgraph's `data`, operation by operation. */
async function compareData(url: string, prepared: PreparedOperation[]): Promise<Record<string, boolean>> {
  const same: Record<string, boolean> = {};
  for (const p of prepared) {
    let answer: GraphQLResponse | Error;
    try {
      answer = await postGraphQL(url, p.body);
    } catch (error) {
      answer = error instanceof Error ? error : new Error(String(error));
    }
    same[p.operation.name] =
      !(answer instanceof Error) &&
      answer.status === 200 &&
      !answer.json.errors?.length &&
      canonical(answer.json.data) === canonical(p.response.json.data);
    if (!same[p.operation.name]) {
      const detail = answer instanceof Error ? answer.message : answer.text.slice(0, 300);
      log(`  WARNING: ${url} answers ${p.operation.name} differently: ${detail}`);
    }
  }
  return same;
}

let quietWaitLeftMs = options.quietWaitSeconds * 1000;
const QUIET_CORES = 0.25;
const QUIET_WINDOW_MS = 300;

/**
 * Other work on the machine (tests, builds) distorts a measurement: before each operation, while nothing of
 * ours runs, wait until the machine has been nearly idle for 0.3 s (at most 10 s, and at most
 * --quiet-wait seconds over the whole run). Returns the cores other work used in the last window.
 */
async function waitForQuiet(): Promise<number | null> {
  const deadline = performance.now() + Math.min(10_000, quietWaitLeftMs);
  const started = performance.now();
  let busy: number | null = null;
  for (;;) {
    const before = machineBusyMsOf();
    const self = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
    const after = machineBusyMsOf();
    const own = process.cpuUsage(self);
    if (before === null || after === null) return null;
    busy = Math.max(0, after - before - (own.user + own.system) / 1000) / QUIET_WINDOW_MS;
    if (busy < QUIET_CORES || performance.now() >= deadline) break;
  }
  quietWaitLeftMs = Math.max(0, quietWaitLeftMs - (performance.now() - started));
  return busy;
}

/** Warm-up, then one measurement per concurrency, of one operation on one server. */
async function measureOperation(
  serverName: string,
  running: RunningChild,
  url: string,
  p: PreparedOperation,
  kind: LoadKind = 'post',
): Promise<Record<string, LoadResult> | null> {
  const target = loadTarget(p, kind, url, running.pid);
  if (!target) return null;
  const quiet = await waitForQuiet();
  if (quiet !== null && quiet >= QUIET_CORES) {
    log(`  note: other work keeps ${quiet.toFixed(2)} cores busy; measuring anyway`);
  }
  const warm = await runLoad(target, Math.max(...options.connections), options.warmupSeconds);
  if (warm.errors + warm.non2xx + warm.timeouts > 0) {
    log(`  WARNING: ${serverName} ${p.operation.name}: warm-up had errors ${JSON.stringify(warm)}`);
  }
  const byConcurrency: Record<string, LoadResult> = {};
  for (const connections of options.connections) {
    let r = await runLoad(target, connections, options.durationSeconds);
    if (r.responses < 10) {
      // Too slow to measure in the set duration (the naive server on a large corpus): once more, for longer.
      r = await runLoad(target, connections, Math.max(5, 5 * options.durationSeconds));
    }
    byConcurrency[`c${connections}`] = r;
    if (r.errors + r.non2xx + r.timeouts > 0) {
      log(
        `  WARNING: ${serverName} ${p.operation.name} c${connections}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`,
      );
    }
  }
  log(
    `  ${serverName.padEnd(15)} ${p.operation.name.padEnd(16)} ${options.connections
      .map((c) => {
        const r = byConcurrency[`c${c}`];
        return `c${c}: ${Math.round(r?.rps ?? 0)
          .toString()
          .padStart(6)} rps p50 ${(r?.p50Ms ?? Number.NaN).toFixed(2)} p99 ${(r?.p99Ms ?? Number.NaN).toFixed(2)} ms`;
      })
      .join(' | ')}`,
  );
  return byConcurrency;
}

/** Warm-up, then one measurement per concurrency, for every operation; the other children must sit idle. */
async function measure(
  serverName: ServerName,
  running: RunningChild,
  url: string,
  prepared: PreparedOperation[],
  kind: LoadKind = 'post',
): Promise<{ results: ServerRun['results']; idleSiblingsCpuMs: number | null }> {
  const siblings = liveChildren().filter((c) => c !== running);
  const siblingsCpu = () =>
    siblings.reduce<number | null>((sum, c) => (sum === null ? null : sum + (cpuMsOf(c.pid) ?? 0)), 0);
  const siblingsBefore = siblingsCpu();
  const results: ServerRun['results'] = {};
  for (const p of prepared) {
    if (!liveChildren().includes(running)) {
      log(`  WARNING: ${serverName} has exited; its other operations are not measured:\n${tail(running.logFile)}`);
      break;
    }
    const result = await measureOperation(serverName, running, url, p, kind);
    if (result) results[p.operation.name] = result;
  }
  const siblingsAfter = siblingsCpu();
  return {
    results,
    idleSiblingsCpuMs: siblingsBefore === null || siblingsAfter === null ? null : siblingsAfter - siblingsBefore,
  };
}

async function benchCorpus(corpus: Corpus, operations: Operation[], count: boolean): Promise<CorpusRun> {
  log(`corpus ${corpus.label} (${corpus.articles} articles): ${path.relative(ROOT, corpus.directory)}`);
  const servers: ServerRun[] = [];

  // Start-up: newsgraph alone on the machine, spawned `runs` times; the last one stays up to be measured.
  const runs = options.startupRuns ?? (corpus.articles <= 10_000 ? 3 : 1);
  const startup: StartupRun[] = [];
  let running: RunningChild | null = null;
  let url = '';
  for (let i = 0; i < runs; i++) {
    const { child, ready } = await startReady(() => startNewsgraph(corpus, 'newsgraph'));
    const memory = memoryOf(child.pid);
    startup.push({
      readyMs: ready.readyMs,
      rssBytes: memory?.rssBytes ?? null,
      peakRssBytes: memory?.peakRssBytes ?? null,
    });
    log(
      `  newsgraph start-up ${i + 1}/${runs}: ${ready.readyMs.toFixed(0)} ms, RSS ${((memory?.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MB (peak ${((memory?.peakRssBytes ?? 0) / 2 ** 20).toFixed(0)} MB)`,
    );
    if (i < runs - 1) await stopChild(child);
    else {
      running = child;
      url = ready.url;
    }
  }
  if (!running) throw new Error('no start-up run');
  let newsgraph: RunningChild = running;
  const newsgraphStartup = startup[startup.length - 1] as StartupRun;

  // The operations' variables on this corpus, and newsgraph's answers: free of errors, within the cost limit.
  const facts = await resolveFacts(url);
  log(`  variables: ${JSON.stringify(facts)}`);
  const prepared: PreparedOperation[] = [];
  const checks: OperationCheck[] = [];
  for (const operation of operations) {
    const variables = variablesFor(operation.name, facts);
    const body = requestBody(operation, variables);
    let response: GraphQLResponse | null = null;
    let problem: string | null = null;
    try {
      response = await postGraphQL(url, body);
    } catch (error) {
      problem = `no answer (${error instanceof Error ? error.message : error})`;
      await Promise.race([newsgraph.exited, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    }
    const cost = (response?.json.extensions?.cost as { requested?: number } | undefined)?.requested ?? null;
    if (response && (response.status !== 200 || response.json.errors?.length || !response.json.data)) {
      problem = `answers ${response.status} ${response.text.slice(0, 300)}`;
    } else if (response && (cost === null || cost > DEFAULT_LIMITS.maxCost)) {
      problem = `costs ${cost}, over the published limit of ${DEFAULT_LIMITS.maxCost}`;
    }
    if (!liveChildren().includes(newsgraph)) {
      // It crashed on this operation: note why, and start it again for the others (not a start-up run).
      problem = `${problem ?? 'answered'}, and the server exited: ${tail(newsgraph.logFile, 12)}`;
      const restarted = await startReady(() => startNewsgraph(corpus, 'newsgraph'));
      newsgraph = restarted.child;
      url = restarted.ready.url;
    }
    checks.push({
      name: operation.name,
      variables,
      cost,
      costLimit: DEFAULT_LIMITS.maxCost,
      responseBytes: response ? Buffer.byteLength(response.text) : null,
      error: problem,
    });
    if (problem) {
      log(`  WARNING: ${operation.name} is left out of this corpus: ${problem}`);
      continue;
    }
    prepared.push({
      operation,
      variables,
      body,
      response: response as GraphQLResponse,
      get: await revalidationOf(url, operation, variables),
    });
  }

  if (options.servers.includes('newsgraph')) {
    const measured = await measure('newsgraph', newsgraph, url, prepared);
    servers.push({
      server: 'newsgraph',
      readyMs: newsgraphStartup.readyMs,
      loadMs: null,
      loadedConcurrently: false,
      rssBytes: newsgraphStartup.rssBytes,
      peakRssBytes: memoryOf(newsgraph.pid)?.peakRssBytes ?? newsgraphStartup.peakRssBytes,
      sameData: Object.fromEntries(prepared.map((p) => [p.operation.name, true])),
      sourceHash: sourceAtStart.get(newsgraph) ?? null,
      ...measured,
    });

    // The same server answering revalidations of its GET answers (If-None-Match with the current tag): 304s.
    servers.push({
      server: 'revalidate',
      readyMs: newsgraphStartup.readyMs,
      loadMs: null,
      loadedConcurrently: false,
      rssBytes: null,
      peakRssBytes: null,
      sameData: {},
      sourceHash: sourceAtStart.get(newsgraph) ?? null,
      ...(await measure('revalidate', newsgraph, url, prepared, 'revalidate')),
    });
  }
  await stopChild(newsgraph, 15_000);

  // The physical limit, in both modes, answering newsgraph's own responses; and of a revalidation (a 304).
  const responsesFile = path.join(workDir, `responses-${corpus.articles}.json`);
  writeFileSync(
    responsesFile,
    JSON.stringify(Object.fromEntries(prepared.map((p) => [p.operation.name, p.response.text]))),
  );
  for (const mode of ['json', 'string'] as const) {
    const serverName: ServerName = mode === 'json' ? 'physical-json' : 'physical-string';
    if (!options.servers.includes(serverName)) continue;
    const { child, ready } = await startReady(() =>
      startScript(serverName, 'bench/servers/physical.ts', ['--responses', responsesFile, '--mode', mode]),
    );
    const sameData = await compareData(ready.url, prepared);
    const memory = memoryOf(child.pid);
    servers.push({
      server: serverName,
      readyMs: ready.readyMs,
      loadMs: null,
      loadedConcurrently: false,
      rssBytes: memory?.rssBytes ?? null,
      peakRssBytes: memory?.peakRssBytes ?? null,
      sameData,
      ...(await measure(serverName, child, ready.url, prepared)),
    });
    await stopChild(child);
  }
  const tagsFile = path.join(workDir, `tags-${corpus.articles}.json`);
  writeFileSync(
    tagsFile,
    JSON.stringify(Object.fromEntries(prepared.flatMap((p) => (p.get ? [[p.operation.name, p.get]] : [])))),
  );
  {
    const { child, ready } = await startReady(() =>
      startScript('physical-304', 'bench/servers/physical.ts', ['--responses', tagsFile, '--mode', 'revalidate']),
    );
    servers.push({
      server: 'physical-304',
      readyMs: ready.readyMs,
      loadMs: null,
      loadedConcurrently: false,
      rssBytes: memoryOf(child.pid)?.rssBytes ?? null,
      peakRssBytes: memoryOf(child.pid)?.peakRssBytes ?? null,
      sameData: {},
      ...(await measure('physical-304', child, ready.url, prepared, 'revalidate')),
    });
    await stopChild(child);
  }

  // The references that load the corpus load it concurrently (mercurius counts the data-access calls first, on
  // the store it has loaded), then are measured one at a time while the other sits idle.
  const requestsFile = path.join(workDir, `requests-${corpus.articles}.json`);
  const callsFile = path.join(workDir, `calls-${corpus.articles}.json`);
  writeFileSync(requestsFile, JSON.stringify(prepared.map((p) => ({ name: p.operation.name, body: p.body }))));
  log(
    `  loading the corpus in mercurius-jit${count ? ' (which first counts data-access calls)' : ''} and naive newsgraph ...`,
  );
  // A reference that fails to start is reported and left out; the run goes on without it.
  const startedOrNull = (start: () => RunningChild) =>
    startReady(start).catch((error: unknown) => {
      log(`  WARNING: a reference did not start, left out: ${error instanceof Error ? error.message : error}`);
      return null;
    });
  const wanted = (name: ServerName, start: () => RunningChild) =>
    options.servers.includes(name) ? startedOrNull(start) : Promise.resolve(null);
  const [mercurius, naive, uncached] = await Promise.all([
    wanted('mercurius-jit', () =>
      startScript('mercurius-jit', 'bench/servers/mercurius.ts', [
        '--data',
        corpus.directory,
        ...(count ? ['--count', requestsFile, '--count-out', callsFile] : []),
      ]),
    ),
    wanted('naive', () => startNewsgraph(corpus, 'naive')),
    wanted('uncached', () => startNewsgraph(corpus, 'uncached')),
  ]);
  let calls: Record<string, OperationCalls> | null = null;
  if (count && mercurius) {
    const counted = JSON.parse(readFileSync(callsFile, 'utf8')) as CountedCalls;
    if (counted.problems.length > 0) log(`  WARNING: counting: ${counted.problems.join('; ')}`);
    calls = counted.counts;
  }
  for (const [serverName, started] of [
    ['uncached', uncached],
    ['mercurius-jit', mercurius],
    ['naive', naive],
  ] as const) {
    if (!started) continue;
    const { child, ready } = started;
    const sameData = await compareData(ready.url, prepared);
    const memory = memoryOf(child.pid);
    servers.push({
      server: serverName,
      readyMs: ready.readyMs,
      loadMs: typeof ready.line.loadMs === 'number' ? ready.line.loadMs : null,
      loadedConcurrently: true,
      sourceHash: sourceAtStart.get(child) ?? null,
      rssBytes: memory?.rssBytes ?? null,
      peakRssBytes: memory?.peakRssBytes ?? null,
      sameData,
      ...(await measure(serverName, child, ready.url, prepared)),
    });
    await stopChild(child, 15_000);
  }

  const order = (name: ServerName) => SERVER_NAMES.indexOf(name);
  servers.sort((a, b) => order(a.server) - order(b.server));
  const baseline = options.baseline ? await sideBySide(corpus, prepared, options.baseline) : null;
  return {
    sideBySide: baseline,
    articles: corpus.articles,
    label: corpus.label,
    directory: path.relative(ROOT, corpus.directory),
    facts,
    startup: {
      runs: startup,
      readyMs: median(startup.map((r) => r.readyMs)),
      rssBytes: startup.every((r) => r.rssBytes !== null) ? median(startup.map((r) => r.rssBytes as number)) : null,
      peakRssBytes: startup.every((r) => r.peakRssBytes !== null)
        ? median(startup.map((r) => r.peakRssBytes as number))
        : null,
    },
    operations: checks,
    servers,
    calls,
  };
}

/**
 * This tree's newsgraph and the baseline checkout's, both with the response cache off, loaded together, then
 * measured in turns on each operation (`--rounds` times each; who goes first alternates), so that the machine's
 * other load falls on both alike.
 */
async function sideBySide(corpus: Corpus, prepared: PreparedOperation[], directory: string): Promise<SideBySide> {
  const label = `${path.basename(directory)} at ${commitOf(directory) ?? 'an unknown commit'}`;
  log(`  side by side with ${label} (${directory}), both with the response cache off ...`);
  const [ours, baseline] = await Promise.all([
    startReady(() => startNewsgraph(corpus, 'uncached')),
    startReady(() => startBaseline(corpus)),
  ]);
  const sameData = await compareData(baseline.ready.url, prepared);
  const results: SideBySide['results'] = {};
  for (const p of prepared) {
    const entry: SideBySide['results'][string] = Object.fromEntries(
      options.connections.map((c) => [`c${c}`, { ours: [], baseline: [] }]),
    );
    for (let round = 0; round < options.rounds; round++) {
      const turns = round % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const);
      for (const who of turns) {
        const { child, ready } = who === 'ours' ? ours : baseline;
        const measured = await measureOperation(who === 'ours' ? 'this tree' : 'baseline', child, ready.url, p);
        for (const c of options.connections) {
          const r = measured?.[`c${c}`];
          if (r) entry[`c${c}`]?.[who].push(r);
        }
      }
    }
    results[p.operation.name] = entry;
  }
  const oursMemory = memoryOf(ours.child.pid);
  const baselineMemory = memoryOf(baseline.child.pid);
  await Promise.all([stopChild(ours.child, 15_000), stopChild(baseline.child, 15_000)]);
  const head = gitAtStart.commit?.slice(0, 7) ?? 'an unknown commit';
  return {
    ours: {
      label: `this tree at ${head}${gitAtStart.dirty ? ' with uncommitted changes' : ''}`,
      commit: gitAtStart.commit,
      readyMs: ours.ready.readyMs,
      rssBytes: oursMemory?.rssBytes ?? null,
    },
    baseline: {
      label,
      directory,
      commit: commitOf(directory),
      readyMs: baseline.ready.readyMs,
      rssBytes: baselineMemory?.rssBytes ?? null,
    },
    rounds: options.rounds,
    sameData,
    results,
  };
}

/** Where a run's report goes: a smoke run's in the cache; a side by side's beside RESULTS.md, not over it. */
function markdownFileFor(settings: BenchRun['settings']): string {
  if (settings.quick) return path.join(CACHE_DIR, 'quick', 'RESULTS.md');
  return path.join(ROOT, 'bench', settings.baseline ? 'SIDE-BY-SIDE.md' : 'RESULTS.md');
}

async function main(): Promise<void> {
  if (options.report) {
    const run = JSON.parse(readFileSync(options.report, 'utf8')) as BenchRun;
    const markdownFile = markdownFileFor(run.settings);
    writeFileSync(markdownFile, renderMarkdown(run, run.command));
    log(`wrote ${path.relative(ROOT, markdownFile)} from ${options.report}`);
    return;
  }
  // The server as `npm start` runs it: compiled to dist/.
  buildServer();
  const operations = readOperations();
  log(
    `newsgraph bench: sizes ${options.sizes.join(', ')}; ${operations.length} operations; warm-up ${options.warmupSeconds} s, ` +
      `${options.durationSeconds} s per measurement at ${options.connections.join(' and ')} connection(s)`,
  );
  const corpora: Corpus[] = [];
  for (const size of options.sizes) corpora.push(await ensureCorpus(size, log));
  const countSizes = new Set([options.sizes[0], options.sizes[options.sizes.length - 1]]);

  const runs: CorpusRun[] = [];
  for (const corpus of corpora) runs.push(await benchCorpus(corpus, operations, countSizes.has(corpus.articles)));

  // The time to a fully drawn dashboard, in Chromium, on 10,000 articles (bench/dashboard.ts).
  const dashboardCorpus = corpora.find((corpus) => corpus.articles === DASHBOARD_ARTICLES);
  let dashboard: BenchRun['dashboard'];
  if (options.dashboardVisits === 0) dashboard = { skipped: '--dashboard-visits 0' };
  else if (!dashboardCorpus) dashboard = { skipped: `no corpus of ${DASHBOARD_ARTICLES} articles in --sizes` };
  else {
    log(`dashboard: ${options.dashboardVisits} visits on ${dashboardCorpus.label}`);
    try {
      dashboard = await benchDashboard(dashboardCorpus, {
        visits: options.dashboardVisits,
        log,
        logFile: logFile(`dashboard-${dashboardCorpus.articles}`),
      });
    } catch (error) {
      log(`  WARNING: the dashboard was not measured: ${(error as Error).message}`);
      dashboard = { skipped: (error as Error).message.split('\n')[0] ?? 'failed' };
    }
  }

  const finishedAt = new Date();
  const date = localDate(startedAt);
  const run: BenchRun = {
    date,
    git: gitAtStart,
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine: describeMachine(),
    loadAverage: { start: loadAverageAtStart, end: os.loadavg() },
    settings: {
      sizes: options.sizes,
      warmupSeconds: options.warmupSeconds,
      durationSeconds: options.durationSeconds,
      connections: options.connections,
      startupRuns: Object.fromEntries(runs.map((r) => [String(r.articles), r.startup.runs.length])),
      maxOldSpaceSizeMb: options.maxOldSpaceSizeMb,
      quietWaitSeconds: options.quietWaitSeconds,
      newsgraphArgs: newsgraphArgs('DIR'),
      quick: options.quick,
      servers: options.servers,
      baseline: options.baseline ? { directory: options.baseline, rounds: options.rounds } : null,
    },
    corpora: runs,
    callsCompared: runs.filter((r) => r.calls).map((r) => r.articles),
    dashboard,
  };

  const markdownFile = markdownFileFor(run.settings);
  const jsonFile = path.join(path.dirname(markdownFile), 'results', `${date}${resultsSuffix(run.settings)}.json`);
  mkdirSync(path.dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(run, null, 2)}\n`);
  // Committed results must pass `npm run lint`: let Biome lay the JSON out as it wants it.
  const biome = path.join(ROOT, 'node_modules', '.bin', 'biome');
  if (!options.quick && existsSync(biome))
    spawnSync(biome, ['format', '--write', jsonFile], { cwd: ROOT, stdio: 'ignore' });
  const markdown = renderMarkdown(run, run.command);
  writeFileSync(markdownFile, markdown);
  log(`wrote ${path.relative(ROOT, jsonFile)} and ${path.relative(ROOT, markdownFile)}`);
  console.log(`\n${markdown}`);
}

function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

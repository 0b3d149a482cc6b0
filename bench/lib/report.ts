/** The machine's description and bench/RESULTS.md, rendered from the raw results of one run. */
import os from 'node:os';
import type { DashboardRun } from '../dashboard.js';
import type { LoadResult } from './load.js';
import type { BenchRun, CorpusRun, Machine, OperationCalls, ServerName, ServerRun } from './results.js';
import { resultsSuffix, SERVER_LABELS } from './results.js';

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const MB = 1024 * 1024;

function int(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : Math.round(n).toLocaleString('en-US');
}

function ms(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function fixed(n: number | null | undefined, digits: number): string {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);
}

function perThousand(n: number): string {
  return Math.abs(n) >= 100 ? int(n) : fixed(n, 1);
}

function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !(theirs > 0)) return '–';
  return `${(ours / theirs).toFixed(2)}×`;
}

function server(corpus: CorpusRun, name: ServerName): ServerRun | undefined {
  return corpus.servers.find((s) => s.server === name);
}

function result(corpus: CorpusRun, name: ServerName, operation: string, c: number): LoadResult | undefined {
  return server(corpus, name)?.results[operation]?.[`c${c}`];
}

/** One table row per corpus, operation and concurrency: the three keys, then the cells `cells` gives. */
function measuredRows(
  run: BenchRun,
  connections: readonly number[],
  cells: (corpus: CorpusRun, operation: string, connections: number) => string[],
): string[][] {
  return run.corpora.flatMap((c) =>
    c.operations.flatMap((op) =>
      connections.map((conn) => [c.label, op.name, String(conn), ...cells(c, op.name, conn)]),
    ),
  );
}

function table(header: string[], rows: string[][]): string {
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d–][\d,.×% /–]*$/.test(r[i] ?? '')));
  return [
    `| ${header.join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Equal calls; or calls that grow with the corpus; or equal where both need them, the rest for other kinds of objects. */
function compareCalls(
  small: OperationCalls,
  large: OperationCalls,
): { kind: 'equal' | 'grows' | 'other-answer'; methods: string[] } {
  const a = small.batched.byMethod;
  const b = large.batched.byMethod;
  if (JSON.stringify(a) === JSON.stringify(b)) return { kind: 'equal', methods: [] };
  const grows = Object.keys(a).filter((m) => m in b && (b[m] ?? 0) > (a[m] ?? 0));
  return grows.length > 0 ? { kind: 'grows', methods: grows } : { kind: 'other-answer', methods: [] };
}

const AGGREGATES = ['SearchPage', 'TopEntitiesYear', 'EntityTimeline', 'CoMentions'];

/** Issue 12's targets for the request path: newsgraph in one mode against one reference, at a least ratio of rps. */
interface RequestPathTarget {
  title: string;
  ours: ServerName;
  reference: ServerName;
  least: number;
}

const REQUEST_PATH_TARGETS: RequestPathTarget[] = [
  {
    title: 'repeated requests at ≥ 60% of the physical limit',
    ours: 'newsgraph',
    reference: 'physical-json',
    least: 0.6,
  },
  {
    title: '304 revalidations at ≥ 80% of the physical limit of a revalidation',
    ours: 'revalidate',
    reference: 'physical-304',
    least: 0.8,
  },
  {
    title: 'every response cache off, at or above mercurius + graphql-jit',
    ours: 'uncached',
    reference: 'mercurius-jit',
    least: 1,
  },
];

/**
 * The ratios of a target on one corpus, every operation and concurrency measured: of rps (ours ÷ theirs), or of
 * server CPU per response (theirs ÷ ours, so that above 1 is better either way).
 */
function targetRatios(
  c: CorpusRun,
  target: RequestPathTarget,
  connections: number[],
  by: 'rps' | 'cpu' = 'rps',
): number[] {
  return c.operations.flatMap((op) =>
    connections.flatMap((conn) => {
      const ours = result(c, target.ours, op.name, conn);
      const theirs = result(c, target.reference, op.name, conn);
      if (!ours || !theirs) return [];
      if (by === 'rps') return theirs.rps > 0 ? [ours.rps / theirs.rps] : [];
      const [a, b] = [ours.serverCpuMsPerResponse, theirs.serverCpuMsPerResponse];
      return a && b ? [b / a] : [];
    }),
  );
}

function targetSummary(
  c: CorpusRun,
  target: RequestPathTarget,
  connections: number[],
): { text: string; met: boolean } | null {
  const ratios = targetRatios(c, target, connections);
  if (ratios.length === 0) return null;
  const met = ratios.filter((r) => r >= target.least).length;
  return {
    text: `met in ${met} of ${ratios.length}; ratio median ${median(ratios).toFixed(2)}×, lowest ${Math.min(...ratios).toFixed(2)}×`,
    met: met === ratios.length,
  };
}

/** Issue 12 §3: the three request-path targets, per corpus, operation and concurrency. */
function renderRequestPath(run: BenchRun): string[] {
  const { connections } = run.settings;
  const corpora = run.corpora.filter((c) => c.label !== 'fixtures');
  if (corpora.length === 0) return [];
  const out: string[] = ['## The request path: repeated requests, revalidations, every cache off', ''];
  out.push(
    'Issue 12\u2019s targets, side by side: repeated requests (newsgraph as served, answered by its replay cache) at ' +
      '60% or more of the physical limit; revalidations (GET with If-None-Match: 304) at 80% or more of the physical ' +
      'limit of a revalidation; with every response cache off (the response cache and the replay cache), at or above ' +
      'mercurius + graphql-jit serving the same schema. Each cell: newsgraph\u2019s rps, the reference\u2019s, the ' +
      'ratio (met when **not** in bold).',
  );
  out.push('');
  const cell = (c: CorpusRun, target: RequestPathTarget, op: string, conn: number) => {
    const ours = result(c, target.ours, op, conn)?.rps;
    const theirs = result(c, target.reference, op, conn)?.rps;
    if (ours === undefined || theirs === undefined || !(theirs > 0)) return '–';
    const r = ours / theirs;
    const shown = `${r.toFixed(2)}×`;
    return `${int(ours)} / ${int(theirs)} = ${r >= target.least ? shown : `**${shown}**`}`;
  };
  const rows: string[][] = [];
  for (const c of corpora) {
    for (const op of c.operations) {
      for (const conn of connections) {
        rows.push([
          c.label,
          op.name,
          String(conn),
          ...REQUEST_PATH_TARGETS.map((target) => cell(c, target, op.name, conn)),
        ]);
      }
    }
  }
  out.push(
    table(
      [
        'corpus',
        'operation',
        'conc.',
        'repeated vs physical (≥ 0.60)',
        '304 vs physical 304 (≥ 0.80)',
        'cache off vs mercurius+jit (≥ 1.00)',
      ],
      rows,
    ),
  );
  out.push('');
  for (const c of corpora) {
    for (const target of REQUEST_PATH_TARGETS) {
      const summary = targetSummary(c, target, connections);
      const cpu = targetRatios(c, target, connections, 'cpu');
      if (summary) {
        out.push(
          `- ${c.label}, ${target.title}: ${summary.text}. By server CPU per response (the reference\u2019s ÷ newsgraph\u2019s, ` +
            `less distorted by other work than rps taken minutes apart): met in ${cpu.filter((r) => r >= target.least).length} ` +
            `of ${cpu.length}, median ${median(cpu).toFixed(2)}×, lowest ${Math.min(...cpu).toFixed(2)}×.`,
        );
      }
    }
  }
  out.push('');
  return out;
}

export function renderMarkdown(run: BenchRun, command: string): string {
  const { machine, settings } = run;
  const minutes = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 60_000;
  const out: string[] = [];
  const measuredServers = run.corpora.some((c) => c.servers.length > 0);
  out.push('# newsgraph benchmark results');
  out.push('');
  out.push(
    `Generated by \`${command}\` on ${run.date} (${minutes.toFixed(1)} min). Raw numbers: ` +
      `[results/${run.date}${resultsSuffix(settings)}.json](results/${run.date}${resultsSuffix(settings)}.json). ` +
      'Every number below is from that one run: newsgraph and its references side by side, on the same machine.' +
      (run.git?.commit
        ? ` Source: commit ${run.git.commit.slice(0, 7)}${run.git.dirty ? ' with uncommitted changes in src/' : ''} at the start.`
        : ''),
  );
  out.push('');
  const foreign = run.corpora.flatMap((c) =>
    c.servers.flatMap((s) =>
      Object.values(s.results).flatMap((byConcurrency) =>
        Object.values(byConcurrency)
          .map((r) => r.foreignCores)
          .filter((x): x is number => typeof x === 'number'),
      ),
    ),
  );
  if (foreign.length > 0 && median(foreign) >= 0.25) {
    out.push(
      `> **The machine was not quiet during this run**: other work kept a median of ${median(foreign).toFixed(2)} of its ` +
        `${machine.cores} cores busy during the measurements (at most ${Math.max(...foreign).toFixed(2)}; see "other load"). ` +
        'Absolute figures are depressed and noisy, and ratios taken at different moments are distorted; run again on a ' +
        'quiet machine before drawing conclusions from a single figure.',
    );
    out.push('');
  }
  out.push('## Machine');
  out.push('');
  out.push(
    table(
      ['CPU', 'cores', 'memory', 'Node', 'OS'],
      [
        [
          machine.cpu,
          String(machine.cores),
          `${machine.memoryGB} GB`,
          machine.node,
          `${machine.platform} ${machine.release} (${machine.arch})`,
        ],
      ],
    ),
  );
  out.push('');
  out.push('## Method');
  out.push('');
  out.push(
    [
      `- Load: autocannon 9 in the bench process, keep-alive, POST JSON (revalidations: GET with If-None-Match), no pipelining, ${settings.connections.join(' and ')} connection(s); ` +
        `per server and operation a ${settings.warmupSeconds} s warm-up at ${Math.max(...settings.connections)} connections, ` +
        `then ${settings.durationSeconds} s per concurrency. Client and server share the machine's ${machine.cores} cores.`,
      '- rps: 2xx responses per second (revalidations: 304s); p50/p99: exact percentiles of every such response time of the run (ms); ' +
        'CPU ms/req: the server process\u2019s CPU time (user + system, all threads) per response.',
      `- newsgraph: \`node ${settings.newsgraphArgs.join(' ')}\` (the real server, one JSON log line per request, to a file). ` +
        `Start-up: from spawn to its "newsgraph serving GraphQL" log line (load, validate, index, listen), the median of ` +
        `${Object.entries(settings.startupRuns)
          .map(([size, n]) => `${n} for ${Number(size).toLocaleString('en-US')}`)
          .join(
            ', ',
          )} spawn(s); RSS: VmRSS right after, peak: VmHWM. Every child runs with --max-old-space-size=${settings.maxOldSpaceSizeMb}.`,
      measuredServers
        ? ''
        : `- Servers measured: none but the side by side below (\`--servers\` ${JSON.stringify((settings.servers ?? []).join(','))}); newsgraph was started for its start-up figures and the operations' variables only.`,
      '- References, each its own child process, measured one at a time on the same corpus and the same operations: ' +
        'the physical limit (bare node:http: read and JSON.parse the body, answer JSON.stringify of newsgraph\u2019s precomputed ' +
        'response; and the same writing the pre-serialized string), mercurius 16 + graphql-jit (`jit: 1`) on fastify 5 serving ' +
        'newsgraph\u2019s own schema and context over a MemoryStore of the corpus (no limits, no logging, no response cache), ' +
        'newsgraph with every response cache off (`--response-cache-max-entries 0 --replay-cache-max-entries 0`: every ' +
        'request runs the whole pipeline and executes), and naive newsgraph (the same server with `--batch false`: no ' +
        'DataLoader batching, no caches). These three load the corpus concurrently (to save time; mercurius first counts ' +
        'the data-access calls on the store it loaded), then are measured one at a time while the others sit idle. ' +
        'newsgraph as served answers a repeated request from its replay cache (the response the pipeline made for the ' +
        'first one), as a polling dashboard would see it; the load generator repeats one request per operation. ' +
        'Revalidations: the same newsgraph process answering each operation sent by GET with `If-None-Match` set to the ' +
        'tag of its answer (304), against the physical limit of a revalidation (bare node:http: parse the URL\u2019s ' +
        'parameters, JSON.parse its variables, compare If-None-Match with the precomputed tag, answer 304 with the ' +
        'headers newsgraph\u2019s 304 has).',
      '- Ratios: newsgraph rps ÷ the reference\u2019s rps at the same concurrency (1.00× = as fast; below 1 = slower).',
      '- Other load: the most cores that work other than the server measured and the load generator kept busy during ' +
        'any of the five measurements of that row (from /proc/stat); figures with other load well above 0 are distorted. ' +
        `Load average (1/5/15 min) at the start ${run.loadAverage.start.map((n) => n.toFixed(2)).join('/')}, at the end ` +
        `${run.loadAverage.end.map((n) => n.toFixed(2)).join('/')}. Before each operation the bench waited up to 10 s for ` +
        `the machine to go quiet (at most ${settings.quietWaitSeconds} s in all).`,
    ]
      .filter((line, i) => line !== '' && (measuredServers || (i !== 4 && i !== 5)))
      .join('\n'),
  );
  out.push('');

  out.push('## Start-up');
  out.push('');
  out.push(
    table(
      [
        'corpus',
        'articles',
        'start-up (ms)',
        'ms / 1k articles',
        'RSS after start-up (MB)',
        'MB / 1k articles',
        'peak RSS (MB)',
        'runs (ms)',
      ],
      run.corpora.map((c) => [
        c.label,
        int(c.articles),
        int(c.startup.readyMs),
        int(c.startup.readyMs / (c.articles / 1000)),
        int((c.startup.rssBytes ?? Number.NaN) / MB),
        perThousand((c.startup.rssBytes ?? Number.NaN) / MB / (c.articles / 1000)),
        int((c.startup.peakRssBytes ?? Number.NaN) / MB),
        c.startup.runs.map((r) => int(r.readyMs)).join('; '),
      ]),
    ),
  );
  const base = run.corpora.find((c) => c.label === 'fixtures');
  if (base) {
    const marginal = run.corpora
      .filter((c) => c !== base)
      .map(
        (c) =>
          `${int(c.articles)}: ${fixed((c.startup.readyMs - base.startup.readyMs) / ((c.articles - base.articles) / 1000), 0)} ms and ` +
          `${fixed(((c.startup.rssBytes ?? 0) - (base.startup.rssBytes ?? 0)) / MB / ((c.articles - base.articles) / 1000), 1)} MB per 1k articles`,
      );
    if (marginal.length > 0) {
      out.push('');
      out.push(
        `The fixtures' figures are mostly process start-up (node, tsx, the schema). Over the fixtures (marginal cost): ${marginal.join('; ')}.`,
      );
    }
  }
  const loads = run.corpora.flatMap((c) =>
    c.servers
      .filter((s) => s.loadMs !== null || s.server === 'naive')
      .map(
        (s) =>
          `${c.label} ${SERVER_LABELS[s.server]}: ready in ${int(s.readyMs)} ms${s.loadedConcurrently ? ' (loading concurrently)' : ''}`,
      ),
  );
  if (loads.length > 0) {
    out.push('');
    out.push(`Reference processes that load the corpus: ${loads.join('; ')}.`);
  }
  out.push('');

  // A side by side alone (--servers none) measures neither newsgraph as served nor its references.
  const measuredNewsgraph = run.corpora.some((c) => c.servers.some((s) => s.server === 'newsgraph'));
  if (measuredNewsgraph) {
    out.push('## Throughput and latency');
    out.push('');
    out.push('newsgraph, per corpus, operation and concurrency; then its rps as a ratio of each reference\u2019s.');
    out.push('');
    const rows = measuredRows(run, settings.connections, (c, op, conn) => {
      const ours = result(c, 'newsgraph', op, conn);
      const foreign = c.servers
        .map((s) => s.results[op]?.[`c${conn}`]?.foreignCores)
        .filter((x): x is number => typeof x === 'number');
      return [
        int(ours?.rps),
        ms(ours?.p50Ms),
        ms(ours?.p99Ms),
        fixed(ours?.serverCpuMsPerResponse, 3),
        ratio(ours?.rps, result(c, 'physical-json', op, conn)?.rps),
        ratio(ours?.rps, result(c, 'physical-string', op, conn)?.rps),
        ratio(ours?.rps, result(c, 'mercurius-jit', op, conn)?.rps),
        ratio(ours?.rps, result(c, 'naive', op, conn)?.rps),
        ratio(ours?.rps, result(c, 'uncached', op, conn)?.rps),
        foreign.length > 0 ? fixed(Math.max(...foreign), 2) : '–',
      ];
    });
    out.push(
      table(
        [
          'corpus',
          'operation',
          'conc.',
          'rps',
          'p50 ms',
          'p99 ms',
          'CPU ms/req',
          'vs physical (JSON)',
          'vs physical (string)',
          'vs mercurius+jit',
          'vs naive',
          'vs cache off',
          'other load',
        ],
        rows,
      ),
    );
    out.push('');

    const moved = run.corpora.filter(
      (c) => new Set(c.servers.map((s) => s.sourceHash).filter((h): h is string => typeof h === 'string')).size > 1,
    );
    if (moved.length > 0) {
      out.push(
        `src/ changed while these were measured (other work on the source): on ${moved.map((c) => c.label).join(', ')}, ` +
          'newsgraph and the references that run its code were started on different versions of src/ (`sourceHash` in ' +
          'the raw results), so their ratios compare different code.',
      );
      out.push('');
    }

    out.push('### The references');
    out.push('');
    const refRows = measuredRows(run, settings.connections, (c, op, conn) => {
      const cell = (name: ServerName) => {
        const r = result(c, name, op, conn);
        return r ? `${int(r.rps)} / ${ms(r.p99Ms)}` : '–';
      };
      return [
        cell('newsgraph'),
        cell('uncached'),
        cell('physical-json'),
        cell('physical-string'),
        cell('mercurius-jit'),
        cell('naive'),
      ];
    });
    out.push(
      table(
        [
          'corpus',
          'operation',
          'conc.',
          'newsgraph rps / p99 ms',
          'response cache off',
          'physical (JSON)',
          'physical (string)',
          'mercurius+jit',
          'naive',
        ],
        refRows,
      ),
    );
    out.push('');
  }

  const sideBySide = run.corpora.filter((c) => c.sideBySide);
  if (sideBySide.length > 0) {
    const first = sideBySide[0]?.sideBySide as NonNullable<CorpusRun['sideBySide']>;
    out.push('## Side by side with the baseline');
    out.push('');
    out.push(
      `${first.ours.label} against ${first.baseline.label}, both with the response cache off (every request ` +
        'executed), loaded together and measured in turns on each operation (who goes first alternates), ' +
        `${first.rounds} measurement(s) of each per operation and concurrency. Medians over the rounds; ratios are ` +
        'this tree \u00f7 the baseline (rps above 1.00\u00d7 and latency below 1.00\u00d7 are faster). "Same data": the ' +
        'baseline\u2019s `data` equals this tree\u2019s, cursors included (an answer that shows a cursor differs in it alone ' +
        'when the two trees issue cursors of different formats).',
    );
    out.push('');
    const medianOf = (results: LoadResult[], pick: (r: LoadResult) => number | null) =>
      median(results.map(pick).filter((n): n is number => n !== null));
    const sideRows: string[][] = [];
    for (const c of sideBySide) {
      const side = c.sideBySide as NonNullable<CorpusRun['sideBySide']>;
      for (const [operation, byConcurrency] of Object.entries(side.results)) {
        for (const conn of settings.connections) {
          const pair = byConcurrency[`c${conn}`];
          if (!pair) continue;
          const oursRps = medianOf(pair.ours, (r) => r.rps);
          const baseRps = medianOf(pair.baseline, (r) => r.rps);
          const oursP50 = medianOf(pair.ours, (r) => r.p50Ms);
          const baseP50 = medianOf(pair.baseline, (r) => r.p50Ms);
          const oursP99 = medianOf(pair.ours, (r) => r.p99Ms);
          const baseP99 = medianOf(pair.baseline, (r) => r.p99Ms);
          sideRows.push([
            c.label,
            operation,
            String(conn),
            int(oursRps),
            int(baseRps),
            ratio(oursRps, baseRps),
            ms(oursP50),
            ms(baseP50),
            ratio(oursP50, baseP50),
            ms(oursP99),
            ms(baseP99),
            side.sameData[operation] === false ? 'no' : 'yes',
          ]);
        }
      }
    }
    out.push(
      table(
        [
          'corpus',
          'operation',
          'conc.',
          'rps',
          'baseline rps',
          'rps ratio',
          'p50 ms',
          'baseline p50',
          'p50 ratio',
          'p99 ms',
          'baseline p99',
          'same data',
        ],
        sideRows,
      ),
    );
    out.push('');
    out.push(
      sideBySide
        .map((c) => {
          const side = c.sideBySide as NonNullable<CorpusRun['sideBySide']>;
          const mb = (bytes: number | null) => (bytes === null ? '–' : `${int(bytes / MB)} MB`);
          return `${c.label}: this tree ready in ${int(side.ours.readyMs)} ms, RSS ${mb(side.ours.rssBytes)} at the end; the baseline ${int(side.baseline.readyMs)} ms, ${mb(side.baseline.rssBytes)} (both loading together).`;
        })
        .join(' '),
    );
    out.push('');
  }

  out.push(...renderRequestPath(run));

  out.push('## Operations');
  out.push('');
  out.push(
    'Each is a client query in [bench/operations/](operations/), with variables resolved on each corpus from the server ' +
      'itself (newest article, busiest entity, busiest person with affiliations and participations, first word of the ' +
      'busiest organization, newest year). Every answer was checked free of errors and within the published cost limit; ' +
      '"same data" compares each reference\u2019s `data` with newsgraph\u2019s (mercurius answers without `extensions`).',
  );
  out.push('');
  out.push(
    table(
      ['corpus', 'operation', 'variables', 'cost / limit', 'response bytes', 'same data (mercurius, naive)'],
      run.corpora.flatMap((c) =>
        c.operations.map((op) => [
          c.label,
          op.name,
          `\`${JSON.stringify(op.variables)}\``,
          `${int(op.cost)} / ${int(op.costLimit)}`,
          int(op.responseBytes),
          op.error
            ? `**left out**: ${op.error.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300)}`
            : (['mercurius-jit', 'naive'] as const)
                .map((name) => {
                  const same = server(c, name)?.sameData[op.name];
                  return same === undefined || same === null ? '–' : same ? 'yes' : '**no**';
                })
                .join(', '),
        ]),
      ),
    ),
  );
  out.push('');

  out.push('## Data-access calls per operation');
  out.push('');
  const counted = run.corpora.filter((c) => c.calls);
  if (counted.length === 1) {
    const only = counted[0] as CorpusRun;
    out.push(`Counted in-process on ${int(only.articles)} articles only (a run of one corpus compares nothing).`);
    out.push('');
    out.push(
      table(
        ['operation', 'batched', 'naive'],
        Object.entries(only.calls ?? {}).map(([name, calls]) => [
          name,
          int(calls.batched.total),
          int(calls.naive.total),
        ]),
      ),
    );
  } else if (counted.length > 1) {
    const [small, large] = [counted[0] as CorpusRun, counted[counted.length - 1] as CorpusRun];
    out.push(
      `Counted in-process (countingSource around a MemoryStore, requests through yoga.fetch; same page sizes), on ` +
        `${counted.map((c) => `${int(c.articles)} articles`).join(' and ')}. Batched: as served; naive: \`batch: false\`.`,
    );
    out.push('');
    const names = Object.keys(large.calls ?? {});
    const differences: string[] = [];
    out.push(
      table(
        [
          'operation',
          `batched, ${int(small.articles)}`,
          `batched, ${int(large.articles)}`,
          'equal',
          `naive, ${int(small.articles)}`,
          `naive, ${int(large.articles)}`,
        ],
        names.map((name) => {
          const a = small.calls?.[name];
          const b = large.calls?.[name];
          const verdict = a && b ? compareCalls(a, b) : null;
          if (a && b && verdict && verdict.kind !== 'equal') {
            const why =
              verdict.kind === 'grows'
                ? `**grows with the corpus** (${verdict.methods.join(', ')})`
                : 'the same calls where both answers need them; the other methods load kinds of objects one answer holds and the other does not (a different answer, not a larger corpus)';
            differences.push(
              `${name}: ${JSON.stringify(a.batched.byMethod)} on ${int(small.articles)} vs ${JSON.stringify(b.batched.byMethod)} on ${int(large.articles)}: ${why}`,
            );
          }
          return [
            name,
            int(a?.batched.total),
            int(b?.batched.total),
            verdict === null
              ? '–'
              : verdict.kind === 'equal'
                ? 'yes'
                : verdict.kind === 'grows'
                  ? '**no**'
                  : 'no (other answer)',
            int(a?.naive.total),
            int(b?.naive.total),
          ];
        }),
      ),
    );
    if (differences.length > 0) {
      out.push('');
      out.push('Where they differ, by method:');
      out.push('');
      for (const d of differences) out.push(`- ${d}`);
    }
  } else {
    out.push('Not counted in this run.');
  }
  out.push('');

  const largest = run.corpora[run.corpora.length - 1];
  if (largest && measuredNewsgraph) out.push(...renderTargets(largest, counted, settings.connections));
  if (run.dashboard && 'skipped' in run.dashboard) {
    out.push('## Dashboard', '', `Not measured in this run: ${run.dashboard.skipped}`, '');
  } else if (run.dashboard) {
    out.push(dashboardMarkdown(run.dashboard));
  }
  return `${out.join('\n')}\n`;
}

/** The targets of the spec, checked on the largest corpus of the run. */
function renderTargets(c: CorpusRun, counted: CorpusRun[], connections: number[]): string[] {
  const out: string[] = [];
  const rows: string[][] = [];
  const check = (target: string, measured: string, met: boolean | null) =>
    rows.push([target, measured, met === null ? '–' : met ? 'yes' : '**no**']);
  check('start-up under 15 s', `${fixed(c.startup.readyMs / 1000, 1)} s`, c.startup.readyMs < 15_000);
  const rss = c.startup.rssBytes;
  check(
    'RSS under 2.5 GB',
    rss === null
      ? '–'
      : `${fixed(rss / 1024 ** 3, 2)} GB (peak ${fixed((c.startup.peakRssBytes ?? 0) / 1024 ** 3, 2)} GB)`,
    rss === null ? null : rss < 2.5 * 1024 ** 3,
  );
  if (connections.includes(1)) {
    const slow = c.operations
      .map((op) => ({ op: op.name, p99: result(c, 'newsgraph', op.name, 1)?.p99Ms ?? Number.NaN }))
      .filter((x) => !(x.p99 < 15));
    const worst = Math.max(...c.operations.map((op) => result(c, 'newsgraph', op.name, 1)?.p99Ms ?? Number.NaN));
    check(
      'p99 under 15 ms for every operation at concurrency 1',
      slow.length === 0
        ? `worst ${ms(worst)} ms`
        : slow.map((x) => `${x.op} ${ms(x.p99)} ms (${fixed(x.p99 / 15, 1)}×)`).join(', '),
      slow.length === 0,
    );
  }
  if (connections.includes(16)) {
    const slow = c.operations
      .filter((op) => AGGREGATES.includes(op.name))
      .map((op) => ({ op: op.name, p99: result(c, 'newsgraph', op.name, 16)?.p99Ms ?? Number.NaN }))
      .filter((x) => !(x.p99 < 50));
    check(
      'p99 under 50 ms for search and the aggregates at concurrency 16',
      slow.length === 0
        ? 'all under'
        : slow.map((x) => `${x.op} ${ms(x.p99)} ms (${fixed(x.p99 / 50, 1)}×)`).join(', '),
      slow.length === 0,
    );
  }
  for (const target of REQUEST_PATH_TARGETS) {
    const summary = targetSummary(c, target, connections);
    if (summary)
      check(`${target.title} (every operation, concurrency ${connections.join(' and ')})`, summary.text, summary.met);
  }
  if (counted.length >= 2) {
    const small = counted[0] as CorpusRun;
    const large = counted[counted.length - 1] as CorpusRun;
    const grows = Object.keys(large.calls ?? {}).filter((name) => {
      const a = small.calls?.[name];
      const b = large.calls?.[name];
      return a && b && compareCalls(a, b).kind === 'grows';
    });
    const other = Object.keys(large.calls ?? {}).filter((name) => {
      const a = small.calls?.[name];
      const b = large.calls?.[name];
      return a && b && compareCalls(a, b).kind === 'other-answer';
    });
    check(
      'data-access calls per operation independent of corpus size',
      grows.length > 0
        ? `grow for ${grows.join(', ')}`
        : `never grow${other.length > 0 ? ` (${other.join(', ')}: other kinds of objects in the answer)` : ''}`,
      grows.length === 0,
    );
  }
  out.push(`## Targets (at ${int(c.articles)} articles)`);
  out.push('');
  out.push(table(['target', 'measured', 'met'], rows));
  out.push('');
  out.push(
    'What bounds a target missed, with profiles: [ANALYSIS.md](ANALYSIS.md) (written by hand for a given run: check its date).',
  );
  out.push('');
  return out;
}

/** The section of bench/RESULTS.md. */
export function dashboardMarkdown(run: DashboardRun): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const total = run.bundle.reduce(
    (sum, file) => ({ bytes: sum.bytes + file.bytes, gzip: sum.gzip + file.gzip, brotli: sum.brotli + file.brotli }),
    { bytes: 0, gzip: 0, brotli: 0 },
  );
  const lines = [
    '## Dashboard',
    '',
    `Time to a fully drawn dashboard on ${run.articles.toLocaleString('en-US')} generated articles (bench/dashboard.ts): ` +
      'headless Chromium opens /dashboard with no state in the URL, in a fresh browser context each time, and the ' +
      'time runs from navigation to every panel drawn (stats, timeline canvas, rankings, network SVG, evidence with ' +
      'its highlighted article). The first visit is also the server\u2019s first after start-up (its response cache ' +
      `empty); the others find it warm. Ended at \`${run.url}\`.`,
    '',
    '| visit | drawn (ms) | requests | of which GraphQL | response bytes |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...run.visits.map(
      (visit, i) =>
        `| ${i === 0 ? '1 (server cold)' : String(i + 1)} | ${visit.drawnMs.toFixed(0)} | ${visit.requests} | ${visit.graphqlRequests} | ${visit.responseBytes.toLocaleString('en-US')} |`,
    ),
    '',
    `Cold: ${run.coldMs.toFixed(0)} ms; warm median: ${run.warmMedianMs.toFixed(0)} ms.`,
    '',
    '| file | raw | gzip | brotli |',
    '| --- | ---: | ---: | ---: |',
    ...run.bundle.map((file) => `| ${file.file} | ${kb(file.bytes)} | ${kb(file.gzip)} | ${kb(file.brotli)} |`),
    `| total | ${kb(total.bytes)} | ${kb(total.gzip)} | ${kb(total.brotli)} |`,
    '',
  ];
  return lines.join('\n');
}

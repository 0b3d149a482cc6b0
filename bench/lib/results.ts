/** The shape of bench/results/<date>.json: every raw number of one run. */
import type { LoadResult } from './load.js';
import type { CorpusFacts } from './operations.js';

export type ServerName = 'newsgraph' | 'uncached' | 'physical-json' | 'physical-string' | 'mercurius-jit' | 'naive';

export const SERVER_NAMES: readonly ServerName[] = [
  'newsgraph',
  'uncached',
  'physical-json',
  'physical-string',
  'mercurius-jit',
  'naive',
];

export const SERVER_LABELS: Record<ServerName, string> = {
  newsgraph: 'newsgraph',
  uncached: 'newsgraph, response cache off',
  'physical-json': 'physical limit (JSON.stringify)',
  'physical-string': 'physical limit (pre-serialized)',
  'mercurius-jit': 'mercurius + graphql-jit',
  naive: 'naive newsgraph (BATCH=false)',
};

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  platform: string;
  release: string;
  arch: string;
}

export interface StartupRun {
  /** From spawn to the "serving" log line. */
  readyMs: number;
  rssBytes: number | null;
  peakRssBytes: number | null;
}

export interface OperationCheck {
  name: string;
  variables: Record<string, unknown>;
  /** newsgraph's computed cost and its limit (extensions.cost). */
  cost: number | null;
  costLimit: number;
  /** Bytes of newsgraph's response body. */
  responseBytes: number | null;
  /** Why the operation was left out of this corpus (an error, over the cost limit, a crash), or null. */
  error: string | null;
}

export interface ServerRun {
  server: ServerName;
  /** Spawn to ready, in ms; `loadMs` is the corpus load measured inside the process, where it reports one. */
  readyMs: number;
  loadMs: number | null;
  /** True when the server was started while other references loaded the same corpus (its readyMs is then contended). */
  loadedConcurrently: boolean;
  rssBytes: number | null;
  peakRssBytes: number | null;
  /** Per operation: whether its answer's data equals newsgraph's (null when not compared). */
  sameData: Record<string, boolean | null>;
  /** Content hash of src/ when the process was started: others may edit the source during a run. */
  sourceHash?: string | null;
  /** CPU used by the other (idle) children while this server was measured, in ms. */
  idleSiblingsCpuMs: number | null;
  /** Per operation, per concurrency ("c1", "c16"): the measurement. */
  results: Record<string, Record<string, LoadResult>>;
}

/** This tree's newsgraph and a baseline checkout's, both with the response cache off, measured in turns. */
export interface SideBySide {
  ours: { label: string; commit: string | null; readyMs: number; rssBytes: number | null };
  baseline: { label: string; directory: string; commit: string | null; readyMs: number; rssBytes: number | null };
  /** Measurements of each server per operation and concurrency (in turns: ours, baseline, baseline, ours, ...). */
  rounds: number;
  /** Per operation: whether the baseline's answer's data equals ours. */
  sameData: Record<string, boolean | null>;
  /** Per operation, per concurrency ("c1", "c16"): each round's measurement of each. */
  results: Record<string, Record<string, { ours: LoadResult[]; baseline: LoadResult[] }>>;
}

/** The suffix of a run's results file: `-quick` for a smoke run, `-side-by-side` for a run with a baseline. */
export function resultsSuffix(settings: BenchRun['settings']): string {
  return `${settings.quick ? '-quick' : ''}${settings.baseline ? '-side-by-side' : ''}`;
}

export interface CallCount {
  total: number;
  byMethod: Record<string, number>;
}

export interface OperationCalls {
  batched: CallCount;
  naive: CallCount;
}

export interface CorpusRun {
  /** Articles in the corpus. */
  articles: number;
  label: string;
  directory: string;
  facts: CorpusFacts;
  startup: {
    runs: StartupRun[];
    /** Medians over the runs. */
    readyMs: number;
    rssBytes: number | null;
    peakRssBytes: number | null;
  };
  operations: OperationCheck[];
  servers: ServerRun[];
  /** Data-access calls per operation on this corpus, when counted here. */
  calls: Record<string, OperationCalls> | null;
  /** With --baseline: this tree against the baseline checkout. */
  sideBySide?: SideBySide | null;
}

export interface BenchRun {
  date: string;
  /** How the run was started. */
  command: string;
  /** The commit checked out when the run started, and whether the working tree had changes. */
  git?: { commit: string | null; dirty: boolean | null };
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  /** os.loadavg() (1, 5, 15 min) when the run started and when it ended: other work on the machine. */
  loadAverage: { start: number[]; end: number[] };
  settings: {
    sizes: number[];
    warmupSeconds: number;
    durationSeconds: number;
    connections: number[];
    startupRuns: Record<string, number>;
    maxOldSpaceSizeMb: number;
    quietWaitSeconds: number;
    newsgraphArgs: string[];
    quick: boolean;
    /** The servers measured (--servers), and the baseline checkout (--baseline) with its rounds. */
    servers?: string[];
    baseline?: { directory: string; rounds: number } | null;
  };
  corpora: CorpusRun[];
  /** Sizes whose data-access calls are compared (smallest and largest run). */
  callsCompared: number[];
}

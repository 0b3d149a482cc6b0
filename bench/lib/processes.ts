/**
 * Child processes of the benchmark: every server (newsgraph, the references) runs in its own process, started
 * here and stopped by its own pid. A child's stdout and stderr go to a log file, not to a pipe, so a server
 * that logs every request costs the bench process nothing while it measures; readiness is read from that file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface ReadyLine {
  url: string;
  /** The whole JSON line that announced readiness. */
  line: Record<string, unknown>;
}

export interface StartOptions {
  /** For messages: "newsgraph", "mercurius+jit", ... */
  name: string;
  /** Arguments to node (flags, then the script and its arguments). */
  nodeArgs: string[];
  env?: NodeJS.ProcessEnv;
  /** The directory it runs in (default: this repository; a baseline checkout runs in its own). */
  cwd?: string;
  logFile: string;
  /** Given each JSON line the child writes; returns the URL it serves once the line says it is ready. */
  readyWhen: (line: Record<string, unknown>) => string | null;
  timeoutMs: number;
}

export interface RunningChild {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  ready: Promise<ReadyLine & { readyMs: number }>;
  exited: Promise<number | null>;
}

const live = new Set<RunningChild>();

/** The children still running. */
export function liveChildren(): RunningChild[] {
  return [...live];
}

/** Kills every child still running (by its pid) when the bench exits or is interrupted. */
export function killChildrenOnExit(): void {
  const killAll = () => {
    for (const running of live) {
      try {
        process.kill(running.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/**
 * Spawns `node ...nodeArgs` and resolves `ready` when the child writes the line `readyWhen` accepts, with the
 * milliseconds from spawn to that line (the log file is polled every 2 ms).
 */
export function startChild(options: StartOptions): RunningChild {
  const out = openSync(options.logFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, options.nodeArgs, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${options.name}: could not spawn node`);
  const pid = child.pid;

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    live.delete(running);
  });

  const ready = new Promise<ReadyLine & { readyMs: number }>((resolve, reject) => {
    const reader = openSync(options.logFile, 'r');
    const buffer = Buffer.alloc(1 << 16);
    let offset = 0;
    let pending = '';
    const finish = (error: Error | null, value?: ReadyLine & { readyMs: number }) => {
      clearInterval(timer);
      closeSync(reader);
      if (error) reject(error);
      else if (value) resolve(value);
    };
    const timer = setInterval(() => {
      let read = readSync(reader, buffer, 0, buffer.length, offset);
      while (read > 0) {
        offset += read;
        pending += buffer.toString('utf8', 0, read);
        read = readSync(reader, buffer, 0, buffer.length, offset);
      }
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) {
        if (!text.startsWith('{')) continue;
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          continue;
        }
        const url = options.readyWhen(line);
        if (url) {
          finish(null, { url, line, readyMs: performance.now() - started });
          return;
        }
      }
      if (hasExited) {
        finish(new Error(`${options.name} exited before it was ready:\n${tail(options.logFile)}`));
      } else if (performance.now() - started > options.timeoutMs) {
        stopChild(running, 0);
        finish(new Error(`${options.name} was not ready after ${options.timeoutMs} ms:\n${tail(options.logFile)}`));
      }
    }, 2);
  });

  const running: RunningChild = { name: options.name, child, pid, logFile: options.logFile, ready, exited };
  live.add(running);
  return running;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(running: RunningChild, graceMs = 5_000): Promise<void> {
  if (!live.has(running)) return;
  try {
    process.kill(running.pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(running.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await running.exited;
  clearTimeout(timer);
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no output)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') || '(no output)';
}

export interface Memory {
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes: number;
}

/** From /proc/<pid>/status (Linux); null elsewhere. */
export function memoryOf(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssBytes: kb('VmRSS') * 1024, peakRssBytes: kb('VmHWM') * 1024 };
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every Linux architecture node runs on). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system, all threads) the process has used, in ms, from /proc/<pid>/stat; null elsewhere. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** CPU time all processes of the machine have used (user, nice, system, irq, softirq, steal), in ms; null off Linux. */
export function machineBusyMsOf(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, n) => sum + (n ?? 0), 0);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** The arguments (after node's own flags) that start the real server on a corpus, on a free port, logging requests. */
export function serverArgs(directory: string): string[] {
  return [
    '--import',
    'tsx',
    'src/main.ts',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--data',
    directory,
    '--log-level',
    'info',
    // The load comes from one address, far over any per-client budget: the bench measures the server, not it.
    '--rate-limit',
    'false',
  ];
}

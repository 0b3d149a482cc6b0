/**
 * Load generation with autocannon: keep-alive connections, one request in flight per connection (no
 * pipelining), the same JSON POST over and over. Latencies are collected exactly from autocannon's response
 * events (its own histogram has 1 ms resolution, too coarse for sub-millisecond answers).
 */
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuMsOf, machineBusyMsOf } from './processes.js';

export interface LoadResult {
  connections: number;
  /** Seconds the run lasted. */
  seconds: number;
  /** Responses with the expected status (2xx, or the target's `status`). */
  responses: number;
  /** Those responses per second. */
  rps: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Connection errors, timeouts and responses with another status than expected (all should be 0). */
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Bytes per response, headers included (from autocannon's throughput). */
  bytesPerResponse: number | null;
  /** CPU time the server process used during the run, in ms, and per response (null when unknown). */
  serverCpuMs: number | null;
  serverCpuMsPerResponse: number | null;
  /**
   * Cores kept busy during the run by everything but the server and the bench process (the load generator):
   * other work on the machine, which distorts the figures when it is not near 0.
   */
  foreignCores: number | null;
}

export interface LoadTarget {
  url: string;
  /** The JSON request body of a POST (the default); absent for a GET. */
  body?: string;
  /** GET (with `headers`, such as If-None-Match) instead of a JSON POST. */
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** The status every response must have (default: any 2xx), such as 304 for revalidations. */
  status?: number;
  /** The server's pid, for its CPU time. */
  pid: number;
}

function percentile(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? null;
}

export function runLoad(target: LoadTarget, connections: number, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let latencies = new Float64Array(1 << 16);
    let count = 0;
    const cpuBefore = cpuMsOf(target.pid);
    const machineBefore = machineBusyMsOf();
    const selfBefore = process.cpuUsage();
    const started = performance.now();
    const method = target.method ?? 'POST';
    const expected = (status: number) =>
      target.status === undefined ? status >= 200 && status < 300 : status === target.status;
    let wrongStatus = 0;
    const instance = autocannon(
      {
        url: target.url,
        method,
        headers: method === 'POST' ? { 'content-type': 'application/json', ...target.headers } : { ...target.headers },
        ...(method === 'POST' ? { body: target.body } : {}),
        connections,
        pipelining: 1,
        duration: seconds,
        // The run stops at the first sample after `duration`: sample often so it stops on time.
        sampleInt: 100,
        timeout: 30,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const cpuAfter = cpuMsOf(target.pid);
        const machineAfter = machineBusyMsOf();
        const self = process.cpuUsage(selfBefore);
        const wallMs = performance.now() - started;
        const sorted = latencies.slice(0, count).sort();
        const serverCpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
        resolve({
          connections,
          seconds: result.duration,
          responses: count,
          rps: count / result.duration,
          p50Ms: percentile(sorted, 0.5),
          p90Ms: percentile(sorted, 0.9),
          p99Ms: percentile(sorted, 0.99),
          maxMs: sorted.length > 0 ? (sorted[sorted.length - 1] ?? null) : null,
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: wrongStatus,
          bytesPerResponse: result.requests.total > 0 ? result.throughput.total / result.requests.total : null,
          serverCpuMs,
          serverCpuMsPerResponse: serverCpuMs === null || count === 0 ? null : serverCpuMs / count,
          foreignCores:
            machineBefore === null || machineAfter === null || serverCpuMs === null
              ? null
              : Math.max(0, machineAfter - machineBefore - serverCpuMs - (self.user + self.system) / 1000) / wallMs,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (!expected(statusCode)) {
        wrongStatus++;
        return;
      }
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTimeMs;
    });
  });
}

/**
 * `node --import tsx bench/profile-server.ts DIR OPERATION SECONDS CONNECTIONS PROFILE_DIR [-- SERVER FLAGS]`:
 * starts the real server (src/main.ts) on DIR with `--cpu-prof`, warms it up for 1 s at 16 connections, loads it
 * with one operation of bench/operations/ for SECONDS at CONNECTIONS, prints rps, CPU per response and p99, and
 * stops it: the CPU profile (start-up included) is written to PROFILE_DIR when it exits. Flags after `--` go to
 * the server (`-- --response-cache-max-entries 0`). Used for bench/ANALYSIS.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLoad } from './lib/load.js';
import { readOperations, requestBody, resolveFacts, variablesFor } from './lib/operations.js';
import { buildServer, serverArgs } from './lib/processes.js';

const separator = process.argv.indexOf('--', 2);
const [directory, operationName, seconds, connections, profileDir] = process.argv.slice(
  2,
  separator === -1 ? undefined : separator,
);
const serverFlags = separator === -1 ? [] : process.argv.slice(separator + 1);
if (!directory || !operationName || !seconds || !connections || !profileDir) {
  console.error('usage: bench/profile-server.ts DIR OPERATION SECONDS CONNECTIONS PROFILE_DIR');
  process.exit(2);
}
const operation = readOperations().find((o) => o.name === operationName);
if (!operation) {
  console.error(`no operation ${operationName} in bench/operations/`);
  process.exit(2);
}
buildServer();
const logFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'newsgraph-profile-')), 'server.log');
const log = openSync(logFile, 'w');
const server = spawn(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`, ...serverArgs(path.resolve(directory)), ...serverFlags],
  { stdio: ['ignore', log, log] },
);
const url = await new Promise<string>((resolve, reject) => {
  const poll = setInterval(() => {
    const match = /"url":"(http:[^"]+)"/.exec(readFileSync(logFile, 'utf8'));
    if (match?.[1]) {
      clearInterval(poll);
      resolve(match[1]);
    }
  }, 200);
  server.once('exit', (code) => {
    clearInterval(poll);
    reject(new Error(`the server exited with ${code} before serving: see ${logFile}`));
  });
});
const body = requestBody(operation, variablesFor(operation.name, await resolveFacts(url)));
const pid = server.pid as number;
await runLoad({ url, body, pid }, 16, 1);
const result = await runLoad({ url, body, pid }, Number(connections), Number(seconds));
console.log(
  `${operation.name}: ${result.rps.toFixed(0)} rps, ${result.serverCpuMsPerResponse?.toFixed(3)} ms CPU per response, p99 ${result.p99Ms} ms`,
);
server.kill('SIGINT');
await new Promise((resolve) => server.once('exit', resolve));

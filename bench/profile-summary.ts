/**
 * `node --import tsx bench/profile-summary.ts PROFILE.cpuprofile [--last SECONDS] [--responses N] [--top N]`:
 * where a CPU profile of the server (bench/profile-server.ts) spends its time, over its last SECONDS (the load,
 * without the start-up): self time by module (a package of node_modules, a file of src/, node's internals, the
 * garbage collector), the functions with the most self time, and the inclusive time of the request path's stages
 * (the frames named in STAGES). With --responses (the responses served in that window), per response. Used for
 * bench/ANALYSIS.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { last: { type: 'string' }, responses: { type: 'string' }, top: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: profile-summary.ts PROFILE.cpuprofile [--last SECONDS] [--responses N] [--top N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const lastUs = values.last ? Number(values.last) * 1e6 : Number.POSITIVE_INFINITY;
const responses = values.responses ? Number(values.responses) : null;
const top = values.top ? Number(values.top) : 25;

/**
 * Stages of the request path, by a frame on the stack (the first frame that matches, from the root, counts the
 * sample once): what each costs inclusive of what it calls.
 */
const STAGES: [string, (frame: CallFrame) => boolean][] = [
  ['node:http parser and socket (outside JS handlers)', (f) => f.functionName === 'parserOnHeadersComplete'],
  ['access log (pino)', (f) => f.url.includes('/pino/') || f.url.includes('/sonic-boom/')],
  ['metrics (prom-client)', (f) => f.url.includes('/prom-client/') || f.url.includes('plugin-prometheus')],
  ['replay cache', (f) => f.url.includes('replay-cache')],
  ['graphql-jit compiled query', (f) => f.url === '' && f.functionName.startsWith('query')],
  ['graphql-js execute', (f) => f.url.includes('/graphql/execution/')],
  ['graphql validate', (f) => f.url.includes('/graphql/validation/')],
  ['graphql parse', (f) => f.url.includes('/graphql/language/')],
];

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

/** Microseconds of samples per node, within the window. */
const selfUs = new Map<number, number>();
let time = profile.startTime;
const windowStart = profile.endTime - lastUs;
let windowUs = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  time += delta;
  if (time < windowStart) continue;
  const id = profile.samples[i] as number;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  windowUs += delta;
}

function moduleOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return '(program: native, outside JS)';
  if (url === '') return functionName.startsWith('query') ? '(graphql-jit compiled)' : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 14).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return path.basename(url);
}

const bySelf = new Map<string, number>();
const byFunction = new Map<string, number>();
const byStage = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id) as ProfileNode;
  const module = moduleOf(node.callFrame);
  bySelf.set(module, (bySelf.get(module) ?? 0) + us);
  const name = `${node.callFrame.functionName || '(anonymous)'} ${module}:${node.callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  // The stack from the root: the first stage that matches takes the sample.
  const stack: CallFrame[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    stack.push((byId.get(at) as ProfileNode).callFrame);
  }
  stack.reverse();
  for (const [stage, matches] of STAGES) {
    if (stack.some(matches)) {
      byStage.set(stage, (byStage.get(stage) ?? 0) + us);
      break;
    }
  }
}

const busyUs = windowUs - (bySelf.get('(idle)') ?? 0);
const unit = responses ? 'µs/response' : 'ms';
const figure = (us: number) => (responses ? (us / responses).toFixed(1) : (us / 1000).toFixed(0));
const share = (us: number) => `${((100 * us) / busyUs).toFixed(1)}%`;
const table = (title: string, rows: [string, number][]) => {
  console.log(`\n${title} (${unit}, share of busy time)`);
  for (const [name, us] of rows) console.log(`  ${figure(us).padStart(8)}  ${share(us).padStart(6)}  ${name}`);
};
console.log(
  `${path.basename(file)}: last ${(windowUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(2)} s${responses ? `, ${responses} responses: ${(busyUs / responses).toFixed(1)} µs busy per response` : ''}`,
);
const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
table(
  'Self time by module',
  sorted(bySelf).filter(([name]) => name !== '(idle)'),
);
table('Stages (inclusive)', sorted(byStage));
table(`Top ${top} functions by self time`, sorted(byFunction).slice(0, top));

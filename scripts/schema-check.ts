/**
 * `npm run schema:check`: compares schema.graphql with its version at a base git revision and fails on
 * breaking changes, the ones that can break a client already written against the base.
 *
 *   npm run schema:check                          base HEAD~1, against the working tree's schema.graphql
 *   npm run schema:check -- --base origin/main    another base revision
 *   npm run schema:check -- --old a.graphql [--new b.graphql]   two files, no git
 *   npm run schema:check -- --report-only         print the changes, never fail on them
 *
 * Exit codes: 0 no breaking change (or --report-only, or the base has no schema.graphql: first commit,
 * shallow clone); 1 breaking changes; 2 bad usage or a schema that does not parse.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

const ROOT = path.resolve(import.meta.dirname, '..');
export const SCHEMA_FILE = path.join(ROOT, 'schema.graphql');
export const DEFAULT_BASE = 'HEAD~1';

/** Criticality levels, most severe first: the order changes are printed in. */
export const LEVELS = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking] as const;

/** Every change from `oldSdl` to `newSdl`, as graphql-inspector classifies it. Throws if either does not build. */
export async function diffSchemas(oldSdl: string, newSdl: string): Promise<Change[]> {
  return diff(buildSchema(oldSdl), buildSchema(newSdl));
}

/** The changes grouped by criticality, every level present (possibly empty), most severe first. */
export function groupChanges(changes: Change[]): Map<CriticalityLevel, Change[]> {
  const groups = new Map<CriticalityLevel, Change[]>(LEVELS.map((level) => [level, []]));
  for (const change of changes) groups.get(change.criticality.level)?.push(change);
  return groups;
}

/** A human-readable report: every change with its message and path, under its criticality. */
export function formatReport(changes: Change[], from: string, to: string): string {
  if (changes.length === 0) return `No schema changes from ${from} to ${to}.`;
  const groups = groupChanges(changes);
  const lines = [
    `${changes.length} schema change${changes.length === 1 ? '' : 's'} from ${from} to ${to}: ` +
      LEVELS.map((level) => `${groups.get(level)?.length ?? 0} ${level}`).join(', '),
  ];
  for (const level of LEVELS) {
    const group = groups.get(level) ?? [];
    if (group.length === 0) continue;
    lines.push('', `${level} (${group.length})`);
    for (const change of group) {
      const reason = change.criticality.reason ? ` — ${change.criticality.reason}` : '';
      lines.push(`  - ${change.message}${change.path ? `  [${change.path}]` : ''}${reason}`);
    }
  }
  return lines.join('\n');
}

/** schema.graphql at `revision`, or null (with the reason) when the revision or the file is not there. */
export function schemaAtRevision(
  revision: string,
  cwd = ROOT,
): { sdl: string; missing?: undefined } | { sdl?: undefined; missing: string } {
  try {
    // `./` makes the path relative to `cwd` rather than to the top of the repository.
    const sdl = execFileSync('git', ['show', `${revision}:./schema.graphql`], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    return { sdl };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    return { missing: stderr || (error as Error).message };
  }
}

export interface CheckIo {
  log(message: string): void;
  error(message: string): void;
}

const USAGE = 'Usage: npm run schema:check -- [--base REV | --old FILE] [--new FILE] [--report-only]';

/** The command line: prints the report and returns the exit code. */
export async function runSchemaCheck(argv: string[], io: CheckIo = console): Promise<number> {
  let options: { base?: string; old?: string; new?: string; 'report-only'?: boolean };
  try {
    ({ values: options } = parseArgs({
      args: argv,
      options: {
        base: { type: 'string' },
        old: { type: 'string' },
        new: { type: 'string' },
        'report-only': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options.base !== undefined && options.old !== undefined) {
    io.error(`give --base or --old, not both\n${USAGE}`);
    return 2;
  }

  let oldSdl: string;
  let from: string;
  if (options.old !== undefined) {
    try {
      oldSdl = readFileSync(options.old, 'utf8');
    } catch (error) {
      io.error(`cannot read --old ${options.old}: ${(error as Error).message}`);
      return 2;
    }
    from = options.old;
  } else {
    const base = options.base ?? DEFAULT_BASE;
    const atBase = schemaAtRevision(base);
    if (atBase.missing !== undefined) {
      io.log(`No schema.graphql at ${base} to compare with (first commit or shallow clone?): ${atBase.missing}`);
      io.log('Nothing to check.');
      return 0;
    }
    oldSdl = atBase.sdl;
    from = `${base}:schema.graphql`;
  }

  const newFile = options.new ?? SCHEMA_FILE;
  let newSdl: string;
  try {
    newSdl = readFileSync(newFile, 'utf8');
  } catch (error) {
    io.error(`cannot read ${newFile}: ${(error as Error).message}`);
    return 2;
  }
  const to = options.new ?? 'the working tree';

  let changes: Change[];
  try {
    changes = await diffSchemas(oldSdl, newSdl);
  } catch (error) {
    io.error(`cannot compare the schemas: ${(error as Error).message}`);
    return 2;
  }
  io.log(formatReport(changes, from, to));

  const breaking = changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking).length;
  if (breaking === 0) return 0;
  if (options['report-only']) {
    io.log(`\n${breaking} breaking change${breaking === 1 ? '' : 's'} (reported only: --report-only).`);
    return 0;
  }
  io.error(
    `\n${breaking} breaking change${breaking === 1 ? '' : 's'}: clients written against ${from} may fail. ` +
      'Keep the old fields (deprecate them instead), or pass --report-only to report without failing.',
  );
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await runSchemaCheck(process.argv.slice(2));
}

/** `npm run schema:check`: breaking changes of schema.graphql are found, classified, and fail the check. */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CriticalityLevel } from '@graphql-inspector/core';
import { describe, expect, it } from 'vitest';
import { diffSchemas, formatReport, runSchemaCheck } from '../scripts/schema-check.js';

const ROOT = path.resolve(import.meta.dirname, '..');

const BASE = `
"""The entry points."""
type Query {
  """One person by slug."""
  person(
    """Slug of the person."""
    slug: String!
  ): Person
}

"""A person."""
type Person {
  """The name."""
  name: String!

  """Citizenships."""
  nationalities: [String!]!
}
`;

const FIELD_REMOVED = BASE.replace('\n  """Citizenships."""\n  nationalities: [String!]!\n', '');
const OPTIONAL_ARGUMENT_ADDED = BASE.replace(
  '    slug: String!\n',
  '    slug: String!\n\n    """Language of the answer."""\n    locale: String\n',
);
const FIELD_ADDED = BASE.replace(
  '  name: String!\n',
  '  name: String!\n\n  """Other names."""\n  aliases: [String!]\n',
);

function levels(changes: Awaited<ReturnType<typeof diffSchemas>>) {
  return changes.map((change) => ({ level: change.criticality.level, path: change.path }));
}

describe('diffSchemas', () => {
  it('finds no change between identical schemas', async () => {
    expect(await diffSchemas(BASE, BASE)).toEqual([]);
    expect(formatReport([], 'a', 'b')).toBe('No schema changes from a to b.');
  });

  it('classifies removing a field as BREAKING', async () => {
    const changes = await diffSchemas(BASE, FIELD_REMOVED);
    expect(levels(changes)).toEqual([{ level: CriticalityLevel.Breaking, path: 'Person.nationalities' }]);
    expect(changes[0]?.message).toBe("Field 'nationalities' was removed from object type 'Person'");
  });

  it('does not classify adding an optional argument as BREAKING (graphql-inspector says DANGEROUS)', async () => {
    // graphql-inspector 8 marks an optional argument added to an existing field DANGEROUS, not
    // NON_BREAKING: queries keep working, but the field may answer differently once the argument is used.
    const changes = await diffSchemas(BASE, OPTIONAL_ARGUMENT_ADDED);
    expect(levels(changes)).toEqual([{ level: CriticalityLevel.Dangerous, path: 'Query.person.locale' }]);
  });

  it('classifies adding a nullable field as NON_BREAKING', async () => {
    const changes = await diffSchemas(BASE, FIELD_ADDED);
    expect(changes.map((change) => change.criticality.level)).toEqual(changes.map(() => CriticalityLevel.NonBreaking));
    expect(levels(changes)).toContainEqual({ level: CriticalityLevel.NonBreaking, path: 'Person.aliases' });
  });

  it('reports every change under its criticality, most severe first', async () => {
    const both = FIELD_REMOVED.replace(
      '    slug: String!\n',
      '    slug: String!\n\n    """Language of the answer."""\n    locale: String\n',
    ).replace('  name: String!\n', '  name: String!\n\n  """Other names."""\n  aliases: [String!]\n');
    const report = formatReport(await diffSchemas(BASE, both), 'old', 'new');
    const breaking = report.indexOf('BREAKING (1)');
    const dangerous = report.indexOf('DANGEROUS (1)');
    const nonBreaking = report.indexOf('NON_BREAKING (');
    expect(breaking).toBeGreaterThan(-1);
    expect(dangerous).toBeGreaterThan(breaking);
    expect(nonBreaking).toBeGreaterThan(dangerous);
    expect(report.slice(breaking, dangerous)).toContain("Field 'nationalities' was removed from object type 'Person'");
    expect(report.slice(dangerous, nonBreaking)).toContain("Argument 'locale: String' added to field 'Query.person'");
    expect(report.slice(nonBreaking)).toContain("Field 'aliases' was added to object type 'Person'");
  });
});

/** Runs the real script as `npm run schema:check -- ARGS` would, and returns its exit code and output. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/schema-check.ts', ...args],
      { cwd: ROOT },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function schemaFiles(): Promise<Record<'base' | 'removed' | 'added', string>> {
  const directory = await mkdtemp(path.join(tmpdir(), 'newsgraph-schema-check-'));
  const files = {
    base: path.join(directory, 'base.graphql'),
    removed: path.join(directory, 'removed.graphql'),
    added: path.join(directory, 'added.graphql'),
  };
  await writeFile(files.base, BASE);
  await writeFile(files.removed, FIELD_REMOVED);
  await writeFile(files.added, FIELD_ADDED);
  return files;
}

describe('npm run schema:check', () => {
  it('exits 1 on a breaking change, naming it', async () => {
    const files = await schemaFiles();
    const { code, stdout, stderr } = await cli(['--old', files.base, '--new', files.removed]);
    expect(code).toBe(1);
    expect(stdout).toContain('BREAKING (1)');
    expect(stdout).toContain("Field 'nationalities' was removed from object type 'Person'");
    expect(stderr).toContain('1 breaking change');
  });

  it('exits 0 on the same breaking change with --report-only, still reporting it', async () => {
    const files = await schemaFiles();
    const { code, stdout } = await cli(['--old', files.base, '--new', files.removed, '--report-only']);
    expect(code).toBe(0);
    expect(stdout).toContain("Field 'nationalities' was removed from object type 'Person'");
  });

  it('exits 0 when nothing breaks', async () => {
    const files = await schemaFiles();
    const { code, stdout } = await cli(['--old', files.base, '--new', files.added]);
    expect(code).toBe(0);
    expect(stdout).toContain('NON_BREAKING (');
  });

  it('exits 0 when the base revision does not exist (first commit, shallow clone), saying so', async () => {
    const { code, stdout } = await cli(['--base', 'no-such-revision-0123456789']);
    expect(code).toBe(0);
    expect(stdout).toContain('No schema.graphql at no-such-revision-0123456789');
  });

  it('exits 2 on an unknown option or a schema that does not parse', async () => {
    const files = await schemaFiles();
    expect((await cli(['--bogus'])).code).toBe(2);
    await writeFile(files.added, 'type Query {');
    expect((await cli(['--old', files.base, '--new', files.added])).code).toBe(2);
  });
});

describe('runSchemaCheck', () => {
  it('returns the exit code and prints through the given output', async () => {
    const files = await schemaFiles();
    const out: string[] = [];
    const io = { log: (m: string) => out.push(m), error: (m: string) => out.push(m) };
    expect(await runSchemaCheck(['--old', files.base, '--new', files.removed], io)).toBe(1);
    expect(await runSchemaCheck(['--old', files.base, '--new', files.base], io)).toBe(0);
    expect(await runSchemaCheck(['--old', files.base, '--base', 'HEAD'], io)).toBe(2);
    expect(out.join('\n')).toContain('give --base or --old, not both');
  });
});

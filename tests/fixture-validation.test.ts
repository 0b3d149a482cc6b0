/**
 * The fixture validator: small bad copies of data/ must be rejected with a FixtureError whose
 * problems name the file, the record and the field, and say what is wrong; the two user-facing
 * paths (`npm run validate` and `npm start`) must print those problems and exit non-zero.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixtureError, type FixtureProblem, loadDataset } from '../src/data/load-fixtures.js';
import { DATA_DIR, editedFixtures, restate } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');

type Fixture = Record<string, unknown>;

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

/** editedFixtures, remembering the directory so it is removed afterwards. */
async function fixtures(file: string, edit: (records: Fixture[]) => unknown): Promise<string> {
  const directory = await editedFixtures(file, edit);
  directories.push(directory);
  return directory;
}

/** The record at `index`, failing loudly if the curated data no longer has it. */
function at(records: Fixture[], index: number, slug?: string): Fixture {
  const record = records[index];
  if (!record) throw new Error(`fixture has no record [${index}]`);
  if (slug !== undefined && record.slug !== slug)
    throw new Error(`record [${index}] is "${record.slug}", not "${slug}"`);
  return record;
}

/** Loads `directory`, which must be rejected with a FixtureError; returns its problems. */
async function problemsOf(directory: string): Promise<FixtureProblem[]> {
  const error = await loadDataset(directory).then(
    () => new Error('loadDataset accepted the bad fixtures'),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(FixtureError);
  expect((error as FixtureError).directory).toBe(directory);
  return (error as FixtureError).problems;
}

/**
 * A record that fails its schema is left out of the dataset, so relationships naming it also
 * report an unknown end; these tests look at the problems of the edited file only.
 */
function problemsIn(problems: FixtureProblem[], file: string): FixtureProblem[] {
  return problems.filter((p) => p.file === file);
}

function problem(file: string, record: string | null, field: string | null, message: RegExp) {
  return { file, record, field, message: expect.stringMatching(message) };
}

const evidence = (article: string, quote: string) => [{ article, quote }];
const PERU_ARTICLE = 'irans-alleged-terror-plot-in-peru';
const LIMA_ARTICLE = 'foiling-lima-terror-plot-arrest-of-majid-azizi';

describe('the curated data in data/', () => {
  it('loads with no problems', async () => {
    const data = await loadDataset(DATA_DIR);
    expect(data.articles).toHaveLength(2);
    expect(data.persons).toHaveLength(9);
    expect(data.organizations).toHaveLength(13);
    expect(data.events).toHaveLength(7);
    expect(data.affiliations).toHaveLength(6);
    expect(data.participations).toHaveLength(11);
    expect(data.involvements).toHaveLength(9);
    expect(data.organizationRelations).toHaveLength(5);
    expect(data.eventRelations).toHaveLength(6);
    expect(data.mentions.length).toBeGreaterThan(50);
  });

  it('has a stable hex version that changes when a fixture changes', async () => {
    const first = await loadDataset(DATA_DIR);
    const second = await loadDataset(DATA_DIR);
    expect(first.version).toMatch(/^[0-9a-f]{16}$/);
    expect(second.version).toBe(first.version);

    // The same bytes in another directory: the version depends on content only.
    const original = await readFile(path.join(DATA_DIR, 'persons.json'), 'utf8');
    const copy = await loadDataset(await fixtures('persons.json', () => original));
    expect(copy.version).toBe(first.version);

    const changed = await loadDataset(
      await fixtures('persons.json', (records) => {
        at(records, 2, 'roger-wicker').description = 'US Senator who criticized President Biden.';
      }),
    );
    expect(changed.version).toMatch(/^[0-9a-f]{16}$/);
    expect(changed.version).not.toBe(first.version);
    expect(changed.persons.find((p) => p.slug === 'roger-wicker')?.description).toBe(
      'US Senator who criticized President Biden.',
    );
  });
});

describe('record shape', () => {
  it('reports a missing required field', async () => {
    const problems = await problemsOf(
      await fixtures('persons.json', (records) => {
        delete at(records, 2, 'roger-wicker').nationalities;
      }),
    );
    expect(problems).toEqual([problem('persons.json', '[2] (slug "roger-wicker")', 'nationalities', /required/)]);
  });

  it('reports a missing field of a person with relationships, labelled by slug', async () => {
    const problems = await problemsOf(
      await fixtures('persons.json', (records) => {
        delete at(records, 0, 'majid-azizi').nationalities;
      }),
    );
    expect(problems).toContainEqual(problem('persons.json', '[0] (slug "majid-azizi")', 'nationalities', /required/));
  });

  it('reports a misspelt field as unknown, and the field it should have been as missing', async () => {
    const problems = await problemsOf(
      await fixtures('persons.json', (records) => {
        const record = at(records, 2, 'roger-wicker');
        record.descripton = record.description;
        delete record.description;
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(
      problem('persons.json', '[2] (slug "roger-wicker")', 'descripton', /not a known field/),
    );
    expect(problems).toContainEqual(problem('persons.json', '[2] (slug "roger-wicker")', 'description', /required/));
  });

  it('reports an invalid enum value, listing the allowed ones', async () => {
    const problems = await problemsOf(
      await fixtures('organizations.json', (records) => {
        at(records, 8, 'houthis').kind = 'BANANA';
      }),
    );
    const kind = problems.find((p) => p.file === 'organizations.json' && p.field === 'kind');
    expect(kind).toEqual(problem('organizations.json', '[8] (slug "houthis")', 'kind', /ARMED_GROUP/));
    expect(kind?.message).toMatch(/GOVERNMENT/);
    expect(kind?.message).not.toMatch(/required/);
  });

  it('reports a value of the wrong type as the wrong type, not as missing', async () => {
    const problems = await problemsOf(
      await fixtures('persons.json', (records) => {
        const record = at(records, 2, 'roger-wicker');
        record.aliases = 'Senator Roger Wicker'; // should be an array
        record.description = 42;
      }),
    );
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(problem('persons.json', '[2] (slug "roger-wicker")', 'aliases', /array/));
    expect(problems).toContainEqual(problem('persons.json', '[2] (slug "roger-wicker")', 'description', /string/));
    for (const p of problems) expect(p.message).not.toMatch(/required/);
  });

  it('reports an unknown country code "XX"', async () => {
    const problems = await problemsOf(
      await fixtures('organizations.json', (records) => {
        at(records, 5, 'biden-administration').country = 'XX';
      }),
    );
    expect(problemsIn(problems, 'organizations.json')).toEqual([
      problem('organizations.json', '[5] (slug "biden-administration")', 'country', /ISO 3166-1 alpha-2/),
    ]);
  });

  it('reports a lowercase country code "ir" by its position in the list', async () => {
    const problems = await problemsOf(
      await fixtures('persons.json', (records) => {
        at(records, 0, 'majid-azizi').nationalities = ['PE', 'ir'];
      }),
    );
    expect(problems).toContainEqual(
      problem('persons.json', '[0] (slug "majid-azizi")', 'nationalities.1', /country code in capitals/),
    );
  });

  it('reports "UK", a common mistake for GB, as not an ISO 3166-1 code', async () => {
    const problems = await problemsOf(
      await fixtures('organizations.json', (records) => {
        at(records, 5, 'biden-administration').country = 'UK';
      }),
    );
    expect(problemsIn(problems, 'organizations.json')).toEqual([
      problem('organizations.json', '[5] (slug "biden-administration")', 'country', /ISO 3166-1 alpha-2/),
    ]);
  });

  it.each(['2024-13', '2023-02-29', 'November 2024', '2024-11-31', '24-11'])(
    'reports the reduced-precision date %j as invalid',
    async (date) => {
      const problems = await problemsOf(
        await fixtures('events.json', (records) => {
          at(records, 2, 'apec-meeting-2024').startDate = date;
        }),
      );
      expect(problemsIn(problems, 'events.json')).toEqual([
        problem('events.json', '[2] (slug "apec-meeting-2024")', 'startDate', /ISO 8601/),
      ]);
    },
  );

  it('accepts valid reduced-precision dates, including 29 February of a leap year', async () => {
    const directory = await fixtures('events.json', (records) => {
      at(records, 2, 'apec-meeting-2024').startDate = '2024-02-29';
      at(records, 2, 'apec-meeting-2024').endDate = '2024-11';
      at(records, 3, 'peru-plot-2014').startDate = '2014';
    });
    await restate(directory, 'Event:apec-meeting-2024', 'START_DATE', '2024-02-29');
    await restate(directory, 'Event:apec-meeting-2024', 'END_DATE', '2024-11');
    const data = await loadDataset(directory);
    expect(data.events.find((e) => e.slug === 'apec-meeting-2024')).toMatchObject({
      startDate: '2024-02-29',
      endDate: '2024-11',
    });
  });

  it('reports an endDate before the startDate', async () => {
    const directory = await fixtures('events.json', (records) => {
      at(records, 2, 'apec-meeting-2024').startDate = '2024-11';
      at(records, 2, 'apec-meeting-2024').endDate = '2024-10-30';
    });
    await restate(directory, 'Event:apec-meeting-2024', 'END_DATE', '2024-10-30');
    const problems = await problemsOf(directory);
    expect(problems).toEqual([
      problem('events.json', '[2] (slug "apec-meeting-2024")', 'endDate', /"2024-10-30" is before startDate "2024-11"/),
    ]);
  });

  it('accepts an endDate at a coarser precision that contains the startDate', async () => {
    // Started 15 November 2024, ended some time in November 2024 (or in 2024): not a contradiction.
    const directory = await fixtures('events.json', (records) => {
      at(records, 2, 'apec-meeting-2024').startDate = '2024-11-15';
      at(records, 2, 'apec-meeting-2024').endDate = '2024-11';
      at(records, 3, 'peru-plot-2014').startDate = '2014-03';
      at(records, 3, 'peru-plot-2014').endDate = '2014';
    });
    await restate(directory, 'Event:apec-meeting-2024', 'START_DATE', '2024-11-15');
    await restate(directory, 'Event:apec-meeting-2024', 'END_DATE', '2024-11');
    await restate(directory, 'Event:peru-plot-2014', 'START_DATE', '2014-03');
    await restate(directory, 'Event:peru-plot-2014', 'END_DATE', '2014');
    const data = await loadDataset(directory);
    expect(data.events.find((e) => e.slug === 'apec-meeting-2024')?.endDate).toBe('2024-11');
  });

  it('reports a duplicate slug on the second record', async () => {
    const problems = await problemsOf(
      await fixtures('persons.json', (records) => {
        records.push({ ...at(records, 2, 'roger-wicker'), description: 'A second Roger Wicker.' });
      }),
    );
    expect(problems).toEqual([
      problem('persons.json', '[9] (slug "roger-wicker")', 'slug', /duplicate slug "roger-wicker"/),
    ]);
  });
});

describe('references', () => {
  const cases: {
    file: string;
    index: number;
    field: string;
    value: string;
    record: string;
    message: RegExp;
  }[] = [
    {
      file: 'affiliations.json',
      index: 2,
      field: 'organization',
      value: 'peruvian-police',
      record: '[2] (person "oscar-arriola", organization "peruvian-police")',
      message: /unknown organization "peruvian-police"/,
    },
    {
      file: 'participations.json',
      index: 2,
      field: 'event',
      value: 'arrest-of-azizi',
      record: '[2] (person "oscar-arriola", event "arrest-of-azizi")',
      message: /unknown event "arrest-of-azizi"/,
    },
    {
      file: 'involvements.json',
      index: 5,
      field: 'organization',
      value: 'asia-pacific-economic-cooperation',
      record: '[5] (organization "asia-pacific-economic-cooperation", event "apec-meeting-2024")',
      message: /unknown organization "asia-pacific-economic-cooperation"/,
    },
    {
      file: 'organization-relations.json',
      index: 2,
      field: 'to',
      value: 'usa',
      record: '[2] (from "us-central-command", to "usa")',
      message: /unknown organization "usa"/,
    },
    {
      file: 'event-relations.json',
      index: 4,
      field: 'from',
      value: 'investigation',
      record: '[4] (from "investigation", to "peru-assassination-plot")',
      message: /unknown event "investigation"/,
    },
  ];

  it.each(cases)(
    'reports $file pointing $field to unknown "$value"',
    async ({ file, index, field, value, record, message }) => {
      const problems = await problemsOf(
        await fixtures(file, (records) => {
          at(records, index)[field] = value;
        }),
      );
      expect(problems).toEqual([problem(file, record, field, message)]);
    },
  );

  it('reports evidence pointing to an unknown article', async () => {
    const problems = await problemsOf(
      await fixtures('involvements.json', (records) => {
        at(records, 0).evidence = [
          { article: PERU_ARTICLE, quote: 'potentially exposing Tehran’s direct involvement in the plot' },
          { article: 'irans-terror-plot-in-peru', quote: 'the attempted assassination plot in Peru' },
        ];
      }),
    );
    expect(problems).toEqual([
      problem(
        'involvements.json',
        '[0] (organization "iran", event "peru-assassination-plot")',
        'evidence.1.article',
        /unknown article "irans-terror-plot-in-peru"/,
      ),
    ]);
  });

  it('reports a quote with a straight apostrophe where the article has a curly one', async () => {
    const problems = await problemsOf(
      await fixtures('affiliations.json', (records) => {
        at(records, 2).evidence = evidence(PERU_ARTICLE, "Peru's police chief, Oscar Arriola");
      }),
    );
    expect(problems).toEqual([
      problem(
        'affiliations.json',
        '[2] (person "oscar-arriola", organization "peru")',
        'evidence.0.quote',
        /quote not found in the body of article "irans-alleged-terror-plot-in-peru"/,
      ),
    ]);
  });

  it('reports a quote that occurs more than once in its article', async () => {
    const problems = await problemsOf(
      await fixtures('participations.json', (records) => {
        const record = at(records, 1);
        record.evidence = [...(record.evidence as unknown[]), { article: LIMA_ARTICLE, quote: 'Azizi' }];
      }),
    );
    expect(problems).toEqual([
      problem(
        'participations.json',
        '[1] (person "majid-azizi", event "arrest-of-majid-azizi")',
        'evidence.3.quote',
        /occurs more than once/,
      ),
    ]);
  });
});

describe('graph consistency', () => {
  it('reports a duplicate relationship record', async () => {
    const problems = await problemsOf(
      await fixtures('affiliations.json', (records) => {
        records.push({ ...at(records, 2), role: 'head of police' });
      }),
    );
    expect(problems).toEqual([
      problem(
        'affiliations.json',
        '[6] (person "oscar-arriola", organization "peru")',
        null,
        /duplicates an earlier record/,
      ),
    ]);
  });

  it('reports a PART_OF cycle', async () => {
    const problems = await problemsOf(
      await fixtures('organization-relations.json', (records) => {
        records.push({
          from: 'iran',
          kind: 'PART_OF',
          to: 'quds-force',
          evidence: evidence(PERU_ARTICLE, 'Iran’s Revolutionary Guards Corps’ Quds Force'),
        });
      }),
    );
    expect(problems).toEqual([
      problem('organization-relations.json', '[5] (from "iran", to "quds-force")', 'to', /PART_OF forms a cycle/),
    ]);
  });

  it('reports an organization that is PART_OF two parents', async () => {
    const problems = await problemsOf(
      await fixtures('organization-relations.json', (records) => {
        records.push({
          from: 'quds-force',
          kind: 'PART_OF',
          to: 'iran',
          evidence: evidence(PERU_ARTICLE, 'Iran’s Revolutionary Guards Corps’ Quds Force'),
        });
      }),
    );
    expect(problems).toEqual([
      problem(
        'organization-relations.json',
        '[5] (from "quds-force", to "iran")',
        'from',
        /"quds-force" is already PART_OF "revolutionary-guards-corps"/,
      ),
    ]);
  });

  it('reports an organization relation from an organization to itself', async () => {
    const problems = await problemsOf(
      await fixtures('organization-relations.json', (records) => {
        at(records, 4).to = 'iran'; // iran SUPPORTS iran
      }),
    );
    expect(problems).toEqual([
      problem('organization-relations.json', '[4] (from "iran", to "iran")', 'to', /relates a record to itself/),
    ]);
  });

  it('reports an event relation from an event to itself', async () => {
    const problems = await problemsOf(
      await fixtures('event-relations.json', (records) => {
        at(records, 2).to = 'arrest-of-majid-azizi';
      }),
    );
    expect(problems).toEqual([
      problem(
        'event-relations.json',
        '[2] (from "arrest-of-majid-azizi", to "arrest-of-majid-azizi")',
        'to',
        /relates a record to itself/,
      ),
    ]);
  });

  it('reports an entity whose name and aliases occur in no article', async () => {
    const problems = await problemsOf(
      await fixtures('organizations.json', (records) => {
        records.push({
          slug: 'mossad',
          name: 'Mossad',
          aliases: ['Israeli intelligence'],
          description: null,
          kind: 'GOVERNMENT_AGENCY',
          country: null,
        });
      }),
    );
    expect(problems).toEqual([
      problem('organizations.json', '[13] (slug "mossad")', 'name', /neither the name nor any alias occurs/),
    ]);
  });
});

describe('files', () => {
  it('reports invalid JSON', async () => {
    const problems = await problemsOf(await fixtures('event-relations.json', () => '[{"from": "x",]'));
    expect(problems).toEqual([problem('event-relations.json', null, null, /not valid JSON/)]);
  });

  it('reports a missing file', async () => {
    const directory = await fixtures('event-relations.json', () => undefined);
    await rm(path.join(directory, 'event-relations.json'));
    const problems = await problemsOf(directory);
    expect(problems).toEqual([problem('event-relations.json', null, null, /file is missing/)]);
  });

  it('reports a file that is not an array', async () => {
    const problems = await problemsOf(
      await fixtures('event-relations.json', (records) => JSON.stringify({ relations: records })),
    );
    expect(problems).toEqual([problem('event-relations.json', null, null, /must be a JSON array/)]);
  });

  it('reports a record that is not an object', async () => {
    const problems = await problemsOf(
      await fixtures('event-relations.json', (records) => {
        records.push(null as unknown as Fixture);
      }),
    );
    expect(problems).toEqual([problem('event-relations.json', '[6]', null, /object/)]);
  });

  it('reports every problem, not just the first', async () => {
    const directory = await fixtures('events.json', (records) => {
      at(records, 2, 'apec-meeting-2024').startDate = '2024-13';
      at(records, 3, 'peru-plot-2014').endDate = '2013';
      at(records, 4, 'israel-gaza-conflict').kind = 'WAR';
      delete at(records, 5, 'manhunt-for-trucios').location;
    });
    await restate(directory, 'Event:peru-plot-2014', 'END_DATE', '2013');
    const error = (await loadDataset(directory).catch((e: unknown) => e)) as FixtureError;
    expect(error).toBeInstanceOf(FixtureError);
    const inEvents = problemsIn(error.problems, 'events.json');
    expect(inEvents).toHaveLength(4);
    expect(inEvents).toEqual(
      expect.arrayContaining([
        problem('events.json', '[2] (slug "apec-meeting-2024")', 'startDate', /ISO 8601/),
        problem('events.json', '[3] (slug "peru-plot-2014")', 'endDate', /before startDate "2014"/),
        problem('events.json', '[4] (slug "israel-gaza-conflict")', 'kind', /expected one of/),
        problem('events.json', '[5] (slug "manhunt-for-trucios")', 'location', /required/),
      ]),
    );
    // Relationships naming the invalid records are not reported again as "unknown": only the 4 real problems.
    expect(error.problems).toHaveLength(4);
    expect(error.message).toContain(`(${error.problems.length} problems)`);
    expect(error.message).toContain('events.json [2] (slug "apec-meeting-2024") field "startDate"');
    expect(error.message).toContain('events.json [3] (slug "peru-plot-2014") field "endDate"');
    expect(error.message).toContain('events.json [4] (slug "israel-gaza-conflict") field "kind"');
    expect(error.message).toContain('events.json [5] (slug "manhunt-for-trucios") field "location"');
  });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx ...args` in the project root, without configuration from the environment. */
function runTsx(args: string[], timeout = 20_000): Promise<Run> {
  const env = { ...process.env };
  for (const name of ['PORT', 'HOST', 'DATA_DIR', 'MAX_DEPTH']) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      env,
      timeout,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('command line', () => {
  async function badDirectory() {
    return fixtures('persons.json', (records) => {
      delete at(records, 2, 'roger-wicker').nationalities;
      at(records, 4, 'michael-kurilla').nationalities = ['us'];
    });
  }

  it('validate-data exits 1 and lists file, record and field of every problem on stderr', async () => {
    const run = await runTsx(['scripts/validate-data.ts', await badDirectory()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/: \d+ problem\(s\)/);
    expect(run.stderr).toContain('persons.json [2] (slug "roger-wicker") field "nationalities": is required');
    expect(run.stderr).toContain('persons.json [4] (slug "michael-kurilla") field "nationalities.0": must be an ISO');
    expect(run.stdout).not.toContain('valid');
  });

  it('validate-data exits 0 on data/ and prints its version', async () => {
    const [run, data] = await Promise.all([runTsx(['scripts/validate-data.ts', 'data']), loadDataset(DATA_DIR)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`valid (version ${data.version})`);
    expect(run.stdout).toContain('2 articles, 9 persons, 13 organizations, 7 events, 37 relationships');
  });

  it('the server refuses to start on bad data, naming file, record and field', async () => {
    const run = await runTsx(['src/main.ts', '--data', await badDirectory(), '--port', '0']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('serving');
    expect(run.stderr).toContain('Invalid fixture data');
    expect(run.stderr).toContain('persons.json [2] (slug "roger-wicker") field "nationalities": is required');
    expect(run.stderr).toContain('persons.json [4] (slug "michael-kurilla") field "nationalities.0"');
  });

  it('the server refuses a port that is not a number, naming PORT', async () => {
    const run = await runTsx(['src/main.ts', '--port', 'notanumber']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('serving');
    expect(run.stderr).toContain('--port / PORT = "notanumber"');
  });
});

describe('relations between the same events', () => {
  it('allows two differently worded relations between the same two events, but not the same one twice', async () => {
    const quote = { article: 'irans-alleged-terror-plot-in-peru', quote: 'following a similar plot in 2014' };
    const twoRelations = await fixtures('event-relations.json', (records) => {
      records.push({
        from: 'peru-assassination-plot',
        relation: 'second known attempt after',
        to: 'peru-plot-2014',
        evidence: [quote],
      });
    });
    const data = await loadDataset(twoRelations);
    expect(data.eventRelations.filter((r) => r.to === 'peru-plot-2014')).toHaveLength(2);

    const sameTwice = await fixtures('event-relations.json', (records) => {
      records.push({ ...(records[1] as object), evidence: [quote] });
    });
    const problems = await problemsOf(sameTwice);
    expect(problems).toEqual([
      problem(
        'event-relations.json',
        expect.stringMatching(/^\[6\]/) as unknown as string,
        null,
        /duplicates an earlier record/,
      ),
    ]);
  });
});

/**
 * The typed client SDK: client/generated.ts is what codegen makes of schema.graphql and operations/ now,
 * every operation is valid against the schema, and the example client returns typed, correct results from a
 * real server. The `expectTypeOf` assertions are checked by `tsc` (`npm run typecheck`), not at run time.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type OperationDefinitionNode, parse, print, visit } from 'graphql';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  allArticles,
  entityPage,
  eventEvidence,
  GraphQLRequestError,
  type PersonSummary,
  personSummary,
  request,
  search,
} from '../client/example-client.js';
import {
  CoMentionNetworkDocument,
  DashboardStatsDocument,
  EntityTimelineDocument,
  type EventKind,
  type OrganizationKind,
  PersonSummaryDocument,
  type PersonSummaryQuery,
  type PersonSummaryQueryVariables,
  SearchDocument,
  TopEntitiesDocument,
} from '../client/generated.js';
import { GENERATED_FILE, generateClient, generateManifest, MANIFEST_FILE, SCHEMA_FILE } from '../scripts/codegen.js';
import { OPERATIONS_DIR, type OperationFile, operationProblems, readOperationFiles } from '../scripts/operations.js';
import { documentHash } from '../src/plugins/persisted-queries.js';
import { schema } from '../src/schema/index.js';
import { type RunningServer, startServer } from '../src/server.js';
import { globalId, testConfig } from './helpers.js';

const README = path.resolve(import.meta.dirname, '../README.md');

/** Copies operations/ to a temporary directory and adds `extra` files to it. */
async function operationsWith(extra: Record<string, string>): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'newsgraph-operations-'));
  for (const name of await readdir(OPERATIONS_DIR)) {
    await writeFile(path.join(directory, name), await readFile(path.join(OPERATIONS_DIR, name), 'utf8'));
  }
  for (const [name, source] of Object.entries(extra)) await writeFile(path.join(directory, name), source);
  return directory;
}

const BROKEN: OperationFile = {
  location: 'operations/Broken.graphql',
  source: 'query Broken {\n  person(slug: "majid-azizi") {\n    name\n    favouriteColour\n  }\n}\n',
};

describe('client/generated.ts', () => {
  it('is exactly what codegen generates from schema.graphql and operations/ now', async () => {
    const committed = await readFile(GENERATED_FILE, 'utf8');
    expect(committed, 'client/generated.ts is stale: run `npm run codegen`').toBe(await generateClient());
  });

  it('client/persisted-operations.json is exactly what codegen generates, and holds every document as the client sends it', async () => {
    const committed = await readFile(MANIFEST_FILE, 'utf8');
    expect(committed, 'client/persisted-operations.json is stale: run `npm run codegen`').toBe(generateManifest());
    const manifest = JSON.parse(committed) as Record<string, string>;
    const generated = await import('../client/generated.js');
    const documents = Object.entries(generated).filter(([name]) => name.endsWith('Document'));
    expect(documents.length).toBe(readOperationFiles().length);
    for (const [name, document] of documents) {
      const sent = print(document as Parameters<typeof print>[0]);
      expect(manifest[documentHash(sent)], name).toBe(sent);
    }
    expect(Object.keys(manifest)).toHaveLength(documents.length);
  });

  it('picks up every .graphql file in the operations folder', async () => {
    const directory = await operationsWith({
      'PersonNames.graphql':
        'query PersonNames($first: Int) {\n  persons(first: $first) {\n    nodes {\n      name\n    }\n  }\n}\n',
    });
    const generated = await generateClient(SCHEMA_FILE, directory);
    expect(generated).toContain('export type PersonNamesQuery = ');
    expect(generated).toContain('export type PersonNamesQueryVariables = ');
    expect(generated).toContain('export const PersonNamesDocument = ');
    for (const file of readOperationFiles()) {
      const name = parse(file.source).definitions.find((d) => d.kind === 'OperationDefinition')?.name?.value;
      expect(generated, file.location).toContain(`export const ${name}Document = `);
    }
  });

  it('refuses an invalid operation, naming its file and the problem', async () => {
    const directory = await operationsWith({ 'Broken.graphql': BROKEN.source });
    await expect(generateClient(SCHEMA_FILE, directory)).rejects.toThrow(
      /\/Broken\.graphql:4:5: Cannot query field "favouriteColour" on type "Person"/,
    );
  });
});

describe('operations/', () => {
  const files = readOperationFiles();

  it('holds the README examples and the client operations', () => {
    expect(files.map((file) => file.location)).toEqual(
      expect.arrayContaining([
        'operations/PersonSummary.graphql',
        'operations/EventEvidence.graphql',
        'operations/Search.graphql',
        'operations/ArticlesPage.graphql',
        'operations/EntityPage.graphql',
        'operations/DashboardStats.graphql',
        'operations/TopEntities.graphql',
        'operations/EntityTimeline.graphql',
        'operations/CoMentionNetwork.graphql',
        'operations/EntityClaims.graphql',
        'operations/Reconcile.graphql',
      ]),
    );
  });

  it('every operation parses and validates against the schema', () => {
    expect(operationProblems(files, schema)).toEqual([]);
  });

  it('reports an operation that asks for an unknown field', () => {
    expect(operationProblems([...files, BROKEN], schema)).toEqual([
      'operations/Broken.graphql:4:5: Cannot query field "favouriteColour" on type "Person".',
    ]);
  });

  it('reports syntax errors, files without exactly one named operation, and names used twice', () => {
    const problems = operationProblems(
      [
        ...files,
        { location: 'operations/Syntax.graphql', source: 'query Syntax { person(slug: "x") { name }' },
        { location: 'operations/Anonymous.graphql', source: '{ articles { totalCount } }' },
        { location: 'operations/Again.graphql', source: 'query Search { articles { totalCount } }' },
      ],
      schema,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^operations\/Syntax\.graphql: Syntax Error: Expected Name, found <EOF>/),
      'operations/Anonymous.graphql: must hold exactly one named operation (found 1, one without a name)',
      'operations/Again.graphql: "Search" is already defined in operations/Search.graphql',
    ]);
  });

  /** The selection set of an operation with its variables replaced by their defaults, printed. */
  const withDefaults = (operation: OperationDefinitionNode): string => {
    const defaults = new Map(operation.variableDefinitions?.map((v) => [v.variable.name.value, v.defaultValue]));
    return print(visit(operation.selectionSet, { Variable: (variable) => defaults.get(variable.name.value) }));
  };

  it.each(['PersonSummary', 'EventEvidence', 'Search'])(
    '%s is a README example query: the same selection set, its arguments the defaults of its variables',
    async (name) => {
      const readme = await readFile(README, 'utf8');
      const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => {
        const operation = parse(match[1] ?? '').definitions[0] as OperationDefinitionNode;
        return print(operation.selectionSet);
      });
      const file = files.find((f) => f.location === `operations/${name}.graphql`);
      const operation = parse(file?.source ?? '').definitions[0] as OperationDefinitionNode;
      expect(operation.name?.value).toBe(name);
      expect(examples, `operations/${name}.graphql no longer matches a README example`).toContain(
        withDefaults(operation),
      );
    },
  );
});

describe('the example client, against a running server', () => {
  let server: RunningServer;
  let url: string;
  beforeAll(async () => {
    server = await startServer(testConfig({ maxDepth: 12 }));
    url = server.url;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('personSummary returns the typed person', async () => {
    const person = await personSummary(url, 'majid-azizi');
    expectTypeOf(person).toEqualTypeOf<PersonSummary | null>();
    expect(person).not.toBeNull();
    if (!person) return;
    expectTypeOf(person.nationalities).toEqualTypeOf<string[]>();
    expectTypeOf(person.articles.totalCount).toEqualTypeOf<number>();
    expectTypeOf(person.affiliations[0]?.role).toEqualTypeOf<string | null | undefined>();
    // Only what the operation selects is in the type.
    expectTypeOf(person).not.toHaveProperty('description');
    expect(person.name).toBe('Majid Azizi');
    expect(person.nationalities).toEqual(['IR', 'PE']);
    expect(person.articles.totalCount).toBe(2);
    expect(person.affiliations).toEqual([
      {
        role: 'alleged member',
        organization: { name: 'Quds Force', parent: { name: 'Revolutionary Guards Corps' } },
      },
      { role: 'founder', organization: { name: 'Terrorist cell formed by Majid Azizi', parent: null } },
    ]);
  });

  it('personSummary is null for an unknown slug', async () => {
    expect(await personSummary(url, 'no-such-person')).toBeNull();
  });

  it('runs an operation without variables with the defaults, the README example', async () => {
    expectTypeOf<PersonSummaryQueryVariables>().toEqualTypeOf<{ slug?: string }>();
    const data = await request(url, PersonSummaryDocument, {});
    expectTypeOf(data).toEqualTypeOf<PersonSummaryQuery>();
    expect(data.person?.name).toBe('Majid Azizi');
  });

  it('eventEvidence returns the relations with their evidence', async () => {
    const event = await eventEvidence(url, 'apec-meeting-2024');
    expect(event).toEqual({
      name: 'APEC meeting in Peru',
      startDate: '2024-11',
      eventRelations: [
        {
          from: { name: 'Plot to assassinate an Israeli national in Peru' },
          relation: 'timed to coincide with',
          evidence: [
            {
              quote: 'The timing of the planned attack, set to coincide with the APEC meeting in November',
              start: 1057,
              end: 1140,
              article: { headline: 'Foiling Lima Terror Plot: Arrest of Majid Azizi, Alleged Quds Force Operative' },
            },
          ],
        },
      ],
    });
    expectTypeOf(event?.eventRelations[0]?.evidence[0]?.start).toEqualTypeOf<number | undefined>();
  });

  it('search returns a union the client narrows by __typename', async () => {
    const { totalCount, hits } = await search(url, 'quds', 3);
    expect(totalCount).toBe(4);
    expect(hits.map((hit) => hit.__typename)).toEqual(['Organization', 'Event', 'Article']);
    const first = hits[0];
    expect(first?.__typename).toBe('Organization');
    if (first?.__typename !== 'Organization') return;
    expectTypeOf(first.kind).toEqualTypeOf<OrganizationKind>();
    expectTypeOf(first.country).toEqualTypeOf<string | null>();
    expect(first).toEqual({ __typename: 'Organization', name: 'Quds Force', kind: 'MILITARY', country: 'IR' });
  });

  it('allArticles follows the cursors page by page', async () => {
    const articles = await allArticles(url, 1);
    expect(articles.map((article) => article.slug)).toEqual([
      'irans-alleged-terror-plot-in-peru',
      'foiling-lima-terror-plot-arrest-of-majid-azizi',
    ]);
    expect(articles[0]?.persons.nodes.map((person) => person.slug)).toContain('majid-azizi');
    expectTypeOf(articles[0]?.organizations.nodes[0]?.kind).toEqualTypeOf<OrganizationKind | undefined>();
  });

  it('entityPage fetches any entity by global ID, with the fields of its type', async () => {
    const person = await entityPage(url, globalId('Person', 'majid-azizi'));
    expect(person?.__typename).toBe('Person');
    if (person?.__typename !== 'Person') return;
    expectTypeOf(person.nationalities).toEqualTypeOf<string[]>();
    expect(person.nationalities).toEqual(['IR', 'PE']);
    expect(person.affiliations.map((a) => a.organization.slug)).toEqual(['quds-force', 'azizi-terrorist-cell']);
    expect(person.affiliations[0]?.evidence.length).toBeGreaterThan(0);

    const organization = await entityPage(url, globalId('Organization', 'quds-force'));
    expect(organization?.__typename).toBe('Organization');
    if (organization?.__typename !== 'Organization') return;
    expectTypeOf(organization.organizationKind).toEqualTypeOf<OrganizationKind>();
    expect(organization.organizationKind).toBe('MILITARY');
    expect(organization.parent?.name).toBe('Revolutionary Guards Corps');

    const event = await entityPage(url, globalId('Event', 'apec-meeting-2024'));
    expect(event?.__typename).toBe('Event');
    if (event?.__typename !== 'Event') return;
    expectTypeOf(event.eventKind).toEqualTypeOf<EventKind>();
    expect(event.eventKind).toBe('MEETING');

    expect(await entityPage(url, globalId('Article', 'irans-alleged-terror-plot-in-peru'))).toBeNull();
    expect(await entityPage(url, 'not a global id')).toBeNull();
  });

  it('request throws a clear error when the response has errors', async () => {
    const failing = request(url, SearchDocument, { query: '' });
    await expect(failing).rejects.toThrow(GraphQLRequestError);
    await expect(failing).rejects.toThrow(/^Search failed \(HTTP \d+\): .*\[BAD_USER_INPUT\]/);
  });

  it('runs the dashboard operations with typed results', async () => {
    const { stats } = await request(url, DashboardStatsDocument, {});
    expectTypeOf(stats.mentions).toEqualTypeOf<number>();
    expect(stats).toMatchObject({ articles: 2, persons: 9, mentions: 82 });

    const { topEntities } = await request(url, TopEntitiesDocument, { types: ['PERSON'], first: 1 });
    expect(topEntities).toEqual([
      {
        entity: { __typename: 'Person', id: globalId('Person', 'majid-azizi'), name: 'Majid Azizi' },
        articleCount: 2,
        mentionCount: 8,
      },
    ]);

    const { timeline } = await request(url, EntityTimelineDocument, {
      interval: 'YEAR',
      entity: globalId('Person', 'majid-azizi'),
    });
    expectTypeOf(timeline[0]?.start).toEqualTypeOf<string | undefined>();
    expect(timeline).toEqual([{ start: '2024-01-01', end: '2024-12-31', articleCount: 2, mentionCount: 8 }]);

    const { node } = await request(url, CoMentionNetworkDocument, {
      id: globalId('Person', 'majid-azizi'),
      first: 100,
    });
    expect(node && 'coMentions' in node ? node.coMentions.nodes.map((n) => n.entity.name) : []).toContain('Quds Force');
  });
});

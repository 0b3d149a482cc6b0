/**
 * The published query limits: each is set from the heaviest legitimate query (README examples, operations/,
 * GraphiQL's default and introspection), and each refuses what is over it with its own code, before execution.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type DocumentNode,
  getIntrospectionQuery,
  Kind,
  Lexer,
  parse,
  type SelectionNode,
  Source,
  TokenKind,
  visit,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOperationFiles } from '../scripts/operations.js';
import { DEFAULT_LIMITS } from '../src/config.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { loadStore } from '../src/data/load-store.js';
import { GRAPHIQL_DEFAULT_QUERY } from '../src/graphiql.js';
import { operationCost } from '../src/plugins/cost.js';
import { schema } from '../src/schema/index.js';
import { createTestApi, DATA_DIR, globalId, testApp } from './helpers.js';
import { NATURAL_QUERIES, NATURAL_QUERY_VARIABLES } from './support/natural-queries.js';

const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
const legitimate: [string, string][] = [
  ...[...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m, i): [string, string] => [
    `README example ${i + 1}`,
    m[1] ?? '',
  ]),
  ...readOperationFiles().map((file): [string, string] => [file.location, file.source]),
  ['GraphiQL default query', GRAPHIQL_DEFAULT_QUERY],
  ...NATURAL_QUERIES.map(([name, text]): [string, string] => [`natural query: ${name}`, text]),
];
/** The fixtures' cost facts: what the cost model reads of the data. */
const facts = (await loadStore(DATA_DIR)).costFacts();
/** Values for the required variables of the operations, so their cost can be computed. */
const SAMPLE_VARIABLES = {
  id: globalId('Person', 'majid-azizi'),
  slug: 'majid-azizi',
  query: 'quds',
  ...NATURAL_QUERY_VARIABLES,
};

function measure(text: string) {
  const document: DocumentNode = parse(text);
  let aliases = 0;
  let directives = 0;
  visit(document, {
    Field: (field) => {
      if (field.alias) aliases++;
    },
    Directive: () => {
      directives++;
    },
  });
  const lexer = new Lexer(new Source(text));
  let tokens = 0;
  while (lexer.advance().kind !== TokenKind.EOF) tokens++;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])),
  );
  const depthOf = (selections: readonly SelectionNode[] | undefined, depth: number): number =>
    Math.max(
      depth,
      ...(selections ?? []).map((s) => {
        if (s.kind === Kind.FIELD) return depthOf(s.selectionSet?.selections, depth + 1);
        if (s.kind === Kind.INLINE_FRAGMENT) return depthOf(s.selectionSet.selections, depth);
        return depthOf(fragments.get(s.name.value)?.selectionSet.selections, depth);
      }),
    );
  const depth = Math.max(
    ...document.definitions.map((d) =>
      d.kind === Kind.OPERATION_DEFINITION ? depthOf(d.selectionSet.selections, 0) : 0,
    ),
  );
  const { cost } = operationCost(schema, document, null, SAMPLE_VARIABLES, facts);
  return { cost, depth, aliases, directives, tokens, characters: text.length };
}

describe('limits are set from the heaviest legitimate query', () => {
  const measured = legitimate.map(([name, text]) => ({ name, ...measure(text) }));
  const heaviest = (key: keyof ReturnType<typeof measure>) => Math.max(...measured.map((m) => m[key]));

  it('every legitimate query is within every limit', () => {
    expect(measured.length).toBeGreaterThanOrEqual(15);
    for (const m of measured) {
      expect(m.cost, m.name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
      expect(m.depth, m.name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDepth);
      expect(m.aliases, m.name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxAliases);
      expect(m.directives, m.name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDirectives);
      expect(m.tokens, m.name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxTokens);
      expect(m.characters, m.name).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDocumentLength);
    }
  });

  it('each limit leaves about 2–3× headroom over the heaviest query, no more', () => {
    const introspection = getIntrospectionQuery({
      descriptions: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    const ratio = (limit: number, heaviestValue: number) => limit / heaviestValue;
    expect(ratio(DEFAULT_LIMITS.maxCost, heaviest('cost'))).toBeGreaterThanOrEqual(2);
    expect(ratio(DEFAULT_LIMITS.maxCost, heaviest('cost'))).toBeLessThanOrEqual(3.5);
    expect(ratio(DEFAULT_LIMITS.maxDepth, heaviest('depth'))).toBeGreaterThanOrEqual(1.5);
    expect(ratio(DEFAULT_LIMITS.maxDepth, heaviest('depth'))).toBeLessThanOrEqual(2.5);
    // Tokens and characters must also admit GraphiQL's introspection query.
    const introspectionSize = measure(introspection);
    expect(DEFAULT_LIMITS.maxTokens).toBeGreaterThanOrEqual(2 * Math.max(heaviest('tokens'), introspectionSize.tokens));
    expect(DEFAULT_LIMITS.maxTokens).toBeLessThanOrEqual(3 * Math.max(heaviest('tokens'), introspectionSize.tokens));
    expect(DEFAULT_LIMITS.maxDocumentLength).toBeGreaterThanOrEqual(
      2 * Math.max(heaviest('characters'), introspection.length),
    );
    expect(DEFAULT_LIMITS.maxDocumentLength).toBeLessThanOrEqual(
      3 * Math.max(heaviest('characters'), introspection.length),
    );
  });
});

let api: Awaited<ReturnType<typeof createTestApi>>;
beforeAll(async () => {
  api = await createTestApi();
});

function expectRefused(
  result: { errors?: { message: string; extensions?: Record<string, unknown> }[]; data?: unknown },
  code: string,
) {
  expect(result.errors).toHaveLength(1);
  expect(result.errors?.[0]?.extensions?.code).toBe(code);
  expect(result.data ?? null).toBeNull();
}

describe('cost', () => {
  it('reports the cost of every response and the limit', async () => {
    const result = await api.query('{ articles(first: 2) { nodes { headline } } }');
    // the articles connection 2 + 2 × an article 1 (headline is a scalar: 0); returned: the connection and 2 articles
    expect(result.extensions?.cost).toEqual({ requested: 4, actual: 3, limit: DEFAULT_LIMITS.maxCost });
  });

  it('refuses 100 × 100 × 100 nodes before execution, with its computed cost', async () => {
    api.counter.reset();
    const result = await api.query(`{
      articles(first: 100) { nodes { persons(first: 100) { nodes { articles(first: 100) { nodes { headline } } } } } }
    }`);
    expectRefused(result, 'QUERY_TOO_COMPLEX');
    const cost = result.errors?.[0]?.extensions?.cost as { requested: number; limit: number };
    expect(cost.requested).toBeGreaterThan(1_000_000);
    expect(cost.limit).toBe(DEFAULT_LIMITS.maxCost);
    expect(result.errors?.[0]?.message).toMatch(
      /^Query cost [\d,]+ exceeds the limit of [\d,]+\. The field that contributes most is articles\.persons\.articles: /,
    );
    expect(result.extensions?.cost).toEqual(cost);
    expect(api.counter.total()).toBe(0);
  });

  it('counts page sizes given in variables and the number of IDs in nodes()', async () => {
    const byVariable = await api.query(
      'query($n: Int) { articles(first: $n) { nodes { persons(first: $n) { nodes { articles(first: $n) { nodes { headline } } } } } } }',
      { n: 100 },
    );
    expectRefused(byVariable, 'QUERY_TOO_COMPLEX');
    const ids = Array.from({ length: 100 }, () => globalId('Person', 'majid-azizi'));
    const nodes = await api.query(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Person { articles(first: 100) { nodes { persons(first: 10) { nodes { name } } } } } } }',
      { ids },
    );
    expectRefused(nodes, 'QUERY_TOO_COMPLEX');
  });

  it('exempts introspection, and is configurable', async () => {
    const introspection = await api.query(getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    const cheap = await createTestApi(undefined, { maxCost: 3 });
    expectRefused(await cheap.query('{ articles(first: 2) { nodes { headline } } }'), 'QUERY_TOO_COMPLEX');
  });
});

describe('document limits', () => {
  it('refuses more aliases than the limit', async () => {
    const aliases = Array.from({ length: DEFAULT_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: stats { articles }`).join(
      ' ',
    );
    const result = await api.query(`{ ${aliases} }`);
    expectRefused(result, 'TOO_MANY_ALIASES');
    expect(result.errors?.[0]?.extensions?.limit).toBe(DEFAULT_LIMITS.maxAliases);
    expect(result.status).toBe(400);
    const atLimit = Array.from({ length: DEFAULT_LIMITS.maxAliases }, (_, i) => `a${i}: stats { articles }`).join(' ');
    expect((await api.query(`{ ${atLimit} }`)).errors).toBeUndefined();
  });

  it('refuses more directives than the limit', async () => {
    const fields = Array.from({ length: DEFAULT_LIMITS.maxDirectives + 1 }, () => 'articles @include(if: true)').join(
      ' ',
    );
    const result = await api.query(`{ stats { ${fields} } }`);
    expectRefused(result, 'TOO_MANY_DIRECTIVES');
    expect(result.errors?.[0]?.extensions?.limit).toBe(DEFAULT_LIMITS.maxDirectives);
  });

  it('refuses more tokens than the limit', async () => {
    const fields = Array.from({ length: DEFAULT_LIMITS.maxTokens }, () => 'articles').join(' ');
    const result = await api.query(`{ stats { ${fields} } }`);
    expectRefused(result, 'TOO_MANY_TOKENS');
    expect(result.errors?.[0]?.message).toMatch(/Token limit of 500 exceeded/);
  });

  it('refuses a query text longer than the limit, before parsing', async () => {
    const padded = `# ${'x'.repeat(DEFAULT_LIMITS.maxDocumentLength)}\n{ stats { articles } }`;
    const result = await api.query(padded);
    expectRefused(result, 'QUERY_TOO_LONG');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toBe(
      `Query text of ${padded.length} characters exceeds the limit of ${DEFAULT_LIMITS.maxDocumentLength}.`,
    );
  });
});

describe('execution time', () => {
  it('stops a request that runs longer than the limit with TIMEOUT', async () => {
    const slow = await createTestApi(undefined, { executionTimeoutMs: 50 });
    const store = slow.store;
    const stalled: NewsDataSource = Object.assign(Object.create(store) as NewsDataSource, {
      stats: () => new Promise(() => {}), // never answers
    });
    const { yoga } = testApp(stalled, { executionTimeoutMs: 50 });
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ stats { articles } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(body.errors).toEqual([
      { message: 'Execution took longer than 50 ms and was stopped.', extensions: { code: 'TIMEOUT', limit: 50 } },
    ]);
  });
});

describe('introspection switch', () => {
  it('when off, refuses introspection and gives no field suggestions', async () => {
    const closed = await createTestApi(undefined, { introspection: false });
    const introspection = await closed.query('{ __schema { types { name } } }');
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const typo = await closed.query('{ persns { totalCount } }');
    expect(typo.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);
    // Still answers ordinary queries, and __typename.
    expect((await closed.query('{ __typename stats { articles } }')).errors).toBeUndefined();
  });

  it('when on (the default), suggests fields', async () => {
    const typo = await api.query('{ persns { totalCount } }');
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "persons"/);
  });
});

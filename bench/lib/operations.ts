/**
 * The benchmark's operations (bench/operations/*.graphql, one named operation per file) and the variables
 * each takes on a given corpus, resolved by asking the server itself: the busiest entity, the newest article,
 * a person with affiliations and participations, a word that occurs, the newest year.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const OPERATIONS_DIR = path.resolve(import.meta.dirname, '..', 'operations');

export interface Operation {
  /** The operation's name, which is also its file's name. */
  name: string;
  query: string;
}

/** Every operation, in the order of ORDER (the others after, by name). */
export function readOperations(directory = OPERATIONS_DIR): Operation[] {
  const operations = readdirSync(directory)
    .filter((file) => file.endsWith('.graphql'))
    .map((file) => {
      const query = readFileSync(path.join(directory, file), 'utf8');
      const name = path.basename(file, '.graphql');
      const declared = /^\s*query\s+(\w+)/m.exec(query)?.[1];
      if (declared !== name) throw new Error(`${file}: must hold one query named ${name} (found ${declared})`);
      return { name, query };
    });
  const rank = (name: string) => {
    const i = ORDER.indexOf(name);
    return i === -1 ? ORDER.length : i;
  };
  return operations.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

const ORDER = [
  'NodeLookup',
  'ArticleList',
  'EntityProfile',
  'SearchPage',
  'TopEntitiesYear',
  'EntityTimeline',
  'CoMentions',
];

/** What an operation's variables are drawn from, on one corpus. */
export interface CorpusFacts {
  /** The most mentioned entity (by articles): timeline and co-mentions. */
  busiest: { id: string; type: string; name: string; articleCount: number };
  /** The most mentioned person with at least one affiliation and one participation (else the most mentioned): the entity page. */
  person: { id: string; name: string; affiliations: number; participations: number };
  /** The newest article: the node lookup. */
  article: { id: string; publishedAt: string };
  /** A word that occurs: the first word of the most mentioned organization's name. */
  searchWord: string;
  /** The year of the newest article: topEntities over a year. */
  year: string;
}

export function variablesFor(operation: string, facts: CorpusFacts): Record<string, unknown> {
  switch (operation) {
    case 'NodeLookup':
      return { id: facts.article.id };
    case 'ArticleList':
      return {};
    case 'EntityProfile':
      return { id: facts.person.id };
    case 'SearchPage':
      return { query: facts.searchWord };
    case 'TopEntitiesYear':
      return { from: facts.year, to: facts.year };
    case 'EntityTimeline':
      return { entity: facts.busiest.id };
    case 'CoMentions':
      return { id: facts.busiest.id };
    default:
      throw new Error(`bench/operations/${operation}.graphql: say which variables it takes in variablesFor()`);
  }
}

export interface GraphQLResponse {
  status: number;
  text: string;
  json: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

export async function postGraphQL(url: string, body: string): Promise<GraphQLResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  let json: GraphQLResponse['json'];
  try {
    json = JSON.parse(text) as GraphQLResponse['json'];
  } catch {
    throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, text, json };
}

export function requestBody(operation: Operation, variables: Record<string, unknown>): string {
  return JSON.stringify({ operationName: operation.name, query: operation.query, variables });
}

const FACTS_QUERY = `query BenchFacts {
  busiest: topEntities(first: 1) { entity { __typename id name } articleCount }
  busiestOrganization: topEntities(types: [ORGANIZATION], first: 1) { entity { name } }
  newest: articles(first: 1) { nodes { id publishedAt } }
  persons(orderBy: { field: ARTICLE_COUNT }, first: 50) {
    nodes { id name affiliations { role } participations { role } }
  }
}`;

interface FactsData {
  busiest: { entity: { __typename: string; id: string; name: string }; articleCount: number }[];
  busiestOrganization: { entity: { name: string } }[];
  newest: { nodes: { id: string; publishedAt: string }[] };
  persons: { nodes: { id: string; name: string; affiliations: unknown[]; participations: unknown[] }[] };
}

export async function resolveFacts(url: string): Promise<CorpusFacts> {
  const response = await postGraphQL(url, JSON.stringify({ query: FACTS_QUERY }));
  if (response.json.errors?.length || !response.json.data) {
    throw new Error(`resolving the variables failed: ${response.text.slice(0, 500)}`);
  }
  const data = response.json.data as unknown as FactsData;
  const busiest = data.busiest[0];
  const newest = data.newest.nodes[0];
  const organization = data.busiestOrganization[0]?.entity.name;
  const persons = data.persons.nodes;
  const person =
    persons.find((p) => p.affiliations.length > 0 && p.participations.length > 0) ??
    persons.find((p) => p.affiliations.length > 0) ??
    persons[0];
  if (!busiest || !newest || !organization || !person) throw new Error('the corpus has no entity or article');
  const searchWord = organization.split(/\s+/).find((word) => /^\p{L}{3,}$/u.test(word)) ?? organization;
  return {
    busiest: {
      id: busiest.entity.id,
      type: busiest.entity.__typename,
      name: busiest.entity.name,
      articleCount: busiest.articleCount,
    },
    person: {
      id: person.id,
      name: person.name,
      affiliations: person.affiliations.length,
      participations: person.participations.length,
    },
    article: newest,
    searchWord,
    year: newest.publishedAt.slice(0, 4),
  };
}

/** JSON with object keys sorted, to compare answers whatever order an executor wrote the fields in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * What analysts ask, as they write it in GraphiQL (issue 12): entity lists with their relationships and evidence
 * at first: 50, nested lists with no page arguments, aggregates, a briefing of several root fields. Every one
 * must be answered under the default limits (tests/natural-queries.test.ts), and the default cost limit is set
 * from the heaviest of them (tests/limits.test.ts).
 */
import { globalId } from '../helpers.js';

const EVIDENCE = 'evidence { quote start end article { headline publishedAt } }';
const ENTITY = 'id name description aliases articleCount mentionCount';

export const NATURAL_QUERIES: [string, string][] = [
  [
    'persons with their affiliations, participations and evidence',
    `{ persons(first: 50) { totalCount nodes { ${ENTITY} nationalities
        affiliations { role organization { name country } ${EVIDENCE} }
        participations { role event { name kind startDate } ${EVIDENCE} } } } }`,
  ],
  [
    'organizations with members, involvements, relations and evidence',
    `{ organizations(first: 50) { totalCount nodes { ${ENTITY} kind country parent { name } children { name }
        members { role person { name } ${EVIDENCE} }
        involvements { role event { name } ${EVIDENCE} }
        relations { kind from { name } to { name } ${EVIDENCE} } } } }`,
  ],
  [
    'all events with participants and involvements',
    `{ events(first: 50) { totalCount nodes { ${ENTITY} kind startDate endDate location
        participants { role person { name nationalities } ${EVIDENCE} }
        involvements { role organization { name kind } ${EVIDENCE} }
        organizations { name } relatedEvents { name startDate }
        eventRelations { relation from { name } to { name } ${EVIDENCE} } } } }`,
  ],
  [
    "Azizi's organizations, their members and the events those members took part in (no page argument anywhere)",
    `{ person(slug: "majid-azizi") { name affiliations { role organization { name kind
        members { role person { name participations { role event { name kind startDate location
          participants { person { name } } } ${EVIDENCE} } } ${EVIDENCE} } } ${EVIDENCE} } } }`,
  ],
  [
    'the Iranian organizations with their members and the evidence',
    `{ organizations(first: 50, filter: { country: "IR" }) { totalCount nodes { name kind
        members { role person { name nationalities } ${EVIDENCE} }
        relations { kind from { name } to { name } ${EVIDENCE} } } } }`,
  ],
  [
    'articles with their mentions',
    `{ articles(first: 50) { totalCount nodes { headline publishedAt source
        mentions(first: 100) { totalCount nodes { text start end entity { __typename name } } } } } }`,
  ],
  [
    'articles with the entities they mention',
    `{ articles(first: 20) { nodes { headline publishedAt
        persons(first: 50) { nodes { name } } organizations(first: 50) { nodes { name kind } }
        events(first: 50) { nodes { name kind } } } } }`,
  ],
  [
    'co-mentions of a search hit',
    `{ search(query: "Azizi", first: 10) { totalCount edges { score highlights { field text start end }
        node { __typename ... on Person { name coMentions(first: 20) { nodes { sharedArticles entity { __typename name } } } }
        ... on Article { headline } } } } }`,
  ],
  [
    'a briefing with several root fields',
    `{ stats { articles persons organizations events mentions relationships dataVersion }
       topEntities(first: 10) { articleCount mentionCount entity { __typename name } }
       timeline(interval: MONTH) { start end articleCount mentionCount }
       articles(first: 10) { nodes { headline publishedAt } }
       events(first: 20, orderBy: { field: START_DATE }) { nodes { name kind startDate location } }
       search(query: "Quds Force", first: 10) { nodes { __typename ... on Organization { name } ... on Article { headline } } } }`,
  ],
  ['a daily timeline of the corpus', '{ timeline(interval: DAY) { start end articleCount mentionCount } }'],
  [
    "a weekly timeline of one person's news",
    `{ timeline(interval: WEEK, entity: "${globalId('Person', 'majid-azizi')}") { start end articleCount } }`,
  ],
  [
    'a monthly timeline of 2024, one year by month',
    '{ timeline(interval: MONTH, from: "2024-01", to: "2024-12") { start end articleCount mentionCount } }',
  ],
  [
    'the 100 most mentioned entities',
    '{ topEntities(first: 100) { articleCount mentionCount entity { __typename id name articleCount } } }',
  ],
  [
    'the top persons and organizations of 2024',
    `{ people: topEntities(types: [PERSON], from: "2024", to: "2024") { articleCount entity { name } }
       orgs: topEntities(types: [ORGANIZATION], from: "2024", to: "2024") { articleCount entity { name } } }`,
  ],
  [
    'an entity page: profile, articles, co-mentions and mentions',
    `{ person(slug: "majid-azizi") { ${ENTITY} nationalities
        affiliations { role organization { name } ${EVIDENCE} }
        participations { role event { name startDate } ${EVIDENCE} }
        articles(first: 20) { totalCount nodes { headline publishedAt source } }
        coMentions(first: 20) { nodes { sharedArticles entity { __typename name } } }
        mentions(first: 50) { totalCount nodes { text start end article { headline } } } } }`,
  ],
  [
    'an article page with its body and everything it mentions',
    `{ article(slug: "irans-alleged-terror-plot-in-peru") { headline publishedAt publishedAtText source body
        persons(first: 50) { nodes { name affiliations { organization { name } } } }
        organizations(first: 50) { nodes { name kind country } }
        events(first: 50) { nodes { name kind participants { person { name } } } }
        mentions(first: 100) { totalCount nodes { text start end entity { name } } } } }`,
  ],
  [
    'a search for articles with their headlines and highlights',
    `{ search(query: "Peru plot", types: [ARTICLE], first: 50) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor score highlights { field text start end alias } node { ... on Article { headline publishedAt } } } } }`,
  ],
  [
    'nodes by IDs with their relationships',
    `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Person { name affiliations { organization { name } ${EVIDENCE} } }
        ... on Organization { name members { person { name } } } ... on Event { name participants { person { name } } } } }`,
  ],
  [
    'persons affiliated with the Quds Force, with their events',
    `{ persons(first: 50, filter: { affiliatedWith: "${globalId('Organization', 'quds-force')}" }) { nodes { name
        participations { role event { name kind startDate involvements { organization { name } } } ${EVIDENCE} } } } }`,
  ],
  [
    'events in Peru with everyone involved',
    `{ events(first: 50, filter: { location: "Peru" }) { nodes { name startDate location
        participants { role person { name affiliations { organization { name } } } }
        involvements { role organization { name parent { name } } } } } }`,
  ],
  [
    'articles about Azizi in a window, with the persons they mention',
    `{ articles(first: 50, filter: { mentions: ["${globalId('Person', 'majid-azizi')}"], publishedFrom: "2024-01", text: "assassination" }) {
        totalCount nodes { headline publishedAt persons(first: 20) { nodes { name } } } } }`,
  ],
  [
    'the organization tree with relations and their evidence',
    `{ organizations(first: 50, orderBy: { field: NAME }) { nodes { name kind parent { name parent { name } }
        children { name children { name } } relations { kind from { name } to { name } ${EVIDENCE} } } } }`,
  ],
];

/** The variables the queries declare. */
export const NATURAL_QUERY_VARIABLES = {
  ids: [
    globalId('Person', 'majid-azizi'),
    globalId('Organization', 'quds-force'),
    globalId('Event', 'peru-assassination-plot'),
  ],
};

import pg from 'pg';
import { PostgresHolder } from './src/data/postgres/holder.js';
const url = process.argv[2] as string;
const quiet = { info() {}, warn() {}, error() {} };
const holder = await PostgresHolder.connect(url, quiet);
const s = holder.currentSource;
const w = { size: 20, direction: 'FORWARD' as const, count: true };
const top = await s.topEntities({ types: ['Person'], limit: 1 });
const busy = `Person:${top[0]!.entity.slug}`;
const [firstArticle] = (await s.listArticles([{ filter: {}, window: w }]))[0]!.items;
const cases: [string, () => Promise<unknown>][] = [
  ['articles page', () => s.listArticles([{ filter: {}, window: w }])],
  ['articles page 2', () => s.listArticles([{ filter: {}, window: { ...w, after: firstArticle!.position } }])],
  ['articles headline', () => s.listArticles([{ filter: {}, order: { field: 'HEADLINE', direction: 'ASC' }, window: w }])],
  ['articles of busiest', () => s.listArticles([{ filter: { mentions: [busy] }, window: w }])],
  ['articles window', () => s.listArticles([{ filter: { publishedFrom: '2021-03', publishedTo: '2021-04' }, window: w }])],
  ['articles text', () => s.listArticles([{ filter: { text: 'government' }, window: w }])],
  ['persons name', () => s.listPersons([{ filter: {}, window: w }])],
  ['persons article count', () => s.listPersons([{ filter: {}, order: { field: 'ARTICLE_COUNT', direction: 'DESC' }, window: w }])],
  ['persons nameContains', () => s.listPersons([{ filter: { nameContains: 'ann' }, window: w }])],
  ['persons in article x20', () => s.listPersons(Array.from({ length: 20 }, (_, i) => ({ filter: { mentionedIn: firstArticle!.item }, window: { ...w, size: 5 + i } })))],
  ['mentions of busiest', () => s.listMentionsOfEntity([{ entity: busy, window: w }])],
  ['mentions in article', () => s.listMentionsInArticle([{ article: firstArticle!.item, window: w }])],
  ['co-mentions busiest', () => s.listCoMentions([{ entity: busy, window: w }])],
  ['search common', () => s.search('government', null, { offset: 0, size: 20 })],
  ['search rare', () => s.search(top[0]!.entity.slug.split('-')[0]!, null, { offset: 0, size: 20 })],
  ['top entities', () => s.topEntities({ types: ['Person', 'Organization', 'Event'], limit: 10 })],
  ['top entities year', () => s.topEntities({ types: ['Person', 'Organization', 'Event'], from: '2021', to: '2021', limit: 10 })],
  ['timeline month', () => s.timeline({ interval: 'MONTH', maxBuckets: 1000 })],
  ['timeline entity', () => s.timeline({ interval: 'MONTH', entity: busy, maxBuckets: 1000 })],
  ['mention counts', () => s.mentionCountsByEntity([busy])],
];
for (const [name, run] of cases) {
  await run();
  const times: number[] = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); await run(); times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(name.padEnd(24), times.map((t) => t.toFixed(1)).join(' '));
}
await holder.close();

/**
 * Run by tests/search-index.test.ts in a child process (node --import tsx), where worker threads
 * load TypeScript as the server does: builds the index of a fixture directory in this thread and in
 * a worker, and prints whether every search answers the same.
 */
import { loadDataset } from '../../src/data/load-fixtures.js';
import { SearchIndex } from '../../src/data/memory/search-index.js';

const [directory, ...queries] = process.argv.slice(2);
const data = await loadDataset(directory as string);
const entities = [...data.persons, ...data.organizations, ...data.events];
const inline = new SearchIndex(entities, data.articles);
const inWorker = await SearchIndex.build(entities, data.articles, { workerAbove: 0 });
const mostlyInWorker = await SearchIndex.build(entities, data.articles, { workerAbove: 0, workerShare: 0.65 });
const answers = (index: SearchIndex) =>
  JSON.stringify(queries.map((query) => [index.search(query, null, 50), [...index.articleSlugs(query)]]));
const same = answers(inline) === answers(inWorker) && answers(inline) === answers(mostlyInWorker);
const hits = queries.map((query) => inWorker.search(query, null, 0).totalCount);
console.log(JSON.stringify({ same, hits }));

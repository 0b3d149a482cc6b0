/**
 * Worker thread entry (article-rows.ts): turns batches of articles into COPY text of TABLES.articles, counting
 * their terms; asked to finish, posts its term counts. Buffers are transferred, not copied.
 */
import { parentPort } from 'node:worker_threads';
import type { ArticleRecord } from '../records.js';
import { TABLES } from './dataset-tables.js';
import { articleRow, copyLine } from './rows.js';
import { TermCounter } from './search-terms.js';

export type ArticleWorkerRequest = { articles: ArticleRecord[] } | { finish: true };

const terms = new TermCounter();
const encoder = new TextEncoder();

parentPort?.on('message', (request: ArticleWorkerRequest) => {
  if ('finish' in request) {
    const counts = terms.result();
    parentPort?.postMessage(
      { counts },
      counts.frequencies.map((f) => f.buffer as ArrayBuffer),
    );
    return;
  }
  let text = '';
  for (const article of request.articles) text += `${copyLine(TABLES.articles, articleRow(article, terms))}\n`;
  const chunk = encoder.encode(text);
  parentPort?.postMessage({ chunk, rows: request.articles.length }, [chunk.buffer as ArrayBuffer]);
});

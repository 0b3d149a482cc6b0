/**
 * The articles' COPY text, made by a small pool of worker threads (article-rows-worker.ts): tokenizing the
 * headlines and bodies, writing their tsvectors and escaping the rows is most of the import's own work, and one
 * thread held back the COPY streams. Batches go out in order and come back in whatever order the workers finish
 * (the table has no order); a few batches at most are in flight or waiting, so the text of the whole corpus is
 * never held at once. The workers' term counts are merged by the caller (mergeTermCounts).
 */
import { Worker } from 'node:worker_threads';
import type { ArticleRecord } from '../records.js';
import { workerScript } from '../worker-module.js';
import type { ArticleWorkerRequest } from './article-rows-worker.js';
import type { TermCounts } from './search-terms.js';

const WORKER_BOOTSTRAP = workerScript(import.meta.url, 'article-rows-worker');

/** Articles per batch: a few MB of COPY text. */
const BATCH = 500;
/** Batches a worker holds at once (one working, one queued), so it never waits for the next. */
const PER_WORKER = 2;

/** A batch of COPY text (lines of TABLES.articles) and its row count. */
export interface CopyChunk {
  text: Buffer;
  rows: number;
}

interface Member {
  worker: Worker;
  inFlight: number;
  counts?: (counts: TermCounts) => void;
}

export class ArticleRowWorkers {
  private readonly members: Member[];
  private nextArticle = 0;
  private readonly ready: CopyChunk[] = [];
  private readonly waiting: { resolve: (chunk: CopyChunk | null) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly articles: readonly ArticleRecord[],
    threads: number,
  ) {
    this.members = Array.from({ length: Math.max(1, threads) }, () => {
      const member: Member = { worker: new Worker(WORKER_BOOTSTRAP, { eval: true }), inFlight: 0 };
      member.worker.on('message', (message: { chunk: Uint8Array; rows: number } | { counts: TermCounts }) => {
        if ('counts' in message) {
          member.counts?.(message.counts);
          return;
        }
        member.inFlight--;
        const chunk = {
          text: Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength),
          rows: message.rows,
        };
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve(chunk);
        else this.ready.push(chunk);
        this.dispatch();
      });
      member.worker.on('error', (error) => this.fail(error));
      member.worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`an article worker exited with code ${code}`));
      });
      return member;
    });
    this.dispatch();
  }

  /** The next chunk of COPY text, or null once every article has been taken. Several streams may take at once. */
  take(): Promise<CopyChunk | null> {
    if (this.failure) return Promise.reject(this.failure);
    const chunk = this.ready.shift();
    if (chunk) {
      this.dispatch();
      return Promise.resolve(chunk);
    }
    if (this.nextArticle >= this.articles.length && this.members.every((m) => m.inFlight === 0)) {
      return Promise.resolve(null);
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Once every chunk is taken: each worker's term counts; the workers then end. */
  async finish(): Promise<TermCounts[]> {
    const counts = await Promise.all(
      this.members.map(
        (member) =>
          new Promise<TermCounts>((resolve, reject) => {
            member.counts = resolve;
            member.worker.once('error', reject);
            member.worker.postMessage({ finish: true } satisfies ArticleWorkerRequest);
          }),
      ),
    );
    await this.close();
    return counts;
  }

  /** Ends the workers (also when the import failed). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.members.map((member) => member.worker.terminate()));
  }

  /** Sends batches to the workers that have room, unless enough chunks wait to be taken. */
  private dispatch(): void {
    if (this.failure || this.closed) return;
    for (const member of this.members) {
      while (
        member.inFlight < PER_WORKER &&
        this.nextArticle < this.articles.length &&
        this.ready.length < this.members.length * PER_WORKER
      ) {
        const batch = this.articles.slice(this.nextArticle, this.nextArticle + BATCH).map((a) => ({
          slug: a.slug,
          headline: a.headline,
          publishedAt: a.publishedAt,
          publishedAtText: a.publishedAtText,
          source: a.source,
          body: a.body,
        }));
        this.nextArticle += batch.length;
        member.inFlight++;
        member.worker.postMessage({ articles: batch } satisfies ArticleWorkerRequest);
      }
    }
    // The last batch taken: wake the streams still waiting, there is nothing more for them.
    if (this.nextArticle >= this.articles.length && this.members.every((m) => m.inFlight === 0)) {
      for (const waiter of this.waiting.splice(0)) waiter.resolve(null);
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}

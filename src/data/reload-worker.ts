/**
 * Worker thread entry for reloads: reads, validates and finds the mentions of a fixture directory, and builds
 * its full-text index, off the thread that serves requests. The dataset goes back in small messages (each is
 * copied into the main thread in its own turn of its event loop, so requests run between them), the index's
 * arrays transferred, not copied. One worker serves reload after reload; the main thread ends it on a timeout.
 */
import { parentPort } from 'node:worker_threads';
import { allEntities, type Dataset, FixtureError, loadDataset } from './load-fixtures.js';
import { textIndexInput } from './memory/search-index.js';
import { buildTextIndex, type TextIndexData, transferablesOf } from './memory/text-index.js';

/** A reload asked of the worker. */
export interface ReloadRequest {
  id: number;
  directory: string;
}

/**
 * Sent by the main thread when it has taken a message of records in, in a later turn of its event loop. The
 * worker sends the next one only then: node hands a thread every message waiting for it in one go, so messages
 * sent all at once would be copied in as one long pause of the main thread.
 */
export interface ReloadAck {
  ack: number;
}

/** The record lists of a Dataset, sent piece by piece. */
export type DatasetList = Exclude<keyof Dataset, 'version'>;

export type ReloadMessage =
  | { id: number; kind: 'records'; list: DatasetList; records: unknown[] }
  | { id: number; kind: 'done'; version: string; textIndex: TextIndexData }
  /** `files`: the fixture files with problems, when the data was refused (not for other failures). */
  | { id: number; kind: 'failed'; error: string; files?: string[] };

/**
 * Records per message: about a megabyte of articles (smaller records go more at a time), so that copying one
 * message into the main thread takes a few milliseconds.
 */
const recordsPerMessage = (list: DatasetList) => (list === 'articles' ? 200 : 5_000);

const port = parentPort;
if (!port) throw new Error('reload-worker.ts runs as a worker thread');

/** Resolves when the main thread has taken the last message in (see ReloadAck). */
let acknowledged: (() => void) | null = null;

port.on('message', (message: ReloadRequest | ReloadAck) => {
  if ('ack' in message) acknowledged?.();
  else void reload(message.id, message.directory);
});

async function reload(id: number, directory: string) {
  const post = (message: ReloadMessage, transfer: ArrayBuffer[] = []) => port?.postMessage(message, transfer);
  let data: Dataset;
  let textIndex: TextIndexData;
  try {
    data = await loadDataset(directory);
    const entities = allEntities(data);
    textIndex = buildTextIndex(textIndexInput(entities, data.articles));
  } catch (error) {
    if (error instanceof FixtureError) {
      post({ id, kind: 'failed', error: error.message, files: [...new Set(error.problems.map((p) => p.file))] });
    } else post({ id, kind: 'failed', error: String(error) });
    return;
  }
  for (const [list, records] of Object.entries(data) as [DatasetList | 'version', unknown][]) {
    if (list === 'version') continue;
    const all = records as unknown[];
    const step = recordsPerMessage(list);
    for (let from = 0; from < all.length; from += step) {
      const taken = new Promise<void>((resolve) => {
        acknowledged = resolve;
      });
      post({ id, kind: 'records', list, records: all.slice(from, from + step) });
      await taken;
    }
  }
  post({ id, kind: 'done', version: data.version, textIndex }, transferablesOf(textIndex));
}

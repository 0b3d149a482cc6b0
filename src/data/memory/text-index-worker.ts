/** Worker thread entry: builds the full-text index of workerData and posts it back, buffers transferred. */
import { parentPort, workerData } from 'node:worker_threads';
import { buildTextIndex, type TextIndexInput, transferablesOf } from './text-index.js';

const data = buildTextIndex(workerData as TextIndexInput);
parentPort?.postMessage(data, transferablesOf(data));

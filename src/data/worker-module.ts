/**
 * Starting a worker thread on one of our modules, from source (tsx) or compiled alike: the worker's module is
 * `name` beside the caller, with the caller's extension (.ts when run through tsx, .js when compiled).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The worker's bootstrap, to run with `new Worker(script, { eval: true })`. On Node 20 a worker does not inherit
 * the parent's `--import tsx` module hooks, so for TypeScript sources it registers tsx itself before importing.
 */
export function workerScript(callerUrl: string, name: string): string {
  const extension = path.extname(fileURLToPath(callerUrl));
  const url = new URL(`./${name}${extension}`, callerUrl);
  return `(async () => {
  ${extension === '.ts' ? "(await import('tsx/esm/api')).register();" : ''}
  await import(${JSON.stringify(url.href)});
})().catch((error) => { throw error; });`;
}

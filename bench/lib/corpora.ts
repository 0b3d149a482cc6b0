/**
 * The corpora: the curated fixtures (data/, 2 articles) and synthetic ones written by
 * scripts/generate-corpus.ts (seed 1) into bench/.cache/corpora/<N>/, generated when missing or when the
 * generator has changed since (a marker file records the hash of its source).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './processes.js';

export const FIXTURES_DIR = path.join(ROOT, 'data');
export const CACHE_DIR = path.join(ROOT, 'bench', '.cache');
export const CORPORA_DIR = path.join(CACHE_DIR, 'corpora');
const GENERATOR = path.join(ROOT, 'scripts', 'generate-corpus.ts');
const MARKER = 'bench-corpus.json';
export const SEED = 1;

export interface Corpus {
  articles: number;
  label: string;
  directory: string;
}

function fixtureArticles(): number {
  return (JSON.parse(readFileSync(path.join(FIXTURES_DIR, 'articles.json'), 'utf8')) as unknown[]).length;
}

function generatorHash(): string {
  return createHash('sha256').update(readFileSync(GENERATOR)).digest('hex').slice(0, 16);
}

/** The directory of the corpus of `size` articles, generating it first if needed. */
export async function ensureCorpus(size: number, log: (line: string) => void): Promise<Corpus> {
  if (size === fixtureArticles()) return { articles: size, label: 'fixtures', directory: FIXTURES_DIR };
  const directory = path.join(CORPORA_DIR, String(size));
  const wanted = { articles: size, seed: SEED, generator: generatorHash() };
  const marker = path.join(directory, MARKER);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(wanted)) {
    return { articles: size, label: `${size.toLocaleString('en-US')} generated`, directory };
  }
  const partial = `${directory}.partial`;
  rmSync(partial, { recursive: true, force: true });
  log(`generating ${size} articles (seed ${SEED}) into ${path.relative(ROOT, directory)} ...`);
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', GENERATOR, '--articles', String(size), '--seed', String(SEED), '--out', partial],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`generate-corpus exited with ${code} for ${size} articles`)),
    );
  });
  writeFileSync(path.join(partial, MARKER), JSON.stringify(wanted));
  rmSync(directory, { recursive: true, force: true });
  renameSync(partial, directory);
  log(`generated ${size} articles in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { articles: size, label: `${size.toLocaleString('en-US')} generated`, directory };
}

/**
 * The layers stay one-way (config → source → context → schema → yoga → app → server): src/builder.ts imports
 * nothing above it, the app is assembled in one place (src/app.ts, the only caller of createNewsYoga), and the
 * configuration is read once, in src/main.ts. Read from the import statements of the sources themselves.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Every TypeScript file under these folders of the repository, as paths relative to it. */
function sources(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.join(folder, file)),
  );
}

/** The repository files a module imports statically (relative specifiers only, `.js` read as its `.ts`). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gms)].map(
    (match) => (match[1] ?? match[2]) as string,
  );
  return specifiers.map((specifier) => path.join(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
}

/** Every repository module `file` reaches through its static imports, itself excluded. */
function closure(file: string): Set<string> {
  const seen = new Set<string>();
  const pending = importsOf(file);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...importsOf(next));
  }
  return seen;
}

const ABOVE_THE_BUILDER = /^src\/(schema\/|plugins\/|yoga\.ts$|app\.ts$|server\.ts$|main\.ts$)/;

describe('the layers', () => {
  it('src/builder.ts reaches nothing above it: no schema, plugin, yoga, app or server module', () => {
    const reached = [...closure('src/builder.ts')];
    expect(reached).toContain('src/ids.ts');
    expect(reached).toContain('src/pagination.ts');
    expect(reached.filter((file) => ABOVE_THE_BUILDER.test(file))).toEqual([]);
  });

  it('the app is assembled in one place: only src/app.ts builds the yoga instance or a request context', () => {
    const assemblers = sources('src', 'tests', 'bench', 'scripts').filter((file) =>
      /(?<!function )\b(createNewsYoga|createContext)\(/.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(assemblers).toEqual(['src/app.ts']);
  });

  it('the configuration is read once, by src/main.ts; the rest of src/ is given a Config', () => {
    const readers = sources('src').filter((file) => /\bloadConfig\(/.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(readers.sort()).toEqual(['src/config.ts', 'src/main.ts']);
  });
});

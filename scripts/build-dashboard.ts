/**
 * `npm run build:dashboard` (also run by `npm ci`/`npm install` as `prepare`, by `npm start` as `prestart` with
 * `--keep-on-failure`, and by the browser tests' global setup): bundles dashboard/src/main.ts, its styles and the
 * libraries it imports from node_modules with esbuild into dashboard/dist/: index.html and assets/ named by
 * content hash, and manifest.json, which src/plugins/dashboard-page.ts serves from. Nothing is fetched from anywhere at run time: the page works
 * offline and under a Content-Security-Policy of 'self'. Prints the size of each file, raw, gzip and brotli.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
export const DASHBOARD_SOURCE_DIR = path.join(ROOT, 'dashboard');
export const DASHBOARD_DIST_DIR = path.join(DASHBOARD_SOURCE_DIR, 'dist');

/** What dashboard/dist/manifest.json says: the page and every asset, by path under dist/, with its media type. */
export interface DashboardManifest {
  page: string;
  assets: Record<string, string>;
}

export interface BuiltFile {
  file: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

const MEDIA_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function sizes(file: string, content: Buffer): BuiltFile {
  return {
    file,
    bytes: content.length,
    gzip: gzipSync(content, { level: 9 }).length,
    brotli: brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * Builds the dashboard into `outDir` (default dashboard/dist/): into a sibling folder first, then renamed into
 * place, so a server reading the folder never sees half a build. Returns the files with their sizes.
 */
export async function buildDashboard(outDir = DASHBOARD_DIST_DIR): Promise<BuiltFile[]> {
  const staging = `${outDir}.partial-${process.pid}`;
  try {
    return await buildInto(staging, outDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function buildInto(staging: string, outDir: string): Promise<BuiltFile[]> {
  rmSync(staging, { recursive: true, force: true });
  const assetsDir = path.join(staging, 'assets');
  mkdirSync(assetsDir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(DASHBOARD_SOURCE_DIR, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Browsers of the last few years: ES2020 syntax, CSS nesting lowered.
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    entryNames: '[name]-[hash]',
    outdir: assetsDir,
    metafile: true,
    legalComments: 'eof',
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.resolve(ROOT, file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style) throw new Error(`esbuild made no script or no stylesheet: ${outputs.join(', ')}`);
  const href = (file: string) => `dashboard/assets/${path.basename(file)}`;
  const template = readFileSync(path.join(DASHBOARD_SOURCE_DIR, 'index.html'), 'utf8');
  const page = template.replace('%STYLESHEET%', href(style)).replace('%SCRIPT%', href(script));
  if (page.includes('%')) throw new Error('dashboard/index.html has a placeholder the build does not fill');
  writeFileSync(path.join(staging, 'index.html'), page);
  const manifest: DashboardManifest = {
    page: 'index.html',
    assets: Object.fromEntries(
      outputs.map((file) => [`assets/${path.basename(file)}`, MEDIA_TYPES[path.extname(file)] ?? 'text/plain']),
    ),
  };
  writeFileSync(path.join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  return [
    sizes('index.html', Buffer.from(page)),
    ...Object.keys(manifest.assets).map((file) => sizes(file, readFileSync(path.join(outDir, file)))),
  ];
}

/** Reads the manifest of a built dashboard; null when there is none. */
export function readDashboardManifest(outDir = DASHBOARD_DIST_DIR): DashboardManifest | null {
  const file = path.join(outDir, 'manifest.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DashboardManifest) : null;
}

export function sizeTable(files: BuiltFile[]): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(9);
  const total = files.reduce(
    (sum, file) => ({
      file: 'total',
      bytes: sum.bytes + file.bytes,
      gzip: sum.gzip + file.gzip,
      brotli: sum.brotli + file.brotli,
    }),
    { file: 'total', bytes: 0, gzip: 0, brotli: 0 },
  );
  const width = Math.max(...files.map((file) => file.file.length), 5);
  return [...files, total]
    .map((file) => `  ${file.file.padEnd(width)} ${kb(file.bytes)} raw ${kb(file.gzip)} gzip ${kb(file.brotli)} brotli`)
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const started = performance.now();
    const files = await buildDashboard();
    const ms = Math.round(performance.now() - started);
    console.log(`dashboard built into ${path.relative(process.cwd(), DASHBOARD_DIST_DIR) || '.'} in ${ms} ms:`);
    console.log(sizeTable(files));
  } catch (error) {
    console.error(`the dashboard build failed: ${(error as Error).message}`);
    // `npm start` (prestart) goes on with the dashboard built before, if there is one: a read-only install or a
    // half-edited source must not keep the API from starting.
    if (process.argv.includes('--keep-on-failure') && readDashboardManifest()) {
      console.error('npm start serves the dashboard built before');
    } else {
      process.exitCode = 1;
    }
  }
}

/**
 * Reads and validates a fixture directory. Every problem is collected (not just the first),
 * each naming the file, the record and the field, so `npm run validate` can list them all
 * and the server can refuse to start with a message that says what to fix.
 */
import { constants as bufferConstants } from 'node:buffer';
import { createHash, webcrypto } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import path from 'node:path';
import { checkAttributeClaims, checkClaims, type LabelledEntity } from './claims.js';
import type { CorpusStats } from './contract.js';
import {
  byEntityType,
  ENTITY_TYPE_INFO,
  ENTITY_TYPES,
  type EntityPlural,
  type EntityRecordOf,
  type EntityType,
} from './entity-types.js';
import {
  FAST_FIXTURE_CHECKS,
  FIXTURE_FILES,
  type FixtureFileName,
  type FixtureSet,
  INVALID,
} from './fixture-schemas.js';
import { MentionMatcher } from './mentions.js';
import {
  type AffiliationRecord,
  type ArticleRecord,
  type ClaimRecord,
  type EntityKey,
  type EntityRecord,
  type EventRelationRecord,
  type EvidenceRecord,
  entityKeyString,
  type InvolvementRecord,
  type MentionRecord,
  type OrganizationRelationRecord,
  type ParticipationRecord,
} from './records.js';

export interface FixtureProblem {
  file: string;
  /** Which record: its index and, where it has one, its slug or its ends. */
  record: string | null;
  /** Dotted path of the field inside the record, or null for the whole file or record. */
  field: string | null;
  message: string;
}

export function formatProblem(problem: FixtureProblem): string {
  const where = [problem.file, problem.record, problem.field ? `field "${problem.field}"` : null].filter(Boolean);
  return `${where.join(' ')}: ${problem.message}`;
}

export class FixtureError extends Error {
  constructor(
    readonly directory: string,
    readonly problems: FixtureProblem[],
  ) {
    super(
      `Invalid fixture data in ${directory} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'FixtureError';
  }
}

/** The entities of each type, as lists named by the type's plural (`persons`…). */
export type EntityLists = { [T in EntityType as EntityPlural<T>]: EntityRecordOf<T>[] };

/** The validated, cross-checked content of a fixture directory, with computed offsets and mentions. */
export type Dataset = EntityLists & {
  /** Content hash of the fixture files: changes whenever any fact changes. */
  version: string;
  articles: ArticleRecord[];
  affiliations: AffiliationRecord[];
  participations: ParticipationRecord[];
  involvements: InvolvementRecord[];
  organizationRelations: OrganizationRelationRecord[];
  eventRelations: EventRelationRecord[];
  mentions: MentionRecord[];
  /** Every valid claim (issue 14), in file order, its quotes in reading order. */
  claims: ClaimRecord[];
};

/** The entities of a type in a data set. */
export function entitiesOf<T extends EntityType>(data: EntityLists, type: T): EntityRecordOf<T>[] {
  return data[ENTITY_TYPE_INFO[type].plural] as EntityRecordOf<T>[];
}

/** Every entity of a data set, type after type in the registry's order. */
export function allEntities(data: EntityLists): EntityRecord[] {
  return ENTITY_TYPES.flatMap((type): EntityRecord[] => entitiesOf(data, type));
}

/** Counts over a whole data set: what `stats` answers, on every backend that holds or imports one. */
export function corpusStatsOf(data: Dataset): CorpusStats {
  const entityCounts = Object.fromEntries(
    ENTITY_TYPES.map((type) => [ENTITY_TYPE_INFO[type].plural, entitiesOf(data, type).length]),
  ) as { [T in EntityType as EntityPlural<T>]: number };
  return {
    articles: data.articles.length,
    ...entityCounts,
    mentions: data.mentions.length,
    relationships:
      data.affiliations.length +
      data.participations.length +
      data.involvements.length +
      data.organizationRelations.length +
      data.eventRelations.length,
    claims: data.claims.length,
  };
}

/** A valid record and its index in its file (its label, for a report, is computed only when needed). */
type Labelled<T> = { value: T; index: number };

const labelOf = (record: Labelled<unknown>) => recordLabel(record.index, record.value);

function recordLabel(index: number, value: unknown): string {
  const v = (value ?? {}) as Record<string, unknown>;
  if (typeof v.slug === 'string') return `[${index}] (slug "${v.slug}")`;
  const ends = ['person', 'organization', 'event', 'from', 'to', 'entity', 'property']
    .filter((k) => typeof v[k] === 'string')
    .map((k) => `${k} "${v[k]}"`);
  return ends.length > 0 ? `[${index}] (${ends.join(', ')})` : `[${index}]`;
}

/** True when the field at `fieldPath` is not in its (object) parent at all, as opposed to present with a wrong value. */
function isAbsent(raw: unknown, fieldPath: readonly PropertyKey[]): boolean {
  if (fieldPath.length === 0) return false;
  let parent: unknown = raw;
  for (const key of fieldPath.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  return typeof parent === 'object' && parent !== null && !((fieldPath.at(-1) as PropertyKey) in parent);
}

/** Bytes read (and hashed) per window of a fixture file: memory stays flat whatever the file's size. */
const WINDOW_BYTES = 16 * 1024 * 1024;
/** Array elements are parsed in runs of about this many bytes, one JSON.parse call per run. */
const PARSE_RUN_BYTES = 1024 * 1024;
/** The longest file that can still be decoded as one string, to report its syntax errors as before. */
const MAX_TEXT_BYTES = bufferConstants.MAX_STRING_LENGTH;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Index just past the closing quote of the string whose content starts at `from`, or -1 if not in `bytes`. */
function skipString(bytes: Buffer, from: number): number {
  const length = bytes.length;
  let i = from;
  for (;;) {
    // Short strings (keys, slugs) byte by byte; long ones (bodies) with a native search for the quote.
    let quote = i;
    const limit = Math.min(length, i + 64);
    while (quote < limit && bytes[quote] !== QUOTE) quote++;
    if (quote === limit) {
      if (limit === length) return -1;
      quote = bytes.indexOf(QUOTE, limit);
      if (quote === -1) return -1;
    }
    // Escaped when preceded by an odd number of backslashes (the opening quote stops the count).
    let k = quote - 1;
    while (bytes[k] === BACKSLASH) k--;
    if ((quote - 1 - k) % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

const INCOMPLETE = -1;

/**
 * Index of the comma or bracket that ends the value starting at `from`; INCOMPLETE when the bytes end
 * first; -2 - i for a "}" at i that closes nothing.
 */
function skipValue(bytes: Buffer, from: number): number {
  const length = bytes.length;
  let depth = 0;
  let i = from;
  while (i < length) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      i = skipString(bytes, i + 1);
      if (i === -1) return INCOMPLETE;
      continue;
    }
    if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      if (depth === 0) return byte === CLOSE_BRACKET ? i : -2 - i;
      depth--;
    } else if (byte === COMMA && depth === 0) return i;
    i++;
  }
  return INCOMPLETE;
}

/** Where the scanner is: before the "[", before the first element or "]", before an element, at a "," or "]", after "]". */
const ScanState = { BeforeArray: 0, FirstElement: 1, Element: 2, Separator: 3, AfterArray: 4 } as const;
type ScanState = (typeof ScanState)[keyof typeof ScanState];

/**
 * Finds the elements of a top-level JSON array in its UTF-8 bytes, window by window, without decoding
 * them: a string is skipped to its closing quote (one not escaped by an odd run of backslashes), brackets
 * and braces are counted, and an element ends at the comma or bracket that follows it at depth 0. Each
 * window is scanned from an element boundary; an element cut by the end of the window is left for the
 * next window, which starts where it starts. The elements themselves are checked by JSON.parse, so a file
 * is accepted exactly when JSON.parse would accept it whole.
 */
export class JsonArrayScanner {
  private state: ScanState = ScanState.BeforeArray;
  /** Set on the first syntax error: its byte offset in the file and what is wrong. */
  error: { offset: number; message: string; notArray: boolean } | null = null;

  get done(): boolean {
    return this.state === ScanState.AfterArray;
  }

  /**
   * Scans `bytes`, which start at byte `base` of the file, appending the [start, end) byte ranges of the
   * complete elements (relative to `bytes`) to `starts` and `ends`. Returns how many bytes were used up: the
   * next window must start at `base` plus that. `final` says the file ends with these bytes.
   */
  scan(bytes: Buffer, base: number, final: boolean, starts: number[], ends: number[]): number {
    const length = bytes.length;
    let i = 0;
    const fail = (at: number, message: string, notArray = false) => {
      this.error = { offset: base + at, message, notArray };
      return length;
    };
    while (this.error === null) {
      if (this.state !== ScanState.Separator) while (i < length && isJsonSpace(bytes[i] as number)) i++;
      if (i === length) {
        if (!final) return i;
        if (this.state === ScanState.AfterArray) return i;
        return fail(i, 'unexpected end of the file', this.state === ScanState.BeforeArray);
      }
      const byte = bytes[i] as number;
      switch (this.state) {
        case ScanState.BeforeArray:
          if (byte !== OPEN_BRACKET) return fail(i, 'the file does not start with "["', true);
          i++;
          this.state = ScanState.FirstElement;
          break;
        case ScanState.FirstElement:
        case ScanState.Element: {
          if (byte === CLOSE_BRACKET && this.state === ScanState.FirstElement) {
            i++;
            this.state = ScanState.AfterArray;
            break;
          }
          if (byte === COMMA || byte === CLOSE_BRACKET) return fail(i, `unexpected "${String.fromCharCode(byte)}"`);
          const end = skipValue(bytes, i);
          if (end < INCOMPLETE) return fail(-2 - end, 'unexpected "}"');
          if (end === INCOMPLETE) {
            if (final) return fail(length, 'unexpected end of the file');
            return i; // the element continues in the next window
          }
          starts.push(i);
          ends.push(end);
          i = end;
          this.state = ScanState.Separator;
          break;
        }
        case ScanState.Separator:
          i++;
          this.state = byte === COMMA ? ScanState.Element : ScanState.AfterArray;
          break;
        case ScanState.AfterArray:
          return fail(i, 'unexpected data after the closing "]"');
      }
    }
    return length;
  }
}

/** Parses the elements [from, to) of `bytes` (ranges from the scanner) with one JSON.parse call. */
function parseElements(bytes: Buffer, starts: number[], ends: number[], from: number, to: number): unknown[] {
  const text = bytes.toString('utf8', starts[from], ends[to - 1]);
  const values: unknown = JSON.parse(`[${text}]`);
  if (!Array.isArray(values) || values.length !== to - from) throw new SyntaxError('malformed array elements');
  return values;
}

/** Reads `buffer.length` bytes at `position` into `buffer`, fewer only at the end of the file. */
async function readAt(handle: FileHandle, position: number, buffer: Buffer): Promise<Buffer> {
  const length = buffer.length;
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

function toHex(digest: ArrayBuffer): string {
  return Buffer.from(digest).toString('hex');
}

/** What reading one fixture file gave: its valid records, its problems, and digests of its bytes. */
interface FileResult<T> {
  records: Labelled<T>[];
  problems: FixtureProblem[];
  /** Slugs of records that exist but failed validation: a reference to one is not reported again as unknown. */
  failedSlugs: Set<string>;
  /** SHA-256 (hex) of consecutive pieces of the file, in order; none for a missing file. */
  digests: Promise<string[]>;
}

/** Validates one parsed record into `result`: the fast check when it vouches for it, zod otherwise. */
function addRecord<F extends FixtureFileName>(
  file: F,
  raw: unknown,
  index: number,
  result: FileResult<FixtureSet[F][number]>,
) {
  const fast = FAST_FIXTURE_CHECKS[file](raw);
  if (fast !== INVALID) {
    result.records.push({ value: fast as FixtureSet[F][number], index });
    return;
  }
  const parsed = FIXTURE_FILES[file].safeParse(raw);
  if (parsed.success) {
    result.records.push({ value: parsed.data as FixtureSet[F][number], index });
    return;
  }
  if (typeof raw === 'object' && raw !== null && typeof (raw as { slug?: unknown }).slug === 'string') {
    result.failedSlugs.add((raw as { slug: string }).slug);
  }
  const label = recordLabel(index, raw);
  for (const issue of parsed.error.issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const fieldPath = [...issue.path, ...keys].map(String).join('.') || null;
    const message =
      issue.code === 'unrecognized_keys'
        ? 'is not a known field'
        : issue.code === 'invalid_type' && isAbsent(raw, issue.path)
          ? 'is required (write null, or [] for a list, when the article does not say)'
          : issue.message;
    result.problems.push({ file, record: label, field: fieldPath, message });
  }
}

/** The whole file as one string, parsed and validated at once: how a file with a syntax error is reported. */
async function readWhole<F extends FixtureFileName>(
  handle: FileHandle,
  file: F,
  result: FileResult<FixtureSet[F][number]>,
) {
  let text: string;
  try {
    // The handle already checked, not the path again: the file cannot be swapped in between.
    text = await handle.readFile({ encoding: 'utf8' });
  } catch (error) {
    result.problems.push({ file, record: null, field: null, message: String(error) });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    result.problems.push({
      file,
      record: null,
      field: null,
      message: `is not valid JSON: ${(error as Error).message}`,
    });
    return;
  }
  if (!Array.isArray(parsed)) {
    result.problems.push({ file, record: null, field: null, message: 'must be a JSON array of records' });
    return;
  }
  for (let index = 0; index < parsed.length; index++) addRecord(file, parsed[index], index, result);
}

/** What streamJsonArray found: the file's size, digests of its bytes, and whether it holds a JSON array. */
export interface JsonArrayStream {
  size: number;
  /** SHA-256 (hex) of consecutive pieces of the file, in order, covering every byte once. */
  digests: Promise<string[]>;
  /**
   * Null when the file is one JSON array (every element handed to `onValues`); otherwise why not, and
   * whether it is not an array at all (`notArray`). Elements handed over before an error are not taken back.
   */
  error: { message: string; notArray: boolean } | null;
}

/**
 * Reads a file that should hold a JSON array, in windows: each window is hashed on the thread pool, and
 * its complete elements are parsed a run at a time (about PARSE_RUN_BYTES per JSON.parse call) and handed
 * to `onValues` in order, while the next window is read. No string holds the whole file, so a file larger
 * than the longest string V8 allows can be read too. The first syntax error stops the parsing (the file is
 * still read to the end, for its digests).
 */
export async function streamJsonArray(
  handle: FileHandle,
  onValues: (values: unknown[]) => void,
  windowBytes = WINDOW_BYTES,
): Promise<JsonArrayStream> {
  const digests: Promise<ArrayBuffer>[] = [];
  const scanner = new JsonArrayScanner();
  let size = 0;
  let elements = 0;
  let parseError: string | null = null;
  let pending: Promise<Buffer> | null = null;

  const parseRuns = (bytes: Buffer, base: number, starts: number[], ends: number[]) => {
    for (let from = 0; from < starts.length && parseError === null; ) {
      let to = from + 1;
      while (to < starts.length && (ends[to] as number) - (starts[from] as number) <= PARSE_RUN_BYTES) to++;
      let values: unknown[];
      try {
        values = parseElements(bytes, starts, ends, from, to);
      } catch {
        // Find the element at fault, for the report of a file too large to parse whole.
        for (let k = from; k < to && parseError === null; k++) {
          try {
            parseElements(bytes, starts, ends, k, k + 1);
          } catch (error) {
            const at = base + (starts[k] as number);
            parseError = `${(error as Error).message} (in element [${elements + k - from}], from byte ${at})`;
          }
        }
        parseError ??= 'malformed array elements';
        return;
      }
      elements += values.length;
      onValues(values);
      from = to;
    }
  };

  try {
    let position = 0;
    let hashedTo = 0;
    // Two buffers in turn: one is read into while the other is parsed (strings and digests copy what they need).
    // A small file in one window just larger than it (which tells that it ends there).
    windowBytes = Math.min(windowBytes, (await handle.stat()).size + 1);
    let reading: Buffer = Buffer.allocUnsafe(windowBytes);
    let spare: Buffer | null = null;
    pending = readAt(handle, 0, reading);
    for (;;) {
      const bytes: Buffer = await (pending as Promise<Buffer>);
      pending = null;
      const final = bytes.length < windowBytes;
      size = Math.max(size, position + bytes.length);
      if (position + bytes.length > hashedTo) {
        digests.push(webcrypto.subtle.digest('SHA-256', bytes.subarray(hashedTo - position)));
        hashedTo = position + bytes.length;
      }
      const starts: number[] = [];
      const ends: number[] = [];
      const scanning = scanner.error === null && parseError === null;
      const base = position;
      const used = scanning ? scanner.scan(bytes, base, final, starts, ends) : bytes.length;
      if (!final) {
        if (used === 0) {
          // An element longer than the window: read a larger window from the same place.
          windowBytes *= 2;
          reading = Buffer.allocUnsafe(windowBytes);
          spare = null;
        }
        position += used;
        [reading, spare] = [spare ?? Buffer.allocUnsafe(windowBytes), reading];
        pending = readAt(handle, position, reading);
      }
      if (scanning) parseRuns(bytes, base, starts, ends);
      if (final) break;
    }
  } finally {
    await pending?.catch(() => undefined);
  }
  let error: JsonArrayStream['error'] = null;
  if (scanner.error) {
    const { message, offset, notArray } = scanner.error;
    error = { message: `${message} at byte ${offset}`, notArray };
  } else if (parseError !== null) error = { message: parseError, notArray: false };
  else if (!scanner.done) error = { message: 'unexpected end of the file', notArray: false };
  return { size, digests: Promise.all(digests).then((list) => list.map(toHex)), error };
}

/** What a file that is not a regular file is, for the report. */
function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a file';
}

/**
 * Opens a fixture file for reading only if it is a regular file inside the data directory (`root`, already
 * resolved): a symbolic link is followed only to a file inside it, and the file is opened non-blocking, so a
 * named pipe cannot hold the open (and a thread of libuv's pool, which the process waits for at exit) forever.
 * Returns the handle, or what is wrong with the file; never anything read from it.
 */
export async function openFixtureFile(root: string, file: string): Promise<FileHandle | string> {
  let real: string;
  try {
    real = await realpath(path.join(root, file));
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file is missing' : String(error);
  }
  const relative = path.relative(root, real);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return 'is a symbolic link to a file outside the data directory: fixture files must be inside it';
  }
  let handle: FileHandle;
  try {
    handle = await open(real, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return 'was replaced by a symbolic link while being opened';
    return code === 'ENOENT' ? 'file is missing' : String(error);
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return handle;
    await handle.close();
    return `is ${fileKind(stats)}, not a regular file`;
  } catch (error) {
    await handle.close().catch(() => undefined);
    return String(error);
  }
}

/**
 * Reads, parses and validates one fixture file (see streamJsonArray). A file that is not a JSON array is
 * reported as before, from JSON.parse of its whole text, and then without any record problems.
 */
async function readFixtureFile<F extends FixtureFileName>(
  root: string,
  file: F,
): Promise<FileResult<FixtureSet[F][number]>> {
  const result: FileResult<FixtureSet[F][number]> = {
    records: [],
    problems: [],
    failedSlugs: new Set(),
    digests: Promise.resolve([]),
  };
  const handle = await openFixtureFile(root, file);
  if (typeof handle === 'string') {
    result.problems.push({ file, record: null, field: null, message: handle });
    return result;
  }
  try {
    let stream: JsonArrayStream;
    try {
      let index = 0;
      stream = await streamJsonArray(handle, (values) => {
        for (const raw of values) addRecord(file, raw, index++, result);
      });
    } catch (error) {
      result.records = [];
      result.problems = [{ file, record: null, field: null, message: String(error) }];
      return result;
    }
    result.digests = stream.digests;
    if (stream.error === null) return result;
    result.records = [];
    result.problems = [];
    result.failedSlugs = new Set();
    if (stream.size <= MAX_TEXT_BYTES) await readWhole(handle, file, result);
    else if (stream.error.notArray) {
      result.problems.push({ file, record: null, field: null, message: 'must be a JSON array of records' });
    } else {
      result.problems.push({ file, record: null, field: null, message: `is not valid JSON: ${stream.error.message}` });
    }
    return result;
  } finally {
    await handle.close();
  }
}

/** Reads, validates and cross-checks a fixture directory; throws FixtureError listing every problem. */
export interface LoadOptions {
  /**
   * Called once the articles and entities are read and unique, before the slower checks and the mentions,
   * with the very arrays the dataset will hold (entities: persons, organizations, events): a search index can
   * start building meanwhile. Called only if nothing was wrong so far; the load may still fail after it.
   */
  onIndexable?: (entities: readonly EntityRecord[], articles: readonly ArticleRecord[]) => void;
}

export async function loadDataset(directory: string, options: LoadOptions = {}): Promise<Dataset> {
  const problems: FixtureProblem[] = [];
  const files = Object.keys(FIXTURE_FILES) as FixtureFileName[];
  // One file after another (each reads ahead and hashes on the thread pool); problems in file order.
  const read: FileResult<unknown>[] = [];
  let root: string;
  try {
    root = await realpath(directory);
  } catch (error) {
    throw new FixtureError(directory, [
      { file: directory, record: null, field: null, message: `cannot be read as the data directory: ${error}` },
    ]);
  }
  for (const file of files) read.push(await readFixtureFile(root, file));
  const byFile = {} as { [F in FixtureFileName]: Labelled<FixtureSet[F][number]>[] };
  files.forEach((file, i) => {
    const entry = read[i] as FileResult<unknown>;
    problems.push(...entry.problems);
    (byFile as Record<string, unknown>)[file] = entry.records;
  });
  /** The valid records of a type's fixture file. */
  const entityFixtures = (type: EntityType) =>
    byFile[ENTITY_TYPE_INFO[type].file] as Labelled<
      FixtureSet[(typeof ENTITY_TYPE_INFO)[EntityType]['file']][number]
    >[];
  // The version: SHA-256 of each file's name and the digests of its pieces.
  const hash = createHash('sha256');
  for (const [i, file] of files.entries()) {
    hash.update(`${file}\0${(await read[i]?.digests)?.join('') ?? ''}\0`);
  }

  const report = (file: string, record: string | null, field: string | null, message: string) =>
    problems.push({ file, record, field, message });

  const uniqueBySlug = <T extends { slug: string }>(file: FixtureFileName, records: Labelled<T>[]) => {
    const map = new Map<string, T>();
    for (const record of records) {
      const { value } = record;
      if (map.has(value.slug)) report(file, labelOf(record), 'slug', `duplicate slug "${value.slug}"`);
      else map.set(value.slug, value);
    }
    return map;
  };

  const articles = uniqueBySlug('articles.json', byFile['articles.json']);
  /** Each type's records by slug, tagged with their type. */
  const entityTables = byEntityType((type) =>
    uniqueBySlug(
      ENTITY_TYPE_INFO[type].file,
      entityFixtures(type).map((r) => ({ ...r, value: { type, ...r.value } as EntityRecord })),
    ),
  );
  const persons = entityTables.Person;
  const organizations = entityTables.Organization;
  const events = entityTables.Event;

  const articleList = [...articles.values()];
  const entityLists = Object.fromEntries(
    ENTITY_TYPES.map((type) => [ENTITY_TYPE_INFO[type].plural, [...entityTables[type].values()]]),
  ) as EntityLists;
  const entities = allEntities(entityLists);
  if (problems.length === 0) options.onIndexable?.(entities, articleList);

  for (const record of byFile['events.json']) {
    const { value } = record;
    // Compare at the coarser of the two precisions: "2024-11" may end what started on "2024-11-15".
    const precision = Math.min(value.startDate?.length ?? 0, value.endDate?.length ?? 0);
    if (value.startDate && value.endDate && value.endDate.slice(0, precision) < value.startDate.slice(0, precision)) {
      report('events.json', labelOf(record), 'endDate', `"${value.endDate}" is before startDate "${value.startDate}"`);
    }
  }
  for (const type of ENTITY_TYPES) {
    const file = ENTITY_TYPE_INFO[type].file;
    for (const record of entityFixtures(type)) {
      const { value } = record;
      if (value.aliases.length === 0) continue;
      const seen = new Set<string>([value.name]);
      value.aliases.forEach((alias, i) => {
        if (seen.has(alias))
          report(file, labelOf(record), `aliases.${i}`, `"${alias}" repeats the name or another alias`);
        seen.add(alias);
      });
    }
  }

  /** Checks that each quote is in its article exactly once and returns it with its offsets. */
  const locateEvidence = (
    file: FixtureFileName,
    label: string,
    evidence: { article: string; quote: string }[],
  ): EvidenceRecord[] => {
    const located: EvidenceRecord[] = [];
    evidence.forEach(({ article, quote }, i) => {
      const body = articles.get(article)?.body;
      if (body === undefined) {
        report(file, label, `evidence.${i}.article`, `refers to unknown article "${article}"`);
        return;
      }
      const start = body.indexOf(quote);
      if (start === -1) {
        report(file, label, `evidence.${i}.quote`, `quote not found in the body of article "${article}": "${quote}"`);
        return;
      }
      if (body.indexOf(quote, start + 1) !== -1) {
        report(
          file,
          label,
          `evidence.${i}.quote`,
          `quote occurs more than once in article "${article}"; quote more of the sentence: "${quote}"`,
        );
        return;
      }
      located.push({ article, quote, start, end: start + quote.length });
    });
    return located;
  };

  // Slugs of records that exist but failed validation: a reference to one is not reported again as unknown.
  const slugsSeenIn = (file: FixtureFileName) => read[files.indexOf(file)]?.failedSlugs ?? new Set<string>();
  const slugsSeen: Record<string, Set<string>> = Object.fromEntries(
    ENTITY_TYPES.map((type) => [ENTITY_TYPE_INFO[type].noun, slugsSeenIn(ENTITY_TYPE_INFO[type].file)]),
  );
  const checkRef = (
    file: FixtureFileName,
    label: string,
    field: string,
    slug: string,
    table: Map<string, unknown>,
    what: string,
  ) => {
    if (table.has(slug)) return true;
    // A valid record's slug is in `table`; slugsSeen holds those of the records that failed validation.
    if (!slugsSeen[what]?.has(slug)) report(file, label, field, `refers to unknown ${what} "${slug}"`);
    return false;
  };

  /** Validates the two ends and the quotes of each relationship record, and rejects duplicates. */
  function relationships<R extends { evidence: { article: string; quote: string }[] }, Out>(
    file: FixtureFileName,
    records: Labelled<R>[],
    ends: Array<[keyof R & string, Map<string, unknown>, string]>,
    build: (record: R, evidence: EvidenceRecord[]) => Out,
  ): Out[] {
    const out: Out[] = [];
    const seen = new Set<string>();
    for (const record of records) {
      const { value } = record;
      const label = labelOf(record);
      const endsOk = ends
        .map(([field, table, what]) => checkRef(file, label, field, String(value[field]), table, what))
        .every(Boolean);
      // Two records between the same ends are one relationship, unless they state different kinds of relation.
      const qualifier = 'kind' in value ? value.kind : 'relation' in value ? value.relation : '';
      const identity = [...ends.map(([field]) => String(value[field])), qualifier].join('\0');
      if (seen.has(identity)) {
        report(file, label, null, 'duplicates an earlier record between the same ends: merge their evidence');
        continue;
      }
      seen.add(identity);
      const firstEnd = ends[0];
      const secondEnd = ends[1];
      if (firstEnd && secondEnd && firstEnd[1] === secondEnd[1] && value[firstEnd[0]] === value[secondEnd[0]]) {
        report(file, label, secondEnd[0], 'relates a record to itself');
        continue;
      }
      const evidence = locateEvidence(file, label, value.evidence);
      if (endsOk && evidence.length === value.evidence.length) out.push(build(value, evidence));
    }
    return out;
  }

  const affiliations = relationships(
    'affiliations.json',
    byFile['affiliations.json'],
    [
      ['person', persons, 'person'],
      ['organization', organizations, 'organization'],
    ],
    (r, evidence): AffiliationRecord => ({ ...r, evidence }),
  );
  const participations = relationships(
    'participations.json',
    byFile['participations.json'],
    [
      ['person', persons, 'person'],
      ['event', events, 'event'],
    ],
    (r, evidence): ParticipationRecord => ({ ...r, evidence }),
  );
  const involvements = relationships(
    'involvements.json',
    byFile['involvements.json'],
    [
      ['organization', organizations, 'organization'],
      ['event', events, 'event'],
    ],
    (r, evidence): InvolvementRecord => ({ ...r, evidence }),
  );
  const organizationRelations = relationships(
    'organization-relations.json',
    byFile['organization-relations.json'],
    [
      ['from', organizations, 'organization'],
      ['to', organizations, 'organization'],
    ],
    (r, evidence): OrganizationRelationRecord => ({ ...r, evidence }),
  );
  const eventRelations = relationships(
    'event-relations.json',
    byFile['event-relations.json'],
    [
      ['from', events, 'event'],
      ['to', events, 'event'],
    ],
    (r, evidence): EventRelationRecord => ({ ...r, evidence }),
  );

  // An organization has at most one parent, and PART_OF never loops back on itself.
  const parentOf = new Map<string, string>();
  byFile['organization-relations.json'].forEach((record) => {
    const { value } = record;
    if (value.kind !== 'PART_OF') return;
    const label = labelOf(record);
    if (parentOf.has(value.from)) {
      report(
        'organization-relations.json',
        label,
        'from',
        `organization "${value.from}" is already PART_OF "${parentOf.get(value.from)}"`,
      );
      return;
    }
    parentOf.set(value.from, value.to);
    const visited = new Set([value.from]);
    for (let next = parentOf.get(value.from); next !== undefined; next = parentOf.get(next)) {
      if (visited.has(next)) {
        report('organization-relations.json', label, 'to', `PART_OF forms a cycle through "${next}"`);
        break;
      }
      visited.add(next);
    }
  });

  // Claims (claims.ts): their references and quotes, then every attribute value backed by one.
  const claims = checkClaims({
    records: byFile['claims.json'],
    labelOf,
    entities: entityTables,
    failedSlugs: (type) => slugsSeen[ENTITY_TYPE_INFO[type].noun] ?? new Set(),
    articles,
    locateEvidence,
    report,
  });
  checkAttributeClaims(
    ENTITY_TYPES.flatMap((type) =>
      entityFixtures(type).map(
        (record): LabelledEntity => ({
          record: entityTables[type].get(record.value.slug) ?? ({ type, ...record.value } as EntityRecord),
          label: labelOf(record),
        }),
      ),
    ),
    claims,
    report,
  );

  const matcher = new MentionMatcher(entities);
  const mentions: MentionRecord[] = [];
  for (const article of articles.values()) matcher.findInto(article.slug, article.body, mentions);
  // The matcher shares one key object per entity: collect those, then their `type:slug` strings.
  const mentionedKeys = new Set<EntityKey>();
  for (const mention of mentions) mentionedKeys.add(mention.entity);
  const mentioned = new Set([...mentionedKeys].map(entityKeyString));
  for (const type of ENTITY_TYPES) {
    const file = ENTITY_TYPE_INFO[type].file;
    for (const record of entityFixtures(type)) {
      if (!mentioned.has(`${type}:${record.value.slug}`)) {
        report(
          file,
          labelOf(record),
          'name',
          'neither the name nor any alias occurs in any article body: every entity must be mentioned',
        );
      }
    }
  }

  if (problems.length > 0) throw new FixtureError(directory, problems);
  return {
    version: hash.digest('hex').slice(0, 16),
    articles: articleList,
    ...entityLists,
    affiliations,
    participations,
    involvements,
    organizationRelations,
    eventRelations,
    mentions,
    claims,
  };
}

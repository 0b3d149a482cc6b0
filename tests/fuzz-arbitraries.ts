/**
 * Generators for tests/fuzz.test.ts: GraphQL documents walked from the real schema (selection sets of random
 * depth, arguments of right and wrong types, aliases, fragments, directives, unknown fields), variables that do
 * and do not coerce, and malformed HTTP requests (random bytes, JSON that is not a request, huge bodies, every
 * method, content type and Accept header, GET query strings, form and multipart bodies).
 *
 * A generated request is a small description (`FuzzRequest`), turned into a real request by `materialize`, so
 * that a failing input prints short and readable even when it stands for a 200 KB body.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
} from 'graphql';
import { DEFAULT_LIMITS } from '../src/config.js';
import { CSRF_HEADER } from '../src/plugins/graphql-over-http.js';
import { schema } from '../src/schema/index.js';
import { DATA_DIR } from './helpers.js';

// ---------------------------------------------------------------------------------------------------------------
// The request description

export type FuzzBody =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  /** `prefix + unit × times + suffix`: a huge body described in a few characters. */
  | { kind: 'huge'; prefix: string; unit: string; times: number; suffix: string };

export interface FuzzRequest {
  /** Which generator made it (for the statistics). */
  gen: string;
  method: string;
  /** Path and query string, relative to http://localhost. */
  url: string;
  headers: Record<string, string>;
  body?: FuzzBody;
  /** What the response must be, when the input makes it certain. */
  expect?: { code?: string; notCode?: string; noErrors?: boolean; status?: number };
}

export function bodyText(body: FuzzBody): string {
  if (body.kind === 'text') return body.text;
  if (body.kind === 'huge') return body.prefix + body.unit.repeat(body.times) + body.suffix;
  return Buffer.from(body.bytes).toString('latin1');
}

export function bodyBytes(body: FuzzBody): Uint8Array {
  return body.kind === 'bytes' ? body.bytes : Buffer.from(bodyText(body), 'utf8');
}

/** The URL and RequestInit for `yoga.fetch` (GET and HEAD never carry a body). */
export function materialize(request: FuzzRequest): { url: string; init: RequestInit } {
  // A copy: the fetch implementation adds content-length to the object it is given.
  const init: RequestInit = { method: request.method, headers: { ...request.headers } };
  if (request.body && request.method !== 'GET' && request.method !== 'HEAD') {
    init.body = request.body.kind === 'bytes' ? new Blob([new Uint8Array(request.body.bytes)]) : bodyText(request.body);
  }
  return { url: `http://localhost${request.url}`, init };
}

// ---------------------------------------------------------------------------------------------------------------
// Values

/** An enum value: a bare name in a document, a string in variables. */
export class EnumName {
  constructor(readonly name: string) {}
  [fc.toStringMethod](): string {
    return `enum(${this.name})`;
  }
}

/** Literal text written as is in a document (`1e3`, `0x1F`, `$undeclared`); in variables, its number or text. */
export class RawLiteral {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return `raw(${this.text})`;
  }
}

export type Value = null | boolean | number | string | EnumName | RawLiteral | Value[] | { [key: string]: Value };

export function toLiteral(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof EnumName) return value.name;
  if (value instanceof RawLiteral) return value.text;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(toLiteral).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, v]) => `${key}: ${toLiteral(v)}`)
    .join(', ')}}`;
}

export function toJson(value: Value): unknown {
  if (value instanceof EnumName) return value.name;
  if (value instanceof RawLiteral) {
    const number = Number(value.text);
    return Number.isFinite(number) ? number : value.text;
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value))
      Object.defineProperty(out, key, { value: toJson(v), enumerable: true });
    return out;
  }
  return value;
}

/** `arbitrary` once in `oneIn` times, null otherwise (fc.option's freq is the other way round). */
function rarely<T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

function slugsOf(file: string): string[] {
  const records = JSON.parse(readFileSync(path.join(DATA_DIR, file), 'utf8')) as { slug: string }[];
  return records.map((record) => record.slug);
}

const REAL_SLUGS: Record<string, string[]> = {
  Person: slugsOf('persons.json'),
  Organization: slugsOf('organizations.json'),
  Event: slugsOf('events.json'),
  Article: slugsOf('articles.json'),
};
const ALL_SLUGS = Object.values(REAL_SLUGS).flat();
const REAL_IDS = Object.entries(REAL_SLUGS).flatMap(([type, slugs]) => slugs.map((slug) => b64(`${type}:${slug}`)));

const WEIRD_STRINGS = [
  '',
  ' ',
  '   ',
  '\t\n',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '0',
  '-1',
  'null',
  'undefined',
  'NaN',
  'true',
  '🙂',
  '👨‍👩‍👧‍👦',
  '🇵🇪',
  'é',
  'e\u0301',
  'İstanbul',
  'ß',
  'ﬁ',
  'Ω',
  '\u0000',
  '\u202e',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\\',
  '"',
  "'",
  '*',
  '.*',
  '(',
  '[',
  '%',
  '_',
  '?',
  '$',
  '{',
  '}',
  '<script>',
  'a'.repeat(200),
  'a'.repeat(201),
  'quds',
  'Quds Force',
  'majid azizi',
  'peru',
  'QUDS',
  'PERÚ',
  'tehran',
  'the',
  'a',
  'q u d s',
  'IR',
  'PE',
  'XX',
];

export const stringValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WEIRD_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'é', '🙂', ' ', 'quds '), fc.integer({ min: 100, max: 1200 }))
      .map(([unit, times]) => unit.repeat(times)),
  },
);

const slugValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ALL_SLUGS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'x',
      '__proto__',
      'constructor',
      'toString',
      'UPPER',
      'a--b',
      '-a',
      'a-',
      'a b',
      'ä',
    ),
  },
  { weight: 1, arbitrary: stringValue },
);

const TYPENAMES = ['Person', 'Organization', 'Event', 'Article', 'Mention', 'Evidence', 'Query', 'Node', 'person', 'X'];

export const idValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...REAL_IDS) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...TYPENAMES, ''), slugValue).map(([type, slug]) => b64(`${type}:${slug}`)),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...TYPENAMES), slugValue).map(([type, slug]) => `${type}:${slug}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '!!!!',
      '====',
      'YQ',
      'YQ=',
      'YQ==',
      'A'.repeat(600),
      `${b64('Person:majid-azizi')}=`,
      b64('Person:majid-azizi').replace(/=+$/, ''),
      b64('Person:majid-azizi').toLowerCase(),
      b64('Person:majid-azizi:extra'),
      b64('Person:'),
      b64(':'),
      b64('Person:__proto__'),
      b64('__proto__:x'),
    ),
  },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 40 }) },
  { weight: 1, arbitrary: stringValue },
);

const cursorValue: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(-1, 99, 100, 101, 999_999_999, 1_000_000_000, 2 ** 53))
      .map((offset) => b64(`cursor:${offset}`)),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'cursor:01',
        'cursor:1e3',
        'cursor:1.5',
        'cursor:',
        'cursor:-0',
        'cursor: 1',
        'Cursor:1',
        'cursor:0 ',
      )
      .map(b64),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'cursor:1', 'Y3Vyc29yOjA', 'Y3Vyc29yOjA===', 'A'.repeat(65)) },
  { weight: 1, arbitrary: idValue },
  { weight: 1, arbitrary: fc.base64String({ maxLength: 40 }) },
  { weight: 1, arbitrary: stringValue },
);

const dateValue: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '2024',
      '2024-11',
      '2024-07-13',
      '2014-06-01',
      '2024-03-08',
      '2024-02-29',
      '2000',
      '1970-01-01',
      '2100-12-31',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'July 2024',
      '2024-13',
      '2024-00',
      '2024-02-30',
      '2023-02-29',
      '2024-00-01',
      '2024-1-1',
      '0000',
      '0001-01-01',
      '9999-12-31',
      '10000',
      '-2024',
      '+2024',
      '2024-07-13T10:00',
      '2024-07-13T25:99',
      ' 2024',
      '2024 ',
      '2024/07/13',
      '24',
      '２０２４',
      '',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: -1, max: 10_000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  },
  { weight: 1, arbitrary: stringValue },
);

const countryValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('IR', 'PE', 'US', 'IL', 'ir', 'XX', 'IRN', '🇮🇷', 'I', '') },
  { weight: 1, arbitrary: stringValue },
);

const searchValue = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('quds', 'majid', 'peru', 'tehran', 'apec', 'arrest', 'force iran', 'Perú', 'QUDS FORCE'),
  },
  { weight: 2, arbitrary: stringValue },
);

const TYPE_NAMES = Object.keys(schema.getTypeMap());

/** Ints in range (negative and huge included), or, in chaos, literals an Int cannot be. */
const validInt: fc.Arbitrary<Value> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 103 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 20, 100, 101, -1, 2_147_483_647, -2_147_483_648) },
  { weight: 1, arbitrary: fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }) },
);
const chaosInt: fc.Arbitrary<Value> = fc.oneof(
  validInt,
  fc.constantFrom(2_147_483_648, -2_147_483_649, 2 ** 53 + 2, 1e21),
  fc
    .constantFrom('99999999999999999999', '1e3', '1.5', '00', '0x1F', 'NaN', 'Infinity', '-0', '+1')
    .map((text) => new RawLiteral(text)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A value of any kind, for an argument of the wrong type. */
const anyValue: fc.Arbitrary<Value> = fc.oneof(
  fc.integer(),
  stringValue,
  fc.boolean(),
  fc.constant(null),
  fc.constant<Value>([]),
  fc.constant<Value>({}),
  fc.constantFrom('FOO', 'PERSON', 'ASC', 'true').map((name) => new EnumName(name)),
  fc.constantFrom('$undeclared', '1.5e309', '"""block"""').map((text) => new RawLiteral(text)),
);

const UNKNOWN_KEYS = ['bogus', '__proto__', 'constructor', 'first', 'field', 'nameContains'];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Strings for an argument, chosen by its name: cursors, dates, IDs, slugs, countries, search words. */
function stringFor(argName: string, isId: boolean): fc.Arbitrary<string | number> {
  if (argName === 'after' || argName === 'before') return cursorValue;
  if (/^(from|to|publishedFrom|publishedTo|startDate|endDate)$/.test(argName)) return dateValue;
  if (isId || /^(id|ids|entity|involves|affiliatedWith|partOf|mentionedIn|mentions)$/.test(argName)) {
    return fc.oneof({ weight: 6, arbitrary: idValue }, { weight: 1, arbitrary: fc.integer() });
  }
  if (argName === 'slug') return slugValue;
  if (argName === 'country' || argName === 'nationality') return countryValue;
  if (/^(query|text|nameContains|location)$/.test(argName)) return searchValue;
  if (argName === 'name') return fc.oneof(fc.constantFrom(...TYPE_NAMES), stringValue);
  return stringValue;
}

const valueMemo = new Map<string, fc.Arbitrary<Value>>();

/**
 * Values for an input of this type. Without chaos they are of the right type (so the document validates) but
 * of any content: ints out of range, bad cursors, IDs and dates, empty and huge strings. With chaos, also null
 * for non-null, values of the wrong type, wrong enum values, unknown input fields, literals that do not parse.
 */
export function valueFor(type: GraphQLInputType, argName: string, chaos: boolean): fc.Arbitrary<Value> {
  const key = `${String(type)}@${argName}@${chaos}`;
  const known = valueMemo.get(key);
  if (known) return known;
  let arbitrary: fc.Arbitrary<Value>;
  if (isNonNullType(type)) {
    arbitrary = chaos
      ? fc.oneof(
          { weight: 12, arbitrary: valueFor(type.ofType, argName, chaos) },
          { weight: 1, arbitrary: fc.constant(null) },
        )
      : valueFor(type.ofType, argName, chaos).filter((v) => v !== null);
  } else {
    let base: fc.Arbitrary<Value>;
    if (isListType(type)) {
      const item = valueFor(type.ofType, argName, chaos);
      base = fc.oneof(
        { weight: 5, arbitrary: fc.array(item, { maxLength: 4 }) },
        { weight: 2, arbitrary: item },
        { weight: 1, arbitrary: fc.array(item, { minLength: 95, maxLength: 110 }) },
      );
    } else if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const record = fc.record(
        Object.fromEntries(fields.map((field) => [field.name, valueFor(field.type, field.name, chaos)])),
        { requiredKeys: fields.filter((f) => !chaos && isNonNullType(f.type)).map((f) => f.name) },
      ) as fc.Arbitrary<Record<string, Value>>;
      base = chaos
        ? fc.oneof(
            { weight: 8, arbitrary: record },
            {
              weight: 1,
              arbitrary: fc.tuple(record, fc.constantFrom(...UNKNOWN_KEYS), anyValue).map(([object, k, v]) => {
                const copy: Record<string, Value> = { ...object };
                Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true, configurable: true });
                return copy;
              }),
            },
          )
        : record;
    } else if (isEnumType(type)) {
      const names = type.getValues().map((v) => v.name);
      const valid = fc.constantFrom(...names).map((name) => new EnumName(name));
      base = chaos
        ? fc.oneof(
            { weight: 8, arbitrary: valid },
            { weight: 1, arbitrary: fc.constantFrom(...names) },
            {
              weight: 1,
              arbitrary: fc
                .constantFrom('FOO', 'person', 'ASC', 'DESC', 'PERSON', 'NAME', 'DAY', 'true', 'null')
                .map((name) => new EnumName(name)),
            },
          )
        : valid;
    } else {
      switch (type.name) {
        case 'Int':
          base = chaos ? chaosInt : validInt;
          break;
        case 'Float':
          base = fc.oneof(fc.double({ noNaN: !chaos, noDefaultInfinity: !chaos }), validInt);
          break;
        case 'Boolean':
          base = fc.boolean();
          break;
        default: {
          const strings = stringFor(argName, type.name === 'ID');
          base = chaos
            ? strings
            : strings.map((v) => (typeof v === 'string' ? v.replace(LONE_SURROGATE, '\uFFFD') : v));
          if (!chaos && type.name === 'String') base = base.map((v) => (typeof v === 'number' ? String(v) : v));
        }
      }
    }
    arbitrary = chaos
      ? fc.oneof(
          { weight: 12, arbitrary: base },
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: anyValue },
        )
      : fc.oneof({ weight: 15, arbitrary: base }, { weight: 1, arbitrary: fc.constant(null) });
  }
  valueMemo.set(key, arbitrary);
  return arbitrary;
}

// ---------------------------------------------------------------------------------------------------------------
// Documents

interface Piece {
  text: string;
  fragments: string[];
  /** The response key of a field (its alias or name), kept through fragments around it. */
  key?: string;
}

const piece = (text: string, fragments: string[] = [], key?: string): Piece =>
  key === undefined ? { text, fragments } : { text, fragments, key };

const nameArb = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,12}$/);

const directiveArb = (chaos: boolean): fc.Arbitrary<string> => {
  const valid = fc
    .tuple(fc.constantFrom('include', 'skip'), fc.boolean())
    .map(([name, value]) => `@${name}(if: ${value})`);
  if (!chaos) return valid;
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom('include', 'skip'),
          fc.constantFrom('"true"', 'null', '1', '$flag', '$flag', '$undeclared', '[true]', 'TRUE'),
        )
        .map(([name, value]) => `@${name}(if: ${value})`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '@include',
        '@skip(when: true)',
        '@deprecated',
        '@unknown',
        '@specifiedBy(url: "x")',
        '@include(if: true) @include(if: false)',
        '@oneOf',
      ),
    },
  );
};

const directivesArb = (chaos: boolean): fc.Arbitrary<string> =>
  chaos
    ? fc.oneof(
        { weight: 10, arbitrary: fc.constant('') },
        { weight: 2, arbitrary: directiveArb(chaos).map((d) => ` ${d}`) },
        { weight: 1, arbitrary: fc.tuple(directiveArb(chaos), directiveArb(chaos)).map(([a, b]) => ` ${a} ${b}`) },
      )
    : fc.oneof(
        { weight: 30, arbitrary: fc.constant('') },
        { weight: 2, arbitrary: directiveArb(chaos).map((d) => ` ${d}`) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.boolean(), fc.boolean()).map(([a, b]) => ` @include(if: ${a}) @skip(if: ${b})`),
        },
      );
const DIRECTIVES = { true: directivesArb(true), false: directivesArb(false) };

/** In chaos, a few alias names, so that aliases collide (a validation error when the fields differ). */
const ALIAS = {
  true: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'c', 'name', 'id', 'nodes', '__typename') },
    { weight: 1, arbitrary: nameArb },
  ),
  false: fc.stringMatching(/^[a-z][_0-9A-Za-z]{3,10}$/),
};

type AnyField = GraphQLField<unknown, unknown>;

function argsArb(field: AnyField, chaos: boolean): fc.Arbitrary<string> {
  const unknownArg = fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), anyValue).map(([k, v]) => `${k}: ${toLiteral(v)}`);
  if (field.args.length === 0) {
    if (!chaos) return fc.constant('');
    return fc.oneof(
      { weight: 20, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: unknownArg.map((a) => `(${a})`) },
      { weight: 1, arbitrary: fc.constant('()') },
    );
  }
  const perArg = field.args.map((arg) => {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    const given = valueFor(arg.type, arg.name, chaos).map((v) => `${arg.name}: ${toLiteral(v)}`);
    if (required && !chaos) return given;
    return fc.oneof(
      { weight: required ? 1 : 6, arbitrary: fc.constant(null) },
      { weight: required ? 20 : 5, arbitrary: given },
    );
  });
  return fc.tuple(fc.tuple(...perArg), chaos ? rarely(unknownArg, 15) : fc.constant(null)).map(([args, extra]) => {
    const all = [...args, extra].filter((a): a is string => a !== null);
    return all.length ? `(${all.join(', ')})` : '';
  });
}

const argsMemo = new Map<string, fc.Arbitrary<string>>();

function argsFor(owner: string, field: AnyField, chaos: boolean): fc.Arbitrary<string> {
  const key = `${owner}.${field.name}@${chaos}`;
  let arbitrary = argsMemo.get(key);
  if (!arbitrary) {
    arbitrary = argsArb(field, chaos);
    argsMemo.set(key, arbitrary);
  }
  return arbitrary;
}

/** `alias: name(args) @dirs { selection }`; in chaos, sometimes a selection on a leaf or none on an object. */
function fieldPiece(
  owner: string,
  field: AnyField,
  child: fc.Arbitrary<Piece> | null,
  chaos: boolean,
): fc.Arbitrary<Piece> {
  return fc
    .record({
      alias: rarely(ALIAS[`${chaos}`], chaos ? 6 : 10),
      args: argsFor(owner, field, chaos),
      dirs: DIRECTIVES[`${chaos}`],
      sel: child ?? fc.constant(null),
      wrongShape: chaos
        ? fc.oneof({ weight: 40, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
        : fc.constant(false),
    })
    .map(({ alias, args, dirs, sel, wrongShape }) => {
      const head = `${alias ? `${alias}: ` : ''}${field.name}${args}${dirs}`;
      const key = alias ?? field.name;
      if (sel === null) return piece(wrongShape ? `${head} { __typename }` : head, [], key);
      return wrongShape ? piece(head, [], key) : piece(`${head} ${sel.text}`, sel.fragments, key);
    });
}

function fieldsOf(type: GraphQLCompositeType): AnyField[] {
  if (isObjectType(type) || isInterfaceType(type)) {
    const fields = Object.values(type.getFields()) as AnyField[];
    return type === schema.getQueryType() ? [...fields, SchemaMetaFieldDef, TypeMetaFieldDef] : fields;
  }
  return [];
}

function possibleTypes(type: GraphQLCompositeType): GraphQLCompositeType[] {
  return isAbstractType(type) ? [...schema.getPossibleTypes(type)] : [];
}

const COMPOSITE_TYPES = Object.values(schema.getTypeMap()).filter(
  (t): t is GraphQLCompositeType => isCompositeType(t) && !t.name.startsWith('__'),
);

/** How many more levels of fields can be nested under a type (capped at 20): a spine never dead-ends early. */
const height = new Map<GraphQLNamedType, number>();
{
  const all = Object.values(schema.getTypeMap());
  for (const t of all) height.set(t, 0);
  for (let round = 0; round < 25; round++) {
    for (const t of all) {
      if (!isCompositeType(t)) continue;
      let best = 0;
      for (const f of fieldsOf(t)) {
        const child = getNamedType(f.type);
        if (isCompositeType(child)) best = Math.max(best, 1 + (height.get(child) ?? 0));
      }
      for (const p of possibleTypes(t)) best = Math.max(best, height.get(p) ?? 0);
      height.set(t, Math.min(20, best));
    }
  }
}

/** Wraps a selection in an inline fragment or a named fragment; in chaos, also on a wrong type, missing, cyclic. */
function wrapped(type: GraphQLCompositeType, item: fc.Arbitrary<Piece>, chaos: boolean): fc.Arbitrary<Piece> {
  const conditions = [type.name, ...possibleTypes(type).map((t) => t.name)];
  const wrongs = COMPOSITE_TYPES.map((t) => t.name).filter((n) => !conditions.includes(n));
  // Without chaos, only the type itself: the item may hold fragments on one of its possible types already.
  const condition = chaos
    ? fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...conditions) },
        { weight: 1, arbitrary: fc.constantFrom(...wrongs, 'Bogus', 'String', 'PersonFilter') },
      )
    : fc.constant(type.name);
  const dirs = DIRECTIVES[`${chaos}`];
  const options = [
    { weight: 16, arbitrary: item },
    {
      weight: 2,
      arbitrary: fc
        .tuple(condition, dirs, item)
        .map(([on, d, p]) => piece(`... on ${on}${d} { ${p.text} }`, p.fragments, p.key)),
    },
    { weight: 1, arbitrary: fc.tuple(dirs, item).map(([d, p]) => piece(`...${d} { ${p.text} }`, p.fragments, p.key)) },
    {
      weight: 2,
      arbitrary: fc.tuple(condition, dirs, item, fc.nat(1_000_000)).map(([on, d, p, n]) => {
        // In chaos, now and then the same name, so that definitions clash.
        const name = chaos && n % 20 === 0 ? 'F' : `F${n}`;
        return piece(`...${name}${d}`, [`fragment ${name} on ${on} { ${p.text} }`, ...p.fragments], p.key);
      }),
    },
  ];
  if (chaos) {
    options.push({
      weight: 1,
      arbitrary: fc.constantFrom(
        piece('...Missing'),
        piece('...Cycle', [`fragment Cycle on ${type.name} { __typename ...Cycle }`]),
        piece('... on'),
        piece('...'),
      ),
    });
  }
  return fc.oneof(...options);
}

const selectionMemo = new Map<string, fc.Arbitrary<Piece>>();

/**
 * A selection set on `type`: `spine` more levels along one path (so the depth is what was asked), and side
 * branches at most `bush` levels deep. In chaos, unknown fields too.
 */
function selectionSet(type: GraphQLCompositeType, spine: number, bush: number, chaos: boolean): fc.Arbitrary<Piece> {
  const key = `${type.name}/${spine}/${bush}/${chaos}`;
  const known = selectionMemo.get(key);
  if (known) return known;

  const leaves: fc.Arbitrary<Piece>[] = [fc.constant(piece('__typename'))];
  if (chaos)
    leaves.push(fc.constantFrom(piece('bogusField'), piece('nodez'), piece('__proto__'), piece('constructor')));
  const composites: fc.Arbitrary<Piece>[] = [];
  const spines: fc.Arbitrary<Piece>[] = [];
  for (const field of fieldsOf(type)) {
    const child = getNamedType(field.type);
    if (isLeafType(child)) leaves.push(fieldPiece(type.name, field, null, chaos));
    else if (isCompositeType(child)) {
      if (bush > 0) composites.push(fieldPiece(type.name, field, selectionSet(child, 0, bush - 1, chaos), chaos));
      if (spine > 0 && (height.get(child) ?? 0) >= spine - 1) {
        spines.push(fieldPiece(type.name, field, selectionSet(child, spine - 1, Math.min(bush, 1), chaos), chaos));
      }
    }
  }
  for (const sub of possibleTypes(type)) {
    const on = (p: Piece) => piece(`... on ${sub.name} ${p.text}`, p.fragments);
    if (bush > 0) composites.push(selectionSet(sub, 0, bush - 1, chaos).map(on));
    if (spine > 0 && (height.get(sub) ?? 0) >= spine)
      spines.push(selectionSet(sub, spine, Math.min(bush, 1), chaos).map(on));
  }

  const item = wrapped(
    type,
    composites.length
      ? fc.oneof({ weight: 3, arbitrary: fc.oneof(...leaves) }, { weight: 2, arbitrary: fc.oneof(...composites) })
      : fc.oneof(...leaves),
    chaos,
  );
  const others = fc.array(item, { minLength: spines.length ? 0 : 1, maxLength: spines.length ? 2 : 3 });
  const all = spines.length
    ? fc.tuple(wrapped(type, fc.oneof(...spines), chaos), others).map(([s, rest]) => [s, ...rest])
    : others;
  const arbitrary = all.map((items) => {
    // Without chaos, one field per response key: two with the same key and different arguments would conflict.
    const seen = new Set<string>();
    const kept = chaos
      ? items
      : items.filter((p) => p.key === undefined || (!seen.has(p.key) && Boolean(seen.add(p.key))));
    return piece(
      `{ ${kept.map((p) => p.text).join(' ')} }`,
      kept.flatMap((p) => p.fragments),
    );
  });
  selectionMemo.set(key, arbitrary);
  return arbitrary;
}

const QUERY: GraphQLObjectType = (() => {
  const query = schema.getQueryType();
  if (!query) throw new Error('the schema has no Query type');
  return query;
})();

/** Builds every selection-set generator now (they are otherwise built on first use, in the middle of a run). */
export function buildAllGenerators(): number {
  for (const chaos of [false, true]) {
    for (let depth = 0; depth <= DEFAULT_LIMITS.maxDepth + 3; depth++)
      for (let bush = 0; bush <= 2; bush++) selectionSet(QUERY, depth, bush, chaos);
  }
  return selectionMemo.size;
}

/** A selection on Query, 0 to 3 levels over the depth limit deep. */
const rootSelection = (chaos: boolean): fc.Arbitrary<Piece> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 0, max: DEFAULT_LIMITS.maxDepth - 1 }) },
        { weight: 1, arbitrary: fc.integer({ min: DEFAULT_LIMITS.maxDepth, max: DEFAULT_LIMITS.maxDepth + 3 }) },
      ),
      fc.integer({ min: 0, max: 2 }),
    )
    .chain(([depth, bush]) => selectionSet(QUERY, depth, bush, chaos));

interface Operation {
  keyword: string;
  name: string | null;
  varDefs: string;
  dirs: string;
  selection: Piece;
}

const operationArb = (chaos: boolean): fc.Arbitrary<Operation> =>
  fc.record({
    keyword: chaos
      ? fc.oneof(
          { weight: 4, arbitrary: fc.constant('') },
          { weight: 6, arbitrary: fc.constant('query') },
          { weight: 1, arbitrary: fc.constantFrom('mutation', 'subscription', 'Query', 'fragment', 'QUERY') },
        )
      : fc.constantFrom('', 'query'),
    name: fc.option(
      fc.oneof(
        fc.constantFrom('Q', 'A', 'B', 'WhoIs', 'Anonymous', '__proto__', 'query', 'IntrospectionQuery'),
        nameArb,
      ),
      { freq: 3 },
    ),
    varDefs: chaos
      ? fc.oneof(
          { weight: 6, arbitrary: fc.constant('') },
          {
            weight: 2,
            arbitrary: fc.constantFrom(
              '($flag: Boolean = true)',
              '($flag: Boolean!)',
              '($flag: Boolean)',
              '($flag: Int)',
              '($flag: Boolean = "yes")',
              '($flag: Boolean, $flag: Boolean)',
              '($flag: Bogus)',
              '($flag: PersonFilter)',
              '()',
            ),
          },
        )
      : fc.constant(''),
    dirs: chaos
      ? fc.oneof(
          { weight: 10, arbitrary: fc.constant('') },
          { weight: 1, arbitrary: directiveArb(true).map((d) => ` ${d}`) },
        )
      : fc.constant(''),
    selection: rootSelection(chaos),
  });

function renderOperation(op: Operation): string {
  if (op.keyword === '') return `${op.dirs}${op.selection.text}`;
  return `${op.keyword}${op.name ? ` ${op.name}` : ''}${op.varDefs}${op.dirs} ${op.selection.text}`;
}

const labelled = (label: string, f: (text: string) => string) => Object.assign(f, { toString: () => label });

/** Turns a document into a malformed one at a random place. */
const textMutation: fc.Arbitrary<((text: string) => string) | null> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(), fc.constantFrom('', '{', '}', '(', ')', '"', '$', '@', '...', ':', '#', '\\', '\u0000', '🙂'))
      .map(([position, insert]) =>
        labelled(`mutate@${position}:${JSON.stringify(insert)}`, (text) => {
          const at = position % (text.length + 1);
          return text.slice(0, at) + insert + text.slice(at + (insert === '' ? 1 : 0));
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      labelled('append type definition', (t) => `${t} type Foo { a: Int }`),
      labelled('append }', (t) => `${t} }`),
      labelled('comments', (t) => `# comment\n${t}\n# end`),
      labelled('commas', (t) => t.replace(/ /g, ' , ')),
      labelled('BOM', (t) => `\ufeff${t}`),
      labelled('unused fragment', (t) => `${t} fragment Unused on Person { name }`),
      labelled('doubled', (t) => `${t} ${t}`),
    ),
  },
);

export interface GeneratedDocument {
  query: string;
  operationNames: string[];
}

export function documentOf(chaos: boolean): fc.Arbitrary<GeneratedDocument> {
  const op = operationArb(chaos);
  return fc
    .tuple(
      chaos
        ? fc.oneof(
            { weight: 6, arbitrary: fc.array(op, { minLength: 1, maxLength: 1 }) },
            { weight: 1, arbitrary: fc.array(op, { minLength: 2, maxLength: 3 }) },
          )
        : fc.array(op, { minLength: 1, maxLength: 1 }),
      chaos ? textMutation : fc.constant(null),
    )
    .map(([ops, mutate]) => {
      const text = [...ops.map(renderOperation), ...ops.flatMap((o) => o.selection.fragments)].join('\n');
      return {
        query: mutate ? mutate(text) : text,
        operationNames: ops.map((o) => o.name).filter((n): n is string => n !== null),
      };
    });
}

/**
 * A whole document: mostly one that validates against the schema (right fields, arguments of the right type with
 * any content) so that it runs; otherwise one with errors of every kind (unknown fields and arguments, wrong
 * types, null for non-null, fragments on wrong types, bad directives, several operations, broken text).
 */
export const documentArb: fc.Arbitrary<GeneratedDocument> = fc.oneof(
  { weight: 3, arbitrary: documentOf(false) },
  { weight: 2, arbitrary: documentOf(true) },
);

/** Documents right at each published limit (one over, or at it), with the answer they must get. */
export const limitProbeArb: fc.Arbitrary<{ query: string; expect: NonNullable<FuzzRequest['expect']> }> = fc.oneof(
  // Aliases of __typename are not counted (graphql-armor): aliases of a real field are.
  fc.integer({ min: DEFAULT_LIMITS.maxAliases - 2, max: DEFAULT_LIMITS.maxAliases + 3 }).map((n) => ({
    query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: stats { articles }`).join(' ')} }`,
    expect: n > DEFAULT_LIMITS.maxAliases ? { code: 'TOO_MANY_ALIASES' } : { noErrors: true },
  })),
  fc.integer({ min: DEFAULT_LIMITS.maxDirectives - 2, max: DEFAULT_LIMITS.maxDirectives + 3 }).map((n) => ({
    query: `{ ${Array.from({ length: n }, () => '__typename @include(if: true)').join(' ')} }`,
    expect: n > DEFAULT_LIMITS.maxDirectives ? { code: 'TOO_MANY_DIRECTIVES' } : { noErrors: true },
  })),
  // Short tokens, so that the document stays under the length limit (checked first).
  fc
    .oneof(
      fc.integer({ min: DEFAULT_LIMITS.maxTokens - 40, max: DEFAULT_LIMITS.maxTokens - 10 }),
      fc.integer({ min: DEFAULT_LIMITS.maxTokens + 10, max: DEFAULT_LIMITS.maxTokens + 40 }),
    )
    .map((n) => ({
      query: `{ ${'a '.repeat(n)}}`,
      expect:
        n > DEFAULT_LIMITS.maxTokens
          ? { code: 'TOO_MANY_TOKENS' }
          : { code: 'GRAPHQL_VALIDATION_FAILED', notCode: 'TOO_MANY_TOKENS' },
    })),
  fc.integer({ min: DEFAULT_LIMITS.maxDocumentLength - 10, max: DEFAULT_LIMITS.maxDocumentLength + 10 }).map((n) => {
    const query = `{ __typename${' '.repeat(n - 14)} }`;
    return {
      query,
      expect: query.length > DEFAULT_LIMITS.maxDocumentLength ? { code: 'QUERY_TOO_LONG' } : { noErrors: true },
    };
  }),
  fc.integer({ min: DEFAULT_LIMITS.maxDepth - 2, max: DEFAULT_LIMITS.maxDepth + 3 }).map((n) => {
    // person → affiliations → organization → parent → parent …: one level per field.
    let inner = 'name';
    for (let level = 4; level < n; level++) inner = `parent { ${inner} }`;
    const query = `{ person(slug: "majid-azizi") { affiliations { organization { ${inner} } } } }`;
    return { query, expect: n > DEFAULT_LIMITS.maxDepth ? { code: 'QUERY_TOO_DEEP' } : { noErrors: true } };
  }),
);

// ---------------------------------------------------------------------------------------------------------------
// Requests

const JSON_ACCEPT = fc.constantFrom(
  'application/graphql-response+json',
  'application/json',
  'application/graphql-response+json, application/json;q=0.9',
  '*/*',
  '',
);

const ACCEPT = fc.oneof(
  { weight: 4, arbitrary: JSON_ACCEPT },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'text/html',
      'text/event-stream',
      'multipart/mixed',
      'image/png',
      'application/json;q=0',
      'text/html, application/json;q=0.9',
      'application/*',
      'application/xml',
      'application/graphql-response+json; charset=utf-16',
      'text/plain',
      ',,,',
      'application/json; q=abc',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 30,
    }),
  },
);

const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

const CONTENT_TYPE = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/graphql-response+json',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/graphql',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'APPLICATION/JSON',
      'application/json; charset=latin1',
      'application/json, text/plain',
      'application/jsonx',
      'text/html',
      'application/octet-stream',
      '',
      ';',
    ),
  },
  { weight: 1, arbitrary: printable },
);

const METHOD = fc.oneof(
  { weight: 12, arbitrary: fc.constant('POST') },
  { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
);

function headersOf(parts: {
  contentType?: string | null;
  accept?: string;
  csrf?: boolean;
  extra?: [string, string] | null;
}) {
  const headers: Record<string, string> = {};
  if (parts.contentType != null) headers['content-type'] = parts.contentType;
  if (parts.accept) headers.accept = parts.accept;
  if (parts.csrf) headers[CSRF_HEADER] = '1';
  if (parts.extra) headers[parts.extra[0]] = parts.extra[1];
  return headers;
}

const extraHeader = rarely(
  fc.oneof(
    fc.constantFrom<[string, string]>(
      ['origin', 'http://evil.example'],
      ['origin', 'null'],
      ['access-control-request-method', 'POST'],
      ['x-request-id', '../../etc'],
      ['content-encoding', 'gzip'],
      ['content-encoding', 'br'],
      ['transfer-encoding', 'chunked'],
      ['accept-encoding', 'gzip'],
      ['x-graphql-yoga-csrf', ''],
    ),
    fc.tuple(fc.stringMatching(/^x-[a-z]{1,10}$/), printable),
  ),
  5,
);

/** A JSON value for `variables` of an operation with `$flag`. */
const flagVariables = fc.option(
  fc.oneof(
    fc.record({ flag: fc.oneof(fc.boolean(), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  { freq: 2 },
);

/** `operationName` for a document: one of its names, an unknown one, empty, or not a string. */
function operationNameArb(names: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    ...(names.length ? [{ weight: 4, arbitrary: fc.constantFrom(...names) }] : []),
    { weight: 1, arbitrary: fc.constantFrom('Unknown', '', null, 5, ['Q'], { name: 'Q' }, '__proto__') },
  );
}

const extensionsArb = fc.oneof(
  { weight: 10, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      {},
      { persistedQuery: { version: 1, sha256Hash: 'abc' } },
      { persistedQuery: null },
      'x',
      [1],
      null,
      JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** A request object from the schema walk: `{ query, variables?, operationName?, extensions? }`. */
const graphqlRequestObject: fc.Arbitrary<Record<string, unknown>> = documentArb.chain((doc) =>
  fc
    .record({
      variables: flagVariables,
      operationName: operationNameArb(doc.operationNames),
      extensions: extensionsArb,
    })
    .map(({ variables, operationName, extensions }) => {
      const object: Record<string, unknown> = { query: doc.query };
      if (variables !== null) object.variables = variables;
      if (operationName !== undefined) object.operationName = operationName;
      if (extensions !== undefined) object.extensions = extensions;
      return object;
    }),
);

const jsonPost = (gen: string, body: unknown, accept: string, expect?: FuzzRequest['expect']): FuzzRequest => ({
  gen,
  method: 'POST',
  url: '/graphql',
  headers: headersOf({ contentType: 'application/json', accept }),
  body: { kind: 'text', text: JSON.stringify(body) },
  ...(expect ? { expect } : {}),
});

/** Random documents from the schema walk, sent as ordinary JSON POSTs. */
export const schemaDocumentRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(graphqlRequestObject, JSON_ACCEPT)
  .map(([object, accept]) => jsonPost('schema-document', object, accept));

export const limitProbeRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(limitProbeArb, JSON_ACCEPT)
  .map(([probe, accept]) => jsonPost('limit-probe', { query: probe.query }, accept, probe.expect));

const MISSING = Symbol('missing');

const WRONG_VARIABLE_TYPES = [
  'Int',
  'Int!',
  'String',
  'String!',
  'ID!',
  '[ID!]!',
  'Boolean',
  'Bogus',
  'PersonFilter',
  '[String]',
  'Float',
];

/** One root field whose arguments are variables: declared with their type or a wrong one, given or missing, of any value. */
export const variablesRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  ...Object.values(QUERY.getFields())
    .filter((field) => field.args.length > 0)
    .map((field) => {
      const child = getNamedType(field.type);
      const plans = field.args.map((arg) =>
        fc.record({
          mode: fc.constantFrom('var', 'var', 'var', 'literal', 'omit'),
          declared: fc.oneof(
            { weight: 6, arbitrary: fc.constant(String(arg.type)) },
            {
              weight: 1,
              arbitrary: fc.constant(isNonNullType(arg.type) ? String(arg.type.ofType) : `${String(arg.type)}!`),
            },
            { weight: 1, arbitrary: fc.constantFrom(...WRONG_VARIABLE_TYPES) },
          ),
          defaultValue: rarely(valueFor(arg.type, arg.name, true), 6),
          given: fc.oneof(
            { weight: 1, arbitrary: fc.constant<typeof MISSING>(MISSING) },
            { weight: 5, arbitrary: valueFor(arg.type, arg.name, false).map(toJson) },
            { weight: 2, arbitrary: valueFor(arg.type, arg.name, true).map(toJson) },
            { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
          ),
          literal: valueFor(arg.type, arg.name, false),
        }),
      );
      return fc
        .record({
          plans: fc.tuple(...plans),
          selection: isCompositeType(child) ? selectionSet(child, 0, 1, false) : fc.constant(null),
          extra: rarely(
            fc.dictionary(fc.constantFrom('extra', '__proto__', 'constructor', 'flag'), fc.jsonValue({ maxDepth: 1 }), {
              maxKeys: 2,
            }),
            6,
          ),
          shape: fc.constantFrom(
            'object',
            'object',
            'object',
            'object',
            'object',
            'object',
            'null',
            'array',
            'string',
            'number',
            'omitted',
          ),
          name: fc.option(nameArb, { freq: 2 }),
          operationName: rarely(fc.constantFrom('Unknown', ''), 8),
          accept: JSON_ACCEPT,
        })
        .map(({ plans: chosen, selection, extra, shape, name, operationName, accept }) => {
          const defs: string[] = [];
          const args: string[] = [];
          const variables: Record<string, unknown> = {};
          field.args.forEach((arg, i) => {
            const plan = chosen[i];
            if (!plan || plan.mode === 'omit') return;
            if (plan.mode === 'literal') {
              args.push(`${arg.name}: ${toLiteral(plan.literal)}`);
              return;
            }
            const dflt = plan.defaultValue === null ? '' : ` = ${toLiteral(plan.defaultValue)}`;
            defs.push(`$${arg.name}: ${plan.declared}${dflt}`);
            args.push(`${arg.name}: $${arg.name}`);
            if (plan.given !== MISSING) {
              Object.defineProperty(variables, arg.name, { value: plan.given, enumerable: true, writable: true });
            }
          });
          if (extra) Object.assign(variables, extra);
          const fragments = selection?.fragments ?? [];
          const query = [
            `query${name ? ` ${name}` : ''}${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection ? ` ${selection.text}` : ''} }`,
            ...fragments,
          ].join('\n');
          const body: Record<string, unknown> = { query };
          const shaped: Record<string, unknown> = {
            object: variables,
            null: null,
            array: [variables],
            string: JSON.stringify(variables),
            number: 1,
          };
          if (shape !== 'omitted') body.variables = shaped[shape];
          if (operationName !== null) body.operationName = operationName;
          return jsonPost('variables', body, accept);
        });
    }),
);

/** Several operations and what operationName picks among them (none, one, an unknown one). */
export const operationsRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    names: fc.array(fc.oneof(fc.constantFrom('A', 'B', 'C'), nameArb), { minLength: 1, maxLength: 4 }),
    anonymous: fc.boolean(),
    pick: fc.oneof(fc.constant(undefined), fc.nat(5), fc.constantFrom('Nope', '', null, 7, true)),
    accept: JSON_ACCEPT,
  })
  .map(({ names, anonymous, pick, accept }) => {
    const ops = names.map((n) => `query ${n} { stats { articles } }`);
    if (anonymous) ops.push('{ __typename }');
    const operationName = typeof pick === 'number' ? (names[pick] ?? `Missing${pick}`) : pick;
    const body: Record<string, unknown> = { query: ops.join('\n') };
    if (operationName !== undefined) body.operationName = operationName;
    return jsonPost('operations', body, accept);
  });

/** Bodies that are not GraphQL requests, or broken ones, with any method, content type and Accept. */
const rawBody: fc.Arbitrary<{ gen: string; body: FuzzBody; contentType?: string }> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc
      .uint8Array({ maxLength: 300 })
      .map((bytes) => ({ gen: 'bytes', body: { kind: 'bytes' as const, bytes } })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.string(),
      )
      .map((text) => ({ gen: 'string', body: { kind: 'text' as const, text } })),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.dictionary(
          fc.constantFrom('query', 'Query', 'variables', 'operationName', 'extensions', 'documentId', 'id', 'x'),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        fc.record({ query: fc.jsonValue({ maxDepth: 2 }) }),
        fc.constantFrom(
          null,
          0,
          -1,
          1e308,
          '',
          'query',
          [],
          [{}],
          {},
          { query: null },
          { query: '' },
          { query: ' ' },
          { query: '{}' },
        ),
      )
      .map((value) => ({
        gen: 'json-not-request',
        body: { kind: 'text' as const, text: JSON.stringify(value) ?? 'undefined' },
      })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(graphqlRequestObject, { maxLength: 3 })
      .map((batch) => ({ gen: 'batch', body: { kind: 'text' as const, text: JSON.stringify(batch) } })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(graphqlRequestObject, fc.nat(), fc.constantFrom('truncate', 'flip', 'insert'))
      .map(([object, at, how]) => {
        const text = JSON.stringify(object);
        const i = at % (text.length + 1);
        const broken =
          how === 'truncate'
            ? text.slice(0, i)
            : how === 'flip'
              ? `${text.slice(0, i)}${String.fromCharCode((text.charCodeAt(i) || 32) ^ 0x20)}${text.slice(i + 1)}`
              : `${text.slice(0, i)}\\${text.slice(i)}`;
        return { gen: 'broken-json', body: { kind: 'text' as const, text: broken } };
      }),
  },
  {
    weight: 3,
    arbitrary: graphqlRequestObject.map((object) => ({
      gen: 'request-any-method',
      body: { kind: 'text' as const, text: JSON.stringify(object) },
    })),
  },
  {
    weight: 1,
    arbitrary: documentArb.map((doc) => ({
      gen: 'application-graphql',
      body: { kind: 'text' as const, text: doc.query },
      contentType: 'application/graphql',
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        query: fc.option(
          fc.oneof(
            documentArb.map((d) => d.query),
            stringValue,
          ),
          { freq: 5 },
        ),
        variables: fc.option(
          fc.oneof(
            fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
            fc.constantFrom('{', '[', 'x', '{"a":', 'undefined', ''),
          ),
          { freq: 2 },
        ),
        extensions: rarely(fc.constantFrom('{', 'x', '{}', '[]', 'null'), 3),
        operationName: rarely(nameArb, 3),
      })
      .map((fields) => {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) if (v !== null) params.set(k, v);
        return {
          gen: 'form-urlencoded',
          body: { kind: 'text' as const, text: params.toString() },
          contentType: 'application/x-www-form-urlencoded',
        };
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        operations: fc.option(
          fc.oneof(
            graphqlRequestObject.map((o) => JSON.stringify(o)),
            fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
            fc.constantFrom('{', 'x', '"str"', '[]', '{"query":"{ __typename }","variables":"x"}'),
          ),
          { freq: 6 },
        ),
        map: fc.option(
          fc.oneof(
            fc.constantFrom(
              '{',
              '{"0":["variables.file"]}',
              '{"0":["query"]}',
              '{"0":"variables.x"}',
              '{"0":[1]}',
              '{"0":["__proto__.polluted"]}',
              '{"0":["query.length"]}',
              '{"0":["a.b.c.d"]}',
              'null',
              '[]',
              '5',
            ),
            fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
          ),
          { freq: 2 },
        ),
        file: fc.boolean(),
        boundary: fc.constantFrom('xyz', 'xyz', 'other'),
      })
      .map(({ operations, map, file, boundary }) => {
        const parts: string[] = [];
        const field = (name: string, value: string) =>
          parts.push(`--xyz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
        if (operations !== null) field('operations', operations);
        if (map !== null) field('map', map);
        if (file) {
          parts.push(
            '--xyz\r\nContent-Disposition: form-data; name="0"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n',
          );
        }
        return {
          gen: 'multipart',
          body: { kind: 'text' as const, text: `${parts.join('')}--xyz--\r\n` },
          contentType: `multipart/form-data; boundary=${boundary}`,
        };
      }),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        shape: fc.constantFrom('query', 'variables', 'padding', 'raw', 'nested', 'graphql', 'tokens'),
        times: fc.oneof(fc.integer({ min: 1_000, max: 20_000 }), fc.integer({ min: 20_000, max: 200_000 })),
      })
      .map(({ shape, times }) => {
        const huge = (prefix: string, unit: string, suffix: string, n = times): FuzzBody => ({
          kind: 'huge',
          prefix,
          unit,
          times: n,
          suffix,
        });
        const shapes: Record<string, { body: FuzzBody; contentType?: string }> = {
          query: { body: huge('{"query":"{ stats { articles', ' ', '} }"}') },
          variables: {
            body: huge(
              '{"query":"query($q: String!) { search(query: $q) { totalCount } }","variables":{"q":"',
              'quds ',
              '"}}',
              Math.floor(times / 5),
            ),
          },
          padding: { body: huge('{"query":"{ __typename }","padding":"', 'x', '"}') },
          raw: { body: huge('', 'x', '') },
          nested: { body: huge('{"query":"{ __typename }","variables":{"a":', '[', '', Math.min(times, 50_000)) },
          graphql: { body: huge('{ ', '__typename ', '}', Math.floor(times / 11)), contentType: 'application/graphql' },
          tokens: { body: huge('{"query":"{ ', 'a ', '}"}', Math.floor(times / 2)) },
        };
        const chosen = shapes[shape] ?? { body: huge('', 'x', '') };
        return { gen: `huge-${shape}`, ...chosen };
      }),
  },
);

/**
 * The endpoint, and now and then another spelling of it. yoga answers GraphQL on any URL whose text ends with
 * /graphql or /graphql/ (`/x/graphql`, `//graphql`, `/?a=/graphql`), not only on the path /graphql.
 */
const PATH = fc.oneof(
  { weight: 20, arbitrary: fc.constant('/graphql') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/graphql/',
      '/graphql?',
      '/graphql?query=',
      '/GRAPHQL',
      '/graphql#x',
      '/graphql;x',
      '//graphql',
      '/x/graphql',
      '/?a=/graphql',
      '/health/graphql',
    ),
  },
);

export const rawRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    raw: rawBody,
    method: METHOD,
    contentType: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: CONTENT_TYPE }),
    keepOwnType: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    accept: ACCEPT,
    csrf: fc.boolean(),
    noContentType: fc.oneof({ weight: 12, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    extra: extraHeader,
    path: PATH,
  })
  .map(({ raw, method, contentType, keepOwnType, accept, csrf, noContentType, extra, path: url }) => {
    const type = noContentType
      ? null
      : raw.contentType && keepOwnType
        ? raw.contentType
        : (contentType ?? 'application/json');
    const request: FuzzRequest = {
      gen: raw.gen,
      method,
      url,
      headers: headersOf({ contentType: type, accept, csrf, extra }),
      body: raw.body,
    };
    // A query longer than the limit, sent as plain JSON, must be refused for its length (whatever the body limit).
    if (
      raw.gen === 'huge-query' &&
      method === 'POST' &&
      url === '/graphql' &&
      type === 'application/json' &&
      !extra &&
      (accept === '' || accept.includes('json')) &&
      bodyText(raw.body).length > DEFAULT_LIMITS.maxDocumentLength + 20
    ) {
      request.expect = { code: 'QUERY_TOO_LONG', status: 400 };
    }
    return request;
  });

/** GET (and HEAD) with query parameters: documents, variables and extensions of any shape, with or without the CSRF header. */
export const getRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    query: fc.option(
      fc.oneof(
        { weight: 5, arbitrary: documentArb.map((d) => d.query) },
        { weight: 1, arbitrary: stringValue },
        {
          weight: 1,
          arbitrary: fc.integer({ min: 4_990, max: 200_000 }).map((n) => `{ stats { articles${' '.repeat(n)}} }`),
        },
        { weight: 1, arbitrary: fc.constantFrom('mutation { x }', 'subscription { x }', '{ __typename }') },
      ),
      { freq: 8 },
    ),
    variables: rarely(
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
        fc.constantFrom('{', '[', 'x', '{"flag":', 'undefined', '{"flag":true}', 'null', '"str"'),
        stringValue,
      ),
      3,
    ),
    extensions: rarely(
      fc.constantFrom('{', 'x', '{}', '[]', 'null', '{"persistedQuery":{"version":1,"sha256Hash":"x"}}'),
      5,
    ),
    operationName: rarely(fc.oneof(nameArb, fc.constantFrom('', 'Q', '__proto__')), 3),
    extra: rarely(fc.tuple(fc.constantFrom('query', 'variables', 'x', 'operationName', '__proto__'), stringValue), 6),
    garbage: rarely(fc.constantFrom('%', '%zz', '%E0%A4%A', '&&&', '=', 'query', '%00', '+'), 8),
    csrf: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    accept: ACCEPT,
    method: fc.oneof({ weight: 10, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constant('HEAD') }),
    extraHeader,
    path: fc.oneof(
      { weight: 20, arbitrary: fc.constant('/graphql') },
      { weight: 2, arbitrary: fc.constantFrom('/graphql/', '//graphql', '/x/graphql', '/GRAPHQL') },
      // Any path, with a last parameter that makes the URL end with /graphql.
      { weight: 1, arbitrary: fc.constantFrom('/', '/health', '/metrics', '/ready').map((p) => `${p}?z=/graphql`) },
    ),
  })
  .map(
    ({
      query,
      variables,
      extensions,
      operationName,
      extra,
      garbage,
      csrf,
      accept,
      method,
      extraHeader: header,
      path: base,
    }) => {
      const params = new URLSearchParams();
      if (query !== null) params.append('query', query);
      if (variables !== null) params.append('variables', variables);
      if (extensions !== null) params.append('extensions', extensions);
      if (operationName !== null) params.append('operationName', operationName);
      if (extra) params.append(extra[0], extra[1]);
      const search = params.toString() + (garbage ? `&${garbage}` : '');
      // `/health?z=/graphql`: the parameters go before z=/graphql, which must stay last.
      const [path, last] = base.split('?');
      const queryString = [search, last].filter(Boolean).join('&');
      return {
        gen: 'get',
        method,
        url: `${path}${queryString ? `?${queryString}` : ''}`,
        headers: headersOf({ accept, csrf, extra: header }),
      };
    },
  );

/** POSTs of every size around the body limit, for the real HTTP server (sizes in bytes of the body). */
export const serverBodyRequest: fc.Arbitrary<FuzzRequest & { chunked: boolean }> = fc
  .record({
    size: fc.oneof(
      fc.integer({ min: 0, max: 2_000 }),
      fc.integer({ min: 102_400 - 64, max: 102_400 + 64 }),
      fc.integer({ min: 2_000, max: 200_000 }),
    ),
    shape: fc.constantFrom('query', 'padding', 'raw', 'variables'),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'DELETE') },
    ),
    chunked: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    accept: JSON_ACCEPT,
  })
  .map(({ size, shape, method, chunked, accept }) => {
    const frames: Record<string, [string, string]> = {
      query: ['{"query":"{ stats { articles', '} }"}'],
      padding: ['{"query":"{ __typename }","padding":"', '"}'],
      raw: ['', ''],
      variables: ['{"query":"query($q: String!) { search(query: $q) { totalCount } }","variables":{"q":"', '"}}'],
    };
    const [prefix, suffix] = frames[shape] ?? ['', ''];
    const times = Math.max(0, size - prefix.length - suffix.length);
    return {
      gen: `server-${shape}`,
      method,
      url: '/graphql',
      headers: headersOf({ contentType: 'application/json', accept }),
      body: { kind: 'huge' as const, prefix, unit: shape === 'query' ? ' ' : 'x', times, suffix },
      chunked,
    };
  });

// ---------------------------------------------------------------------------------------------------------------
// Valid queries within the published limits

/** One of `valid` four times in five, one of `invalid` otherwise: most fields run, the refusals are tried too. */
function mostlyValid<T>(valid: T[], invalid: T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) },
  );
}

/** Ints at the edges of every range the schema publishes (page sizes 0–100, topEntities 1–100), and past them. */
const BOUNDARY_INTS = mostlyValid([0, 1, 2, 10, 20, 99, 100], [-1, 101, 2_147_483_647, -2_147_483_648]);

/** Dates at both ends of the calendar the schema accepts (0001–9999), at every precision, and just outside it. */
const BOUNDARY_DATES = mostlyValid(
  [
    ...['0001', '0001-01', '0001-01-01', '0001-12-31', '9999', '9999-12', '9999-12-31', '9999-12-27', '9998-12-28'],
    ...['2024', '2024-07', '2024-07-13', '2024-02-29', '2020-12-31', '2021-01-04'],
  ],
  ['2024-07-13T10:00', '9999-12-31T23:59', '0000', '10000', '2023-02-29'],
);

/** Text arguments: empty, blank, at and over the 200-character limit, accents, emoji, real words. */
const BOUNDARY_TEXTS = fc.constantFrom(
  '',
  ' ',
  'a',
  'q',
  'quds',
  'Quds Force',
  'majid azizi',
  'PERÚ',
  'é',
  '🙂',
  'the',
  'a'.repeat(200),
  'a'.repeat(201),
  `${'quds '.repeat(39)}quds`,
);

const BOUNDARY_CURSORS = mostlyValid(
  [0, 1, 19, 20, 99, 100].map((n) => b64(`cursor:${n}`)),
  ['', 'x', 'cursor:0', b64('cursor:-1'), b64('cursor:1000000')],
);

/** A real ID of each type (valid where the type fits, of the wrong type elsewhere), and IDs of nothing. */
const BOUNDARY_IDS = mostlyValid(
  Object.entries(REAL_SLUGS).flatMap(([type, slugs]) =>
    [slugs[0], slugs.at(-1)].filter((slug): slug is string => slug !== undefined).map((slug) => b64(`${type}:${slug}`)),
  ),
  [b64('Person:no-such-person'), b64('Mention:x'), '', 'not-an-id'],
);

function boundaryString(argName: string, isId: boolean): fc.Arbitrary<string> {
  if (argName === 'after' || argName === 'before') return BOUNDARY_CURSORS;
  if (/^(from|to|publishedFrom|publishedTo)$/.test(argName)) return BOUNDARY_DATES;
  if (isId) return BOUNDARY_IDS;
  if (argName === 'slug') return fc.constantFrom(...ALL_SLUGS, '', 'no-such-slug');
  if (argName === 'country' || argName === 'nationality') return fc.constantFrom('IR', 'PE', 'US', 'XX', 'ir', '');
  if (argName === 'name') return fc.constantFrom('Person', 'Query', 'TimeBucket', 'Bogus', '');
  return BOUNDARY_TEXTS;
}

const boundaryMemo = new Map<string, fc.Arbitrary<Value>>();

/** A value of the right type for an argument, at the edges of what it accepts (and just past them). */
function boundaryValueFor(type: GraphQLInputType, argName: string): fc.Arbitrary<Value> {
  const key = `${String(type)}@${argName}`;
  const known = boundaryMemo.get(key);
  if (known) return known;
  let arbitrary: fc.Arbitrary<Value>;
  if (isNonNullType(type)) arbitrary = boundaryValueFor(type.ofType, argName).filter((v) => v !== null);
  else if (isListType(type)) {
    const item = boundaryValueFor(type.ofType, argName);
    arbitrary = fc.oneof(
      { weight: 6, arbitrary: fc.array(item, { maxLength: 3 }) },
      // 10 mentions is the published limit of an article filter; 11 is one over.
      { weight: 1, arbitrary: fc.array(item, { minLength: 10, maxLength: 11 }) },
    );
  } else if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    arbitrary = fc.record(
      Object.fromEntries(fields.map((field) => [field.name, boundaryValueFor(field.type, field.name)])),
      { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) },
    ) as fc.Arbitrary<Value>;
  } else if (isEnumType(type)) {
    arbitrary = fc.constantFrom(...type.getValues().map((v) => new EnumName(v.name)));
  } else if (type.name === 'Int') arbitrary = BOUNDARY_INTS;
  else if (type.name === 'Boolean') arbitrary = fc.boolean();
  else if (type.name === 'Float') arbitrary = fc.constantFrom(0, -1, 0.5, 1e308);
  else arbitrary = boundaryString(argName, type.name === 'ID');
  if (!isNonNullType(type)) {
    arbitrary = fc.oneof({ weight: 12, arbitrary }, { weight: 1, arbitrary: fc.constant<Value>(null) });
  }
  boundaryMemo.set(key, arbitrary);
  return arbitrary;
}

function boundaryArgs(field: AnyField): fc.Arbitrary<string> {
  if (field.args.length === 0) return fc.constant('');
  return fc
    .tuple(
      ...field.args.map((arg) => {
        const given = boundaryValueFor(arg.type, arg.name).map((v) => `${arg.name}: ${toLiteral(v)}`);
        return isNonNullType(arg.type) && arg.defaultValue === undefined ? given : fc.option(given, { freq: 2 });
      }),
    )
    .map((args) => {
      const given = args.filter((a): a is string => a !== null);
      return given.length ? `(${given.join(', ')})` : '';
    });
}

/** A selection: its text, and the response keys it puts at its own level (through fragments too). */
interface Selected {
  text: string;
  keys: string[];
}

const validSelectionMemo = new Map<string, fc.Arbitrary<Selected>>();

/**
 * A selection set on `type` at most `levels` deep: 1–4 fields or fragments on possible types. Each response key
 * appears once at a level (a later field or fragment that would repeat one is left out): two fields of one key
 * with different arguments or types do not validate, and aliases would count against the alias limit.
 */
function validSelection(type: GraphQLCompositeType, levels: number): fc.Arbitrary<Selected> {
  const key = `${type.name}/${levels}`;
  const known = validSelectionMemo.get(key);
  if (known) return known;
  const items: fc.Arbitrary<Selected>[] = [fc.constant({ text: '__typename', keys: ['__typename'] })];
  for (const field of fieldsOf(type)) {
    if (field.name.startsWith('__')) continue;
    const child = getNamedType(field.type);
    const keys = [field.name];
    if (isLeafType(child)) items.push(boundaryArgs(field).map((args) => ({ text: `${field.name}${args}`, keys })));
    else if (isCompositeType(child) && levels > 1) {
      items.push(
        fc
          .tuple(boundaryArgs(field), validSelection(child, levels - 1))
          .map(([args, sel]) => ({ text: `${field.name}${args} ${sel.text}`, keys })),
      );
    }
  }
  for (const sub of possibleTypes(type)) {
    items.push(validSelection(sub, levels).map((sel) => ({ text: `... on ${sub.name} ${sel.text}`, keys: sel.keys })));
  }
  const arbitrary = fc
    .uniqueArray(fc.integer({ min: 0, max: items.length - 1 }), { minLength: 1, maxLength: Math.min(4, items.length) })
    .chain((picked) => fc.tuple(...picked.map((i) => items[i] as fc.Arbitrary<Selected>)))
    .map((selected) => {
      const seen = new Set<string>();
      const kept = selected.filter((item, i) => {
        if (i > 0 && item.keys.some((k) => seen.has(k))) return false;
        for (const k of item.keys) seen.add(k);
        return true;
      });
      return { text: `{ ${kept.map((item) => item.text).join(' ')} }`, keys: [...seen] };
    });
  validSelectionMemo.set(key, arbitrary);
  return arbitrary;
}

const ROOT_FIELDS = fieldsOf(QUERY).filter((field) => !field.name.startsWith('__'));

/** One root field with its arguments and a selection up to `levels` deep under it. */
const validRootField = (levels: number): fc.Arbitrary<{ name: string; text: string }> =>
  fc.constantFrom(...ROOT_FIELDS).chain((field) => {
    const child = getNamedType(field.type);
    const selection = isCompositeType(child) ? validSelection(child, levels) : fc.constant(null);
    return fc
      .tuple(boundaryArgs(field), selection)
      .map(([args, sel]) => ({ name: field.name, text: `${field.name}${args}${sel ? ` ${sel.text}` : ''}` }));
  });

/**
 * A query that validates against the schema and stays within the published limits (depth at most 5 of 12,
 * 1–3 root fields under 3 aliases of 10, a few hundred characters), with arguments at their boundaries: page sizes
 * 0/1/100/101/-1, empty and 200/201-character texts, dates at 0001-01-01 and 9999-12-31 at every precision,
 * every enum value, real IDs of every type where they fit and where they do not. Every one must run: data, or a
 * coded error (a refused argument, the cost limit), never an unexpected one.
 */
export const validQueryArb: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }))
  .chain(([levels, count]) => fc.array(validRootField(levels), { minLength: count, maxLength: count }))
  .map((fields) => `{ ${fields.map((field, i) => `r${i}: ${field.text}`).join(' ')} }`);

export const validQueryRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(validQueryArb, fc.constantFrom('application/json', 'application/graphql-response+json'))
  .map(([query, accept]) =>
    // Legacy application/json answers every GraphQL result with 200; the newer type may answer a refused document
    // (over the cost limit) with a 4xx.
    jsonPost('valid-query', { query }, accept, accept === 'application/json' ? { status: 200 } : undefined),
  );

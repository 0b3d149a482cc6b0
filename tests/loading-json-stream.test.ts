/**
 * The windowed JSON array reader behind loadDataset: element boundaries found in the bytes (strings with
 * brackets, quotes, escapes and multi-byte characters, nested values, elements cut by a window or longer
 * than one), exactly the values JSON.parse gives, and a file accepted exactly when JSON.parse accepts it.
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamJsonArray } from '../src/data/load-fixtures.js';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'newsgraph-json-stream-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

let fileCount = 0;
/** Writes `content` to a new file and streams it with `windowBytes`; returns the values and the outcome. */
async function stream(content: string | Buffer, windowBytes?: number) {
  const file = path.join(directory, `${fileCount++}.json`);
  await writeFile(file, content);
  const handle = await open(file, 'r');
  const values: unknown[] = [];
  const calls: number[] = [];
  try {
    const result = await streamJsonArray(
      handle,
      (run) => {
        calls.push(run.length);
        values.push(...run);
      },
      windowBytes,
    );
    return { ...result, values, calls, digests: await result.digests };
  } finally {
    await handle.close();
  }
}

/** Whether JSON.parse takes `text` as an array. */
function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

const TRICKY = [
  { s: 'brackets ] [ } { and commas , inside a string' },
  { s: 'an escaped quote \\" then ], and a quote at the end"' },
  ['nested', ['arrays', ['deep', { and: { objects: [1, 2, { x: ']' }] } }]]],
  'a backslash at the end of a string \\',
  'two backslashes \\\\ then a quote',
  { '"key, with ] quote"': 'value', 'k\\': '\\' },
  'unicode: ’ “quotes” é, emoji 🇮🇷 😀, and \u2028 \u0000 escapes',
  { long: 'x'.repeat(300) },
  12.5e-3,
  -0,
  true,
  false,
  null,
  [],
  {},
  '',
];

describe('streamJsonArray', () => {
  it('gives the values JSON.parse gives, whatever the window size', async () => {
    const text = JSON.stringify(TRICKY, null, 1);
    for (const windowBytes of [1, 2, 3, 7, 16, 64, 1000, undefined]) {
      const result = await stream(text, windowBytes);
      expect(result.error, `window ${windowBytes}`).toBeNull();
      expect(result.values, `window ${windowBytes}`).toEqual(JSON.parse(text));
      expect(result.size).toBe(Buffer.byteLength(text));
    }
  });

  it('reads a string of backslashes and quotes split at every window boundary', async () => {
    const values = ['\\', '\\\\', '"', '\\"', '\\\\"', '"\\', ']', '[', ',', '{"a":1}'];
    const text = JSON.stringify(values);
    for (let windowBytes = 1; windowBytes <= text.length + 1; windowBytes++) {
      const result = await stream(text, windowBytes);
      expect(result.values).toEqual(values);
    }
  });

  it('reads an element longer than the window, and multi-byte characters cut by one', async () => {
    const values = [{ body: '’é😀'.repeat(5000) }, 'after', { body: 'y'.repeat(70_000) }];
    const result = await stream(JSON.stringify(values), 64);
    expect(result.error).toBeNull();
    expect(result.values).toEqual(values);
  });

  it('reads a large array in runs, in order', async () => {
    const values = Array.from({ length: 30_000 }, (_, i) => ({
      slug: `record-${i}`,
      body: `Body ${i} with ’ and ", ] and a \\ backslash.`.repeat(1 + (i % 7)),
    }));
    const text = `[\n${values.map((v) => JSON.stringify(v)).join(',\n')}\n]\n`;
    expect(text.length).toBeGreaterThan(4_000_000); // several parse runs of about 1 MB
    for (const windowBytes of [100_000, undefined]) {
      const result = await stream(text, windowBytes);
      expect(result.error).toBeNull();
      expect(result.values).toEqual(values);
      expect(result.calls.length).toBeGreaterThan(3);
    }
  });

  it('covers the whole file with its digests, which change with any byte', async () => {
    const text = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, s: 'text '.repeat(i % 13) })));
    const first = await stream(text, 4096);
    const again = await stream(text, 4096);
    expect(again.digests).toEqual(first.digests);
    expect(first.digests.length).toBeGreaterThan(1);
    const changed = await stream(text.replace('"i":1999', '"i":1998'), 4096);
    expect(changed.digests).not.toEqual(first.digests);
  });

  it.each([
    ['a trailing comma', '[1,2,]', false],
    ['a missing comma', '[{"a":1} {"b":2}]', false],
    ['two commas', '[1,,2]', false],
    ['a leading comma', '[,1]', false],
    ['data after the array', '[1,2] 3', false],
    ['a second array', '[1][2]', false],
    ['an unclosed array', '[1,2', false],
    ['an unclosed string', '["abc]', false],
    ['an unbalanced brace', '[1,}]', false],
    ['a mismatched bracket', '[{"a":[1}]]', false],
    ['a bad escape', '["\\q"]', false],
    ['a raw newline in a string', '["a\nb"]', false],
    ['an object', '{"a":[1]}', true],
    ['a number', '42', true],
    ['an empty file', '', true],
    ['a byte order mark', '\ufeff[1]', true],
  ])('reports %s', async (_what, text, notArray) => {
    for (const windowBytes of [1, 4, undefined]) {
      const result = await stream(text, windowBytes);
      expect(result.error).not.toBeNull();
      expect(result.error?.notArray).toBe(notArray);
    }
  });

  it('names the element at fault and the byte where the structure breaks', async () => {
    const broken = await stream('[{"a":1},{"a":2},{"a":tru},{"a":4}]');
    expect(broken.error?.message).toMatch(/in element \[2\], from byte 17\)$/);
    const structure = await stream('[{"a":1},{"a":2}}');
    expect(structure.error?.message).toMatch(/at byte 16$/);
  });

  it('accepts exactly what JSON.parse accepts as an array, and gives its values', async () => {
    const whitespace = fc.constantFrom('', ' ', '\n', '\t', '\r\n', '  ');
    const json = fc
      .tuple(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), fc.array(whitespace, { minLength: 20 }))
      .map(([values, spaces]) => {
        let k = 0;
        const space = () => spaces[k++ % spaces.length] ?? '';
        return `${space()}[${space()}${values.map((v) => `${JSON.stringify(v)}${space()}`).join(`,${space()}`)}]${space()}`;
      });
    // A valid array, sometimes broken by one edit: a byte dropped, doubled or replaced by a structural character.
    const text = fc.oneof(
      json,
      fc
        .tuple(json, fc.nat(), fc.constantFrom('', '"', '\\', ',', '[', ']', '{', '}', ':', 'x'))
        .map(([t, at, insert]) => {
          const i = at % (t.length + 1);
          return `${t.slice(0, i)}${insert}${t.slice(i + (insert === 'x' ? 0 : 1))}`;
        }),
    );
    await fc.assert(
      fc.asyncProperty(text, fc.integer({ min: 1, max: 40 }), async (content, windowBytes) => {
        const result = await stream(content, windowBytes);
        if (isJsonArray(content)) {
          expect(result.error).toBeNull();
          expect(result.values).toEqual(JSON.parse(content));
        } else {
          expect(result.error).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});

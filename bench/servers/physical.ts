/**
 * The physical limit of a JSON API: a bare node:http server that reads the request body, JSON.parses it,
 * and answers the precomputed response of the operation it names (asked of newsgraph once, by the bench).
 *
 *   node --import tsx bench/servers/physical.ts --responses FILE --mode json|string|revalidate
 *
 * `json` answers JSON.stringify of the parsed response (what any server must at least do per request);
 * `string` writes the pre-serialized string (for reference: no serialization at all). FILE maps each
 * operationName to newsgraph's response text. `revalidate` is the limit of a revalidation: a GET whose URL names
 * the operation (`operationName`) and its `variables` (JSON.parsed, as the body is in the other modes), answered
 * 304 with the entity tag and the caching headers newsgraph's 304 has when If-None-Match is that tag; FILE maps
 * each operationName to `{ etag, headers }`. Ready: one JSON line `{"msg":"ready","url":...}` on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { responses: { type: 'string' }, mode: { type: 'string' } } });
const MODES = ['json', 'string', 'revalidate'] as const;
if (!values.responses || !MODES.includes(values.mode as (typeof MODES)[number])) {
  console.error('usage: physical.ts --responses FILE --mode json|string|revalidate');
  process.exit(2);
}
const mode = values.mode as (typeof MODES)[number];
const file = JSON.parse(readFileSync(values.responses, 'utf8')) as Record<string, unknown>;
const responses =
  mode === 'revalidate'
    ? new Map<string, { text: string; value: unknown }>()
    : new Map(
        Object.entries(file as Record<string, string>).map(([name, text]) => [
          name,
          { text, value: JSON.parse(text) as unknown },
        ]),
      );
const tags = new Map(
  mode === 'revalidate'
    ? Object.entries(file as Record<string, { etag: string; headers: Record<string, string> }>)
    : [],
);

/** A revalidation: the operation and variables from the URL, 304 when If-None-Match is its tag. */
function revalidate(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) {
  const url = req.url ?? '';
  const parameters = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  const tag = tags.get(parameters.get('operationName') ?? '');
  try {
    JSON.parse(parameters.get('variables') ?? '{}');
  } catch {
    send(res, 400, '{"errors":[{"message":"bad variables"}]}');
    return;
  }
  if (!tag || req.headers['if-none-match'] !== tag.etag) {
    send(res, 400, '{"errors":[{"message":"not a revalidation of a known tag"}]}');
    return;
  }
  res.writeHead(304, { etag: tag.etag, ...tag.headers });
  res.end();
}

function send(res: import('node:http').ServerResponse, status: number, payload: string) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

const server = createServer((req, res) => {
  if (mode === 'revalidate') {
    revalidate(req, res);
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let name: unknown;
    try {
      name = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { operationName?: unknown }).operationName;
    } catch {
      send(res, 400, '{"errors":[{"message":"bad JSON"}]}');
      return;
    }
    const response = typeof name === 'string' ? responses.get(name) : undefined;
    if (!response) {
      send(res, 400, '{"errors":[{"message":"unknown operation"}]}');
      return;
    }
    send(res, 200, mode === 'json' ? JSON.stringify(response.value) : response.text);
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(JSON.stringify({ msg: 'ready', url: `http://127.0.0.1:${port}/graphql`, mode }));
});

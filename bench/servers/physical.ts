/**
 * The physical limit of a JSON API: a bare node:http server that reads the request body, JSON.parses it,
 * and answers the precomputed response of the operation it names (asked of newsgraph once, by the bench).
 *
 *   node --import tsx bench/servers/physical.ts --responses FILE --mode json|string
 *
 * `json` answers JSON.stringify of the parsed response (what any server must at least do per request);
 * `string` writes the pre-serialized string (for reference: no serialization at all). FILE maps each
 * operationName to newsgraph's response text. Ready: one JSON line `{"msg":"ready","url":...}` on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { responses: { type: 'string' }, mode: { type: 'string' } } });
if (!values.responses || (values.mode !== 'json' && values.mode !== 'string')) {
  console.error('usage: physical.ts --responses FILE --mode json|string');
  process.exit(2);
}
const mode = values.mode;
const texts = JSON.parse(readFileSync(values.responses, 'utf8')) as Record<string, string>;
const responses = new Map(
  Object.entries(texts).map(([name, text]) => [name, { text, value: JSON.parse(text) as unknown }]),
);

function send(res: import('node:http').ServerResponse, status: number, payload: string) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

const server = createServer((req, res) => {
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

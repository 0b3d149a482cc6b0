/**
 * Persisted queries: Apollo's Automatic Persisted Queries protocol (`extensions.persistedQuery { version: 1,
 * sha256Hash }`, by POST or GET), over two stores: the trusted documents of client/persisted-operations.json
 * (written by `npm run codegen`), served by hash without registration, and the documents clients registered, in
 * a BoundedCache. With `--operations trusted` the server runs only its trusted documents.
 *
 * Why not graphql-yoga's plugins: @graphql-yoga/plugin-apq 3.6.2 (its latest) requires @graphql-tools/utils ^10
 * as a peer, which npm refuses beside the 11 and 12 installed here (ERESOLVE), and keeps documents in an LRU
 * bounded only by their number; @graphql-yoga/plugin-persisted-operations refuses every document sent as text
 * when arbitrary documents are off, even one that is in the manifest, and registers nothing. This plugin follows
 * their protocol: the same checks, messages ("PersistedQueryNotFound", which Apollo's link and urql's exchange
 * look for) and statuses (404 for an unknown hash, 400 for a mismatch).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { type BoundedCache, byteLength } from '../bounded-cache.js';
import { ErrorCode } from '../errors.js';

/** Which documents the server runs: any valid one (the default), or only its trusted documents. */
export const OPERATIONS_MODES = ['any', 'trusted'] as const;
export type OperationsMode = (typeof OPERATIONS_MODES)[number];

/** Where `npm run codegen` writes the trusted documents: SHA-256 (hex) of each document → the document. */
export const DEFAULT_MANIFEST_FILE = path.resolve(import.meta.dirname, '../../client/persisted-operations.json');

/** The hash clients send: SHA-256 of the document's UTF-8, in lowercase hex (Apollo's link, urql's exchange). */
export function documentHash(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

/**
 * Reads a manifest (`{ "<sha256>": "<document>" }`) and checks every entry's hash: a manifest edited by hand
 * must not make a hash stand for another document. Throws with the file's name on any problem.
 */
export function loadManifest(file: string): Map<string, string> {
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the trusted documents in ${file}: ${(error as Error).message}`);
  }
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
    throw new Error(`${file} must be a JSON object of SHA-256 hashes to documents`);
  }
  const manifest = new Map<string, string>();
  for (const [hash, document] of Object.entries(entries)) {
    if (typeof document !== 'string' || documentHash(document) !== hash) {
      throw new Error(`${file}: the entry ${hash} is not the SHA-256 of its document (run \`npm run codegen\`)`);
    }
    manifest.set(hash, document);
  }
  return manifest;
}

/** The documents a server runs, and where it finds documents sent by hash. */
export interface OperationsOptions {
  mode: OperationsMode;
  /** The trusted documents' manifest (default: client/persisted-operations.json; none when it does not exist in `any` mode). */
  manifestFile?: string;
}

/** The trusted documents for these options: the manifest, which must exist in `trusted` mode. */
export function trustedDocuments(options: OperationsOptions): Map<string, string> {
  const file = options.manifestFile ?? DEFAULT_MANIFEST_FILE;
  if (options.mode === 'any' && !existsSync(file)) return new Map();
  return loadManifest(file);
}

const HASH = /^[0-9a-f]{64}$/;

function refusal(code: ErrorCode, message: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

/** The `persistedQuery` extension, checked: undefined when absent; a refusal when it is not version 1 with a hash. */
function persistedQueryHash(extensions: Record<string, unknown> | undefined): string | undefined {
  const persisted = extensions?.persistedQuery;
  if (persisted === undefined) return undefined;
  const { version, sha256Hash } = (persisted ?? {}) as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1) {
    throw refusal(ErrorCode.BAD_REQUEST, 'Unsupported persisted query version: only version 1 is supported.', 400);
  }
  const hash = typeof sha256Hash === 'string' ? sha256Hash.toLowerCase() : '';
  if (!HASH.test(hash)) {
    throw refusal(ErrorCode.BAD_REQUEST, 'persistedQuery.sha256Hash must be a SHA-256 in hexadecimal.', 400);
  }
  return hash;
}

/**
 * Runs before the document is parsed (after the length and input-depth limits). A request with a hash and no
 * document gets the trusted document of that hash, or (in `any` mode) the one a client registered, or
 * PERSISTED_QUERY_NOT_FOUND. A request with both must have the document's own hash (PERSISTED_QUERY_MISMATCH
 * otherwise), and registers it in `any` mode: a client can only register a document under its own hash, so no
 * client can change what another's hash runs. In `trusted` mode a document sent as text runs only if it is a
 * trusted document (TRUSTED_DOCUMENTS_ONLY otherwise).
 */
export function persistedQueriesPlugin(
  mode: OperationsMode,
  trusted: ReadonlyMap<string, string>,
  registered: BoundedCache<string>,
): Plugin {
  return {
    onParams: ({ params, setParams }) => {
      const hash = persistedQueryHash(params.extensions);
      const { query } = params;
      if (typeof query !== 'string' || query === '') {
        if (hash === undefined) return; // yoga refuses a request without a document
        const document = trusted.get(hash) ?? (mode === 'any' ? registered.get(hash) : undefined);
        if (document === undefined) {
          throw refusal(ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound', 404);
        }
        setParams({ ...params, query: document });
        return;
      }
      const ownHash = hash === undefined && mode === 'any' ? undefined : documentHash(query);
      if (hash !== undefined && hash !== ownHash) {
        throw refusal(
          ErrorCode.PERSISTED_QUERY_MISMATCH,
          'PersistedQueryMismatch: the document is not the one this SHA-256 hash names.',
          400,
        );
      }
      if (mode === 'trusted') {
        if (!trusted.has(ownHash as string)) {
          throw refusal(
            ErrorCode.TRUSTED_DOCUMENTS_ONLY,
            'This server runs only its trusted documents (client/persisted-operations.json): send one of them, or its hash.',
            403,
          );
        }
        return;
      }
      if (hash !== undefined && !trusted.has(hash)) registered.set(hash, query, byteLength(query));
    },
  };
}

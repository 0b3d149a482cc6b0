/**
 * Global IDs: base64 of `Type:slug` (for example `Person:majid-azizi`). Slugs never change,
 * so IDs are stable across data releases. Decoding never throws: anything that is not a
 * well-formed ID decodes to null, and the caller answers null or BAD_USER_INPUT.
 */
import { ENTITY_TYPES, type EntityType } from './data/entity-types.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const RAW_ID = /^([A-Z][A-Za-z]*):([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/** The types a global ID can name: articles and every entity type. */
export type NodeType = 'Article' | EntityType;
const NODE_TYPES: ReadonlySet<string> = new Set<NodeType>(['Article', ...ENTITY_TYPES]);

export interface DecodedGlobalId {
  typename: NodeType;
  id: string;
}

/** Encoded IDs per type, by slug: a page encodes the same few hundred IDs request after request. */
const ENCODED = new Map<string, Map<string | number | bigint, string>>();
const ENCODED_PER_TYPE = 50_000;

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  let byId = ENCODED.get(typename);
  if (!byId) {
    byId = new Map();
    ENCODED.set(typename, byId);
  }
  let encoded = byId.get(id);
  if (encoded === undefined) {
    encoded = Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
    if (byId.size >= ENCODED_PER_TYPE) byId.clear();
    byId.set(id, encoded);
  }
  return encoded;
}

export function decodeGlobalId(globalId: string): DecodedGlobalId | null {
  if (globalId.length > 512 || !BASE64.test(globalId) || globalId.length % 4 !== 0) return null;
  const match = RAW_ID.exec(Buffer.from(globalId, 'base64').toString('utf8'));
  if (!match?.[1] || !match[2] || !NODE_TYPES.has(match[1])) return null;
  return { typename: match[1] as NodeType, id: match[2] };
}

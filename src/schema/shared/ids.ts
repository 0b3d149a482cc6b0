/**
 * Global IDs: base64 of `Type:slug` (for example `Person:majid-azizi`). Slugs never change,
 * so IDs are stable across data releases. Decoding never throws: anything that is not a
 * well-formed ID decodes to null, and the caller answers null or BAD_USER_INPUT.
 */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const RAW_ID = /^([A-Z][A-Za-z]*):([a-z0-9]+(?:-[a-z0-9]+)*)$/;

export interface DecodedGlobalId {
  typename: string;
  id: string;
}

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
}

export function decodeGlobalId(globalId: string): DecodedGlobalId | null {
  if (globalId.length > 512 || !BASE64.test(globalId) || globalId.length % 4 !== 0) return null;
  const match = RAW_ID.exec(Buffer.from(globalId, 'base64').toString('utf8'));
  if (!match?.[1] || !match[2]) return null;
  return { typename: match[1], id: match[2] };
}

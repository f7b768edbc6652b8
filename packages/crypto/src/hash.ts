// Domain-separated hashing. A domain tag is `wedge/<chainId>/<kind>`; the
// preimage of a tagged object is `utf8(tag) || 0x00 || canonical(object)`, so
// no two kinds or chains can share a preimage (tags contain no 0x00 byte).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { concatBytes, toHex, utf8 } from '@wedge/common';
import { encodeCanonical, type Canonical } from './encoding.ts';

const CHAIN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KIND_PATTERN = /^[a-z][a-z0-9.-]{0,62}$/;

export function isChainId(chainId: string): boolean {
  return CHAIN_ID_PATTERN.test(chainId);
}

export function domainTag(chainId: string, kind: string): string {
  if (!CHAIN_ID_PATTERN.test(chainId)) throw new TypeError(`domainTag: invalid chainId "${chainId}"`);
  if (!KIND_PATTERN.test(kind)) throw new TypeError(`domainTag: invalid kind "${kind}"`);
  return `wedge/${chainId}/${kind}`;
}

export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes);
}

/** The bytes that are hashed and signed for `object` under `tag`. */
export function taggedPreimage(tag: string, object: Canonical): Uint8Array {
  return concatBytes(utf8(tag), new Uint8Array([0]), encodeCanonical(object));
}

export function hashTagged(tag: string, object: Canonical): Uint8Array {
  return sha256(taggedPreimage(tag, object));
}

export function hashTaggedHex(tag: string, object: Canonical): string {
  return toHex(hashTagged(tag, object));
}

// Domain-separated hashing. A domain tag is `wedge/<chainId>/<kind>`; the
// preimage of a tagged object is `utf8(tag) || 0x00 || canonical(object)`, so
// no two kinds or chains can share a preimage (tags contain no 0x00 byte).
//
// sha256 comes from "#sha256", a module chosen by platform (package.json
// "imports"): OpenSSL under Node, @noble/hashes elsewhere and in the purity
// checks. It is the one primitive kept behind a platform switch, because the
// portable one costs a replica too much on its hottest path: see
// platform/sha256-node.ts for the figures.
import { encodeCanonicalTagged, useTaggedEncoding, useTaggedWriting, type Canonical, type CanonicalWriter } from './encoding.ts';
import { sha256, sha256Hex } from '#sha256';

export { SHA256_PLATFORM, sha256, sha256Hex } from '#sha256';

const CHAIN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
const KIND_PATTERN = /^[a-z][a-z0-9.-]{0,62}$/;

export function isChainId(chainId: string): boolean {
  return CHAIN_ID_PATTERN.test(chainId);
}

/** Tags already checked, by chain id then kind; a process uses a handful (one chain, a dozen kinds). */
const checkedTags = new Map<string, Map<string, string>>();
const CHECKED_CHAINS_MAX = 64;
const CHECKED_KINDS_MAX = 1_024;

export function domainTag(chainId: string, kind: string): string {
  // Looked up by its parts, which are usually the same string objects every
  // time, so the hot path builds no new string.
  const known = checkedTags.get(chainId)?.get(kind);
  if (known !== undefined) return known;
  if (typeof chainId !== 'string' || !CHAIN_ID_PATTERN.test(chainId)) throw new TypeError(`domainTag: invalid chainId "${String(chainId)}"`);
  if (typeof kind !== 'string' || !KIND_PATTERN.test(kind)) throw new TypeError(`domainTag: invalid kind "${kind}"`);
  let kinds = checkedTags.get(chainId);
  if (kinds === undefined) {
    if (checkedTags.size >= CHECKED_CHAINS_MAX) checkedTags.clear();
    kinds = new Map();
    checkedTags.set(chainId, kinds);
  }
  if (kinds.size >= CHECKED_KINDS_MAX) kinds.clear();
  const tag = `wedge/${chainId}/${kind}`;
  kinds.set(kind, tag);
  return tag;
}

/** The bytes that are hashed and signed for `object` under `tag`. */
export function taggedPreimage(tag: string, object: Canonical): Uint8Array {
  return encodeCanonicalTagged(tag, object);
}

export function hashTagged(tag: string, object: Canonical): Uint8Array {
  return useTaggedEncoding(tag, object, sha256);
}

export function hashTaggedHex(tag: string, object: Canonical): string {
  return useTaggedEncoding(tag, object, sha256Hex);
}

/** hashTaggedHex of the value `write` writes (see CanonicalWriter). */
export function hashTaggedHexWith(tag: string, write: (writer: CanonicalWriter) => void): string {
  return useTaggedWriting(tag, write, sha256Hex);
}

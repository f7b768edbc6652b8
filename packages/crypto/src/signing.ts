// Signing and verifying canonical objects under a domain tag.
import type { Canonical } from './encoding.ts';
import { taggedPreimage } from './hash.ts';
import type { SignatureScheme } from './scheme.ts';

export function signObject(scheme: SignatureScheme, secretKey: Uint8Array, tag: string, object: Canonical): Uint8Array {
  return scheme.sign(secretKey, taggedPreimage(tag, object));
}

export function verifyObject(
  scheme: SignatureScheme,
  publicKey: Uint8Array,
  tag: string,
  object: Canonical,
  signature: Uint8Array,
): boolean {
  return scheme.verify(publicKey, taggedPreimage(tag, object), signature);
}

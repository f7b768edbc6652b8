// Channel states as L1 sees them: the opening state, hashing and signing under
// the channel-state tag, and checking a certificate (one signature per member).
import { assert, fromHex, isHex, toHex } from '@wedge/common';
import { hashTaggedHex, signObject, taggedPreimage, type SignatureScheme } from '@wedge/crypto';
import { canonicalChannelState } from './encoding.ts';
import { MAX_CHANNEL_MEMBERS } from './limits.ts';
import { channelStateTag } from './tags.ts';
import type { ChannelMember, ChannelState } from './types.ts';

/** 32 zero bytes: the commands hash and previous hash of an opening state. */
export const ZERO_HASH = '0'.repeat(64);

/** Version 0 of a channel: the deposits as balances, nothing before it. */
export function openingState(chainId: string, channelId: string, deposits: bigint[]): ChannelState {
  return {
    chainId,
    channelId,
    version: 0,
    balances: [...deposits],
    deposited: [...deposits],
    withdrawn: deposits.map(() => 0n),
    commandsHash: ZERO_HASH,
    prevHash: ZERO_HASH,
    final: false,
  };
}

/** 64 hex: the tagged hash of the state under its own chain's channel-state tag. */
export function channelStateHash(state: ChannelState): string {
  return hashTaggedHex(channelStateTag(state.chainId), canonicalChannelState(state));
}

/** One member's signature (hex) over `state`. */
export function signChannelState(scheme: SignatureScheme, state: ChannelState, secretKey: Uint8Array): string {
  return toHex(signObject(scheme, secretKey, channelStateTag(state.chainId), canonicalChannelState(state)));
}

/**
 * True when `signatures` holds exactly one valid signature per member, in
 * member order: a certificate. Extra or missing signatures fail, so a state
 * signed by anyone but exactly the channel's members is never accepted.
 * `verified` may hold, per member, a signature over this very state that the
 * caller already verified (or made); an equal one is not verified again.
 */
export function isChannelStateCertified(
  scheme: SignatureScheme,
  state: ChannelState,
  members: readonly Pick<ChannelMember, 'publicKey'>[],
  signatures: readonly string[],
  verified: readonly (string | null)[] = [],
): boolean {
  assert(members.length <= MAX_CHANNEL_MEMBERS, 'isChannelStateCertified: too many members');
  if (signatures.length !== members.length) return false;
  // Every member signs the same bytes, so build the preimage once (and only if needed).
  let preimage: Uint8Array | null = null;
  for (let index = 0; index < members.length; index++) {
    const signature = signatures[index]!;
    if (!isHex(signature, 64)) return false;
    if (signature === verified[index]) continue;
    preimage ??= taggedPreimage(channelStateTag(state.chainId), canonicalChannelState(state));
    if (!scheme.verify(fromHex(members[index]!.publicKey), preimage, fromHex(signature))) return false;
  }
  return true;
}

/** A copy that shares nothing with `state` (and drops any stray properties). */
export function cloneChannelState(state: ChannelState): ChannelState {
  return {
    chainId: state.chainId,
    channelId: state.channelId,
    version: state.version,
    balances: [...state.balances],
    deposited: [...state.deposited],
    withdrawn: [...state.withdrawn],
    commandsHash: state.commandsHash,
    prevHash: state.prevHash,
    final: state.final,
  };
}

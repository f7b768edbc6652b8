// What a member (or anyone restoring from a watchtower) takes from a
// watchtower's word: nothing but a certificate it can check itself. The
// channel's identity and members come from L1 (or the member's own
// configuration), never from the watchtower's answer; the certificate must be
// of that chain and channel, carry exactly one valid signature of every
// member in order, and be at least as new as the caller asked. A watchtower
// that lies — an old certificate, a forged one, a state it claims to hold but
// cannot show — is caught here with a stable code.
import type { Certificate } from '@wedge/channel';
import type { SignatureScheme } from '@wedge/crypto';
import { isChannelStateCertified } from '@wedge/ledger';

/** Why a watchtower's certificate is not taken. */
export type WatchtowerClaimCode = 'UNKNOWN_STATE' | 'WRONG_CHANNEL' | 'BAD_SIGNATURE' | 'STALE_STATE';

export type ExpectedChannel = {
  readonly chainId: string;
  readonly channelId: string;
  readonly members: readonly { readonly publicKey: string }[];
};

/** Null when `certificate` (a watchtower's `best`) is a certificate of `expected` at version `atLeastVersion` or newer; else why not. */
export function getWatchtowerClaimValidity(scheme: SignatureScheme, expected: ExpectedChannel, certificate: Certificate | null, atLeastVersion: number): WatchtowerClaimCode | null {
  if (certificate === null) return 'UNKNOWN_STATE';
  const { state, signatures } = certificate;
  if (state.chainId !== expected.chainId || state.channelId !== expected.channelId) return 'WRONG_CHANNEL';
  if (!isChannelStateCertified(scheme, state, expected.members, signatures)) return 'BAD_SIGNATURE';
  if (state.version < atLeastVersion) return 'STALE_STATE';
  return null;
}

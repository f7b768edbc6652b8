// A completed certificate from another member. Every certificate carries our
// own signature, so it is a state we checked before signing, and its
// payments are those of the proposal we signed: they are marked applied, so
// they must never come from the sender (a lying list could make us sign a
// replay later, or report payments that never happened).
import { channelStateHash, isChannelStateCertified } from '@wedge/ledger';
import { acceptCertificate } from '../accept.ts';
import type { CertificateDropReason } from '../reasons.ts';
import { drop, type MemberStep } from '../step.ts';
import type { Certificate, Payment } from '../types.ts';
import { handleProposal } from './propose.ts';

type Accepted = { readonly payments: readonly Payment[]; readonly verified: readonly (string | null)[] };

/** What taking `certificate` applies, or why it is not taken (its signatures are checked apart). */
function getCertificateValidity(step: MemberStep, certificate: Certificate): Accepted | { readonly invalid: CertificateDropReason } {
  const member = step.state;
  const { state } = certificate;
  if (state.version <= member.latest.state.version) return { invalid: 'NOT_NEWER' };
  if (state.version > member.signedVersion) return { invalid: 'NOT_SIGNED_HERE' };
  if (state.chainId !== step.config.chainId || state.channelId !== step.config.channelId) return { invalid: 'WRONG_CHANNEL' };
  if (state.version === member.signedVersion) {
    if (channelStateHash(state) !== member.signedHash) return { invalid: 'NOT_WHAT_WAS_SIGNED' };
    return { payments: member.signedPayments, verified: member.signedWith };
  }
  // We signed this state, then something above it without holding its
  // certificate: that can only be rule 3's final state, after which no
  // non-final state is ever signed again. So which payment ids this state
  // applied no longer matters, and its balances are still ours to keep.
  if (!member.signedFinal) return { invalid: 'NOT_SIGNED_HERE' };
  return { payments: [], verified: [] };
}

export function handleCertificate(step: MemberStep, from: number, certificate: Certificate): void {
  const validity = getCertificateValidity(step, certificate);
  if ('invalid' in validity) return drop(step, 'certificate', from, validity.invalid);
  if (!isChannelStateCertified(step.ctx.scheme, certificate.state, step.config.members, certificate.signatures, validity.verified)) {
    return drop(step, 'certificate', from, 'BAD_SIGNATURE');
  }
  const ahead = acceptCertificate(step, certificate, validity.payments);
  if (ahead !== null) handleProposal(step, ahead.from, ahead.proposal, ahead.signatures);
}

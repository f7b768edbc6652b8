// A proposal from the sequencer (star) or from the member before this one
// (chain): check it (rule 1, proposal-validity.ts), check the signatures
// gathered before ours, sign it (rules 2 and 3, signing.ts), then vote (star),
// pass it down the chain, or — at the tail — complete the certificate.
//
// A second, different state for a version this member signed, carrying the
// sequencer's valid signature, proves the sequencer equivocated: the member
// keeps both signed states as evidence and wedges ('equivocation'). One
// without a valid sequencer signature proves nothing and is dropped.
import { channelStateHash } from '@wedge/ledger';
import { acceptCertificate } from '../accept.ts';
import { armTimer } from '../progress.ts';
import { extendsSignedUncertified, getProposalValidity } from '../proposal-validity.ts';
import { isValidStateSignature, sign } from '../signing.ts';
import { drop, send, sendAll, type MemberStep } from '../step.ts';
import type { Certificate, Proposal } from '../types.ts';
import { wedgeOnEquivocation } from './wedge.ts';

export function handleProposal(step: MemberStep, from: number, proposal: Proposal, signatures: readonly (string | null)[]): void {
  const star = step.config.topology === 'star';
  if (star ? from !== 0 : from !== step.self - 1) return drop(step, 'propose', from, 'WRONG_PROPOSER');
  if (!Array.isArray(signatures) || signatures.length !== step.n) return drop(step, 'propose', from, 'MALFORMED_PROPOSAL');
  const { state } = proposal;
  const invalid = getProposalValidity(step, proposal);
  if (invalid === 'CONFLICTING_STATE') return onConflict(step, from, proposal, signatures);
  if (invalid === 'DEPOSIT_NOT_FINAL' || (invalid !== null && extendsSignedUncertified(step, proposal))) {
    // It overtook the certificate of the state we signed last, or the L1 view
    // that shows its deposit final: keep it (one slot) for then. Not signing
    // it now is reported, as a drop is (the simulator counts them).
    if (invalid === 'DEPOSIT_NOT_FINAL') drop(step, 'propose', from, invalid);
    step.state.aheadProposal = { from, proposal, signatures };
    return;
  }
  if (invalid !== null) return drop(step, 'propose', from, invalid);
  // Everyone before us must already have signed (the head in a star; the chain so far).
  const signedBefore = star ? [0] : Array.from({ length: step.self }, (_, index) => index);
  for (const index of signedBefore) if (!isValidStateSignature(step, state, index, signatures[index])) return drop(step, 'propose', from, 'BAD_SIGNATURE');
  const verified = signatures.map((signature, index) => (signedBefore.includes(index) ? signature : null));
  const outcome = sign(step, proposal, verified);
  if (!('signature' in outcome)) return drop(step, 'propose', from, outcome.refused);
  if (star) {
    send(step, 0, { type: 'vote', version: state.version, stateHash: channelStateHash(state), member: step.self, signature: outcome.signature });
    armTimer(step);
    return;
  }
  const gathered = [...signatures];
  gathered[step.self] = outcome.signature;
  if (step.self === step.n - 1) {
    // The tail completes the certificate; it travels back to everyone.
    const certificate: Certificate = { state, signatures: gathered as string[] };
    sendAll(step, { type: 'certificate', certificate });
    const ahead = acceptCertificate(step, certificate, proposal.payments);
    if (ahead !== null) handleProposal(step, ahead.from, ahead.proposal, ahead.signatures);
  } else {
    send(step, step.self + 1, { type: 'propose', proposal, signatures: gathered });
    armTimer(step);
  }
}

/** A second state for a version already signed: evidence of equivocation if the sequencer signed both. */
function onConflict(step: MemberStep, from: number, proposal: Proposal, signatures: readonly (string | null)[]): void {
  const member = step.state;
  const { state } = proposal;
  const sequencerSignature = signatures[0];
  if (typeof sequencerSignature !== 'string' || !isValidStateSignature(step, state, 0, sequencerSignature)) return drop(step, 'propose', from, 'BAD_SIGNATURE');
  // Below the version signed last (only after a final state was signed above
  // it), what this member signed at the proposal's version is not known any
  // more: the pair would prove nothing.
  const signedBySequencer = member.signedWith[0];
  if (state.version !== member.signedVersion || member.signedState === null || typeof signedBySequencer !== 'string') {
    return drop(step, 'propose', from, 'BELOW_SIGNED_VERSION');
  }
  drop(step, 'propose', from, 'CONFLICTING_STATE');
  wedgeOnEquivocation(step, {
    version: state.version,
    signed: { state: member.signedState, sequencerSignature: signedBySequencer },
    conflicting: { state, sequencerSignature },
  });
}

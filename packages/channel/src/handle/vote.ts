// Star: a member's signature on the proposal in flight, at the sequencer.
// Once every member has signed, the sequencer sends the certificate to all
// and takes it itself.
import { acceptCertificate } from '../accept.ts';
import type { MemberMessage } from '../messages.ts';
import type { VoteDropReason } from '../reasons.ts';
import { isValidStateSignature } from '../signing.ts';
import { drop, isLeader, sendAll, type MemberStep } from '../step.ts';
import type { Certificate } from '../types.ts';
import { handleProposal } from './propose.ts';

type Vote = Extract<MemberMessage, { type: 'vote' }>;

/** Null when the vote counts toward the proposal in flight. */
function getVoteValidity(step: MemberStep, vote: Vote): VoteDropReason | null {
  const inFlight = step.state.inFlight;
  if (inFlight === null) return 'NOTHING_IN_FLIGHT';
  if (vote.version !== inFlight.proposal.state.version || vote.stateHash !== inFlight.hash) return 'NOT_IN_FLIGHT';
  if (!Number.isInteger(vote.member) || vote.member <= 0 || vote.member >= step.n) return 'BAD_MEMBER_INDEX';
  if (inFlight.signatures[vote.member] !== null) return 'DUPLICATE_VOTE';
  if (!isValidStateSignature(step, inFlight.proposal.state, vote.member, vote.signature)) return 'BAD_SIGNATURE';
  return null;
}

export function handleVote(step: MemberStep, from: number, vote: Vote): void {
  if (!isLeader(step)) return drop(step, 'vote', from, 'NOT_SEQUENCER');
  const invalid = getVoteValidity(step, vote);
  if (invalid !== null) return drop(step, 'vote', from, invalid);
  const inFlight = step.state.inFlight!;
  inFlight.signatures[vote.member] = vote.signature;
  if (inFlight.signatures.some((signature) => signature === null)) return;
  const certificate: Certificate = { state: inFlight.proposal.state, signatures: inFlight.signatures as string[] };
  sendAll(step, { type: 'certificate', certificate });
  const ahead = acceptCertificate(step, certificate, inFlight.proposal.payments);
  if (ahead !== null) handleProposal(step, ahead.from, ahead.proposal, ahead.signatures);
}

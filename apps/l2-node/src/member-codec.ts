// Turns the member core's state into what the store writes, and back. The
// small scalar part is serialized whole each batch; the payment sets and the
// in-flight proposal body are tracked and written as differences (see
// member-store.ts). `applied` only grows, and only through certificates, so
// its additions are the payment ids of the batch's `certified` effects (an
// invariant checked on every batch).
import { deserialize, serialize } from 'node:v8';
import { assert } from '@wedge/common';
import type { Certificate, MemberEffect, MemberState, Payment, Proposal } from '@wedge/channel';
import { channelStateToWire } from '@wedge/api';
import type { LoadedMember, MemberPersistBatch } from './member-store.ts';

type ScalarState = Omit<MemberState, 'applied' | 'pending' | 'inFlight'> & {
  inFlight: { hash: string; signatures: (string | null)[] } | null;
};

export function certificateRow(certificate: Certificate): { version: number; state: string; signatures: string } {
  return {
    version: certificate.state.version,
    state: JSON.stringify(channelStateToWire(certificate.state)),
    signatures: JSON.stringify(certificate.signatures),
  };
}

export class MemberCodec {
  private persistedPending = new Set<string>();
  private persistedInFlightHash: string | null = null;
  private persistedApplied = 0;

  /** The batch for `state` after steps that produced `effects`; the outbox and L1 jobs are added by the caller. */
  batchOf(state: MemberState, effects: readonly MemberEffect[]): Omit<MemberPersistBatch, 'outbox' | 'l1Jobs'> {
    const applied: string[] = [];
    const certificates = [];
    for (const effect of effects) {
      if (effect.type !== 'certified') continue;
      applied.push(...effect.paymentIds);
      certificates.push(certificateRow(effect.certificate));
    }
    // A repeated id (INSERT OR IGNORE) may make `applied` longer than the growth; fewer would lose an id on restart.
    assert(this.persistedApplied + applied.length >= state.applied.size, 'applied payment ids grow only through certified effects');
    this.persistedApplied = state.applied.size;

    const pendingAdded: { paymentId: string; payment: Uint8Array }[] = [];
    for (const [paymentId, payment] of state.pending) {
      if (!this.persistedPending.has(paymentId)) pendingAdded.push({ paymentId, payment: serialize(payment) });
    }
    const pendingRemoved: string[] = [];
    for (const paymentId of this.persistedPending) if (!state.pending.has(paymentId)) pendingRemoved.push(paymentId);
    for (const paymentId of pendingRemoved) this.persistedPending.delete(paymentId);
    for (const { paymentId } of pendingAdded) this.persistedPending.add(paymentId);

    const inFlightHash = state.inFlight?.hash ?? null;
    let inFlight: MemberPersistBatch['inFlight'];
    if (inFlightHash === this.persistedInFlightHash) inFlight = undefined;
    else inFlight = state.inFlight === null ? null : { hash: state.inFlight.hash, proposal: serialize(state.inFlight.proposal) };
    this.persistedInFlightHash = inFlightHash;

    const { applied: _applied, pending: _pending, inFlight: fullInFlight, ...rest } = state;
    const scalar: ScalarState = {
      ...rest,
      inFlight: fullInFlight === null ? null : { hash: fullInFlight.hash, signatures: [...fullInFlight.signatures] },
    };
    return { state: serialize(scalar), inFlight, pendingAdded, pendingRemoved, applied, certificates };
  }

  /** The state stored by earlier batches. */
  decode(loaded: LoadedMember): MemberState {
    const scalar = deserialize(loaded.state) as ScalarState;
    let inFlight: MemberState['inFlight'] = null;
    if (scalar.inFlight !== null) {
      assert(loaded.inFlight !== null && loaded.inFlight.hash === scalar.inFlight.hash, 'the in-flight proposal body is stored with its state');
      inFlight = { proposal: deserialize(loaded.inFlight.proposal) as Proposal, hash: scalar.inFlight.hash, signatures: scalar.inFlight.signatures };
    }
    const pending = new Map<string, Payment>();
    for (const row of loaded.pending) pending.set(row.paymentId, deserialize(row.payment) as Payment);
    const applied = new Set(loaded.applied);
    this.persistedPending = new Set(pending.keys());
    this.persistedInFlightHash = inFlight?.hash ?? null;
    this.persistedApplied = applied.size;
    return { ...scalar, inFlight, pending, applied };
  }
}

// Turns the member core's state into what the store writes, and back. The
// small scalar part is serialized whole each batch; the rest is written as
// differences (see member-store.ts):
// - `applied` only grows, and only through certificates, so the ids a batch
//   adds are those of its `certified` effects, stored with each certificate
//   (an invariant checked on every batch);
// - the signed proposal's payments are written when the signed state changes;
//   the sequencer's in-flight proposal is that same proposal, so only its
//   signatures are kept in the scalar part;
// - of the pending payments, only those another member forwarded here are
//   durable: that member was told they are kept (its outbox let go of them).
//   A payment a client submitted here has that client's request waiting on
//   it, which a crash ends too; the client learns its payment failed and may
//   send it again.
import { deserialize, serialize } from 'node:v8';
import { assert } from '@wedge/common';
import type { Certificate, MemberEffect, MemberState, Payment, PendingPayment } from '@wedge/channel';
import { channelStateToWire } from '@wedge/api';
import type { CertificateRow, LoadedMember, MemberPersistBatch } from './member-store.ts';

type ScalarState = Omit<MemberState, 'applied' | 'pending' | 'inFlight' | 'signedPayments'> & {
  inFlight: { hash: string; state: Certificate['state']; signatures: (string | null)[] } | null;
};

const PAYMENT_ID_BYTES = 32;

export function certificateRow(certificate: Certificate, paymentIds: readonly string[]): CertificateRow {
  return {
    version: certificate.state.version,
    state: JSON.stringify(channelStateToWire(certificate.state)),
    signatures: JSON.stringify(certificate.signatures),
    paymentIds: Buffer.from(paymentIds.join(''), 'hex'),
  };
}

function paymentIdsOf(blob: Uint8Array): string[] {
  assert(blob.length % PAYMENT_ID_BYTES === 0, 'a payment-id blob holds whole 32-byte ids');
  const hex = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('hex');
  const ids: string[] = [];
  for (let offset = 0; offset < hex.length; offset += PAYMENT_ID_BYTES * 2) ids.push(hex.slice(offset, offset + PAYMENT_ID_BYTES * 2));
  return ids;
}

export class MemberCodec {
  private persistedPending = new Set<string>();
  private persistedSignedHash: string | null = null;
  private persistedApplied = 0;

  /**
   * The batch for `state` after steps that produced `effects`; `forwarded`
   * holds the ids of the payments other members forwarded in this batch. The
   * outbox and L1 jobs are added by the caller.
   */
  batchOf(state: MemberState, effects: readonly MemberEffect[], forwarded: readonly string[]): Omit<MemberPersistBatch, 'outbox' | 'l1Jobs'> {
    let applied = 0;
    const certificates: CertificateRow[] = [];
    for (const effect of effects) {
      if (effect.type !== 'certified') continue;
      applied += effect.paymentIds.length;
      certificates.push(certificateRow(effect.certificate, effect.paymentIds));
    }
    // A repeated id may make the rows longer than the growth; fewer would lose an id on restart.
    assert(this.persistedApplied + applied >= state.applied.size, 'applied payment ids grow only through certified effects');
    this.persistedApplied = state.applied.size;

    const pendingAdded: { paymentId: string; payment: Uint8Array }[] = [];
    for (const paymentId of forwarded) {
      const payment = state.pending.get(paymentId);
      if (payment === undefined || this.persistedPending.has(paymentId)) continue;
      pendingAdded.push({ paymentId, payment: serialize(payment) });
      this.persistedPending.add(paymentId);
    }
    const pendingRemoved: string[] = [];
    for (const paymentId of this.persistedPending) if (!state.pending.has(paymentId)) pendingRemoved.push(paymentId);
    for (const paymentId of pendingRemoved) this.persistedPending.delete(paymentId);

    let signedPayments: MemberPersistBatch['signedPayments'];
    if (state.signedHash !== this.persistedSignedHash && state.signedHash !== null) {
      signedPayments = { hash: state.signedHash, payments: serialize(state.signedPayments) };
      this.persistedSignedHash = state.signedHash;
    }

    const { applied: _applied, pending: _pending, inFlight, signedPayments: _signedPayments, ...rest } = state;
    if (inFlight !== null) assert(inFlight.hash === state.signedHash, 'the in-flight proposal is the one signed last');
    const scalar: ScalarState = {
      ...rest,
      inFlight: inFlight === null ? null : { hash: inFlight.hash, state: inFlight.proposal.state, signatures: [...inFlight.signatures] },
    };
    return { state: serialize(scalar), signedPayments, pendingAdded, pendingRemoved, certificates };
  }

  /** The state stored by earlier batches. */
  decode(loaded: LoadedMember): MemberState {
    const { inFlight: storedInFlight, ...scalar } = deserialize(loaded.state) as ScalarState;
    let signedPayments: readonly Payment[] = [];
    if (scalar.signedHash !== null) {
      assert(loaded.signedPayments !== null && loaded.signedPayments.hash === scalar.signedHash, 'the signed proposal is stored with its signature');
      signedPayments = deserialize(loaded.signedPayments.payments) as Payment[];
    }
    const inFlight: MemberState['inFlight'] =
      storedInFlight === null ? null : { hash: storedInFlight.hash, proposal: { state: storedInFlight.state, payments: signedPayments }, signatures: storedInFlight.signatures };
    const pending = new Map<string, PendingPayment>();
    for (const row of loaded.pending) pending.set(row.paymentId, deserialize(row.payment) as PendingPayment);
    const applied = new Set<string>();
    for (const blob of loaded.appliedIds) for (const id of paymentIdsOf(blob)) applied.add(id);
    this.persistedPending = new Set(pending.keys());
    this.persistedSignedHash = scalar.signedHash;
    this.persistedApplied = applied.size;
    return { ...scalar, inFlight, signedPayments, pending, applied };
  }
}

// Turns the member core's durable state (durableMemberState in
// @wedge/channel, which also decides what survives a crash) into what the
// store writes, and back into a DurableMemberState for restoreMemberState.
// The small scalar part is serialized whole each batch (the payers' seq
// windows included: a number and PAYER_SEQ_WINDOW bits per member, whatever
// the traffic); the rest is written as differences (see member-store.ts):
// - certificates, once each;
// - the signed proposal's payments are written when the signed state changes
//   (the durable state keeps the sequencer's in-flight proposal without them:
//   it is that same proposal);
// - the pending payments that survive a crash (the core's rule) are added and
//   removed one row each.
import { deserialize, serialize } from 'node:v8';
import { assert } from '@wedge/common';
import { durableMemberState, type Certificate, type DurableMemberState, type MemberEffect, type MemberState, type Payment, type PendingPayment } from '@wedge/channel';
import { channelStateToWire } from '@wedge/api';
import type { CertificateRow, LoadedMember, MemberPersistBatch } from './member-store.ts';

/** The durable state without what is written as differences. */
type ScalarState = Omit<DurableMemberState, 'pending' | 'signedPayments'>;

export function certificateRow(certificate: Certificate): CertificateRow {
  return {
    version: certificate.state.version,
    state: JSON.stringify(channelStateToWire(certificate.state)),
    signatures: JSON.stringify(certificate.signatures),
  };
}

export class MemberCodec {
  private persistedPending = new Set<string>();
  private persistedSignedHash: string | null = null;

  /** The batch for `state` after steps that produced `effects`. The outbox and L1 jobs are added by the caller. */
  batchOf(state: MemberState, effects: readonly MemberEffect[]): Omit<MemberPersistBatch, 'outbox' | 'l1Jobs'> {
    const durable = durableMemberState(state);
    const certificates: CertificateRow[] = [];
    for (const effect of effects) if (effect.type === 'certified') certificates.push(certificateRow(effect.certificate));

    const pendingAdded: { paymentId: string; payment: Uint8Array }[] = [];
    for (const [paymentId, entry] of durable.pending) {
      if (this.persistedPending.has(paymentId)) continue;
      pendingAdded.push({ paymentId, payment: serialize(entry) });
      this.persistedPending.add(paymentId);
    }
    const pendingRemoved: string[] = [];
    for (const paymentId of this.persistedPending) if (!durable.pending.has(paymentId)) pendingRemoved.push(paymentId);
    for (const paymentId of pendingRemoved) this.persistedPending.delete(paymentId);

    let signedPayments: MemberPersistBatch['signedPayments'];
    if (durable.signedHash !== this.persistedSignedHash && durable.signedHash !== null) {
      signedPayments = { hash: durable.signedHash, payments: serialize(durable.signedPayments) };
      this.persistedSignedHash = durable.signedHash;
    }

    const { pending: _pending, signedPayments: _signedPayments, ...scalar } = durable;
    return { state: serialize(scalar satisfies ScalarState), signedPayments, pendingAdded, pendingRemoved, certificates };
  }

  /** The durable state stored by earlier batches (for restoreMemberState). */
  decode(loaded: LoadedMember): DurableMemberState {
    const scalar = deserialize(loaded.state) as ScalarState;
    let signedPayments: readonly Payment[] = [];
    if (scalar.signedHash !== null) {
      assert(loaded.signedPayments !== null && loaded.signedPayments.hash === scalar.signedHash, 'the signed proposal is stored with its signature');
      signedPayments = deserialize(loaded.signedPayments.payments) as Payment[];
    }
    const pending = new Map<string, PendingPayment>();
    for (const row of loaded.pending) pending.set(row.paymentId, deserialize(row.payment) as PendingPayment);
    this.persistedPending = new Set(pending.keys());
    this.persistedSignedHash = scalar.signedHash;
    return { ...scalar, signedPayments, pending };
  }
}

// Continuous channel payments: a few payers per channel send payments between
// random members, each at a random member (which forwards it to the
// sequencer or head when it is not one). Every payment is recorded with its
// fate: acknowledged with the version of the certificate that commits it, or
// unknown (a timeout, a member that was down, a refusal). At the end each
// unknown payment is resubmitted with the same id, which either commits it now
// or is refused as a duplicate because it committed before — so the soak
// knows exactly which payments are in the channel, and can demand that the
// latest certificate's balances are the deposits moved by exactly those.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Payment } from '@wedge/channel';
import { toHex } from '@wedge/common';
import { Prng } from '@wedge/sim';
import { L2Error } from '../../../apps/l2-node/src/l2-client.ts';
import type { L2Channel } from '../../../test/support/l2-network.ts';
import type { ChannelName } from './schedule.ts';

const PAYERS_PER_CHANNEL = 2;
const PAYMENT_TIMEOUT_MS = 12_000;
const PAUSE_AFTER_FAILURE_MS = 200;
const MAX_AMOUNT = 100;
/** All resubmissions of unknown payments at the end together, at most. */
const RESOLVE_BOUND_MS = 120_000;

export type PaymentRecord = {
  readonly payment: Payment;
  /** The member the payment was sent to. */
  readonly at: number;
  outcome: 'acknowledged' | 'unknown' | 'duplicate' | 'refused';
  /** The version of the certificate that commits it, when acknowledged. */
  version: number | null;
  /** Why it is unknown or refused: the member's code, or the transport failure. */
  code: string | null;
};

export class ChannelPayers {
  readonly records: PaymentRecord[] = [];
  private stopping = false;
  private running: Promise<void>[] = [];

  constructor(
    readonly name: ChannelName,
    readonly channel: L2Channel,
    private readonly rng: Prng,
  ) {}

  start(): void {
    this.stopping = false;
    this.running = Array.from({ length: PAYERS_PER_CHANNEL }, () => this.payLoop());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  get acknowledged(): number {
    return this.records.filter((record) => record.outcome === 'acknowledged').length;
  }

  /**
   * Resubmits every unknown payment to member 0 (the sequencer or head) with
   * its own id: committed now (acknowledged) or before (DUPLICATE_PAYMENT), or
   * refused. Call only when no member has a payment pending, so a duplicate
   * can only mean committed.
   */
  async resolveUnknown(): Promise<{ resolved: number; stillUnknown: number }> {
    const unknown = this.records.filter((record) => record.outcome === 'unknown');
    let stillUnknown = 0;
    // Bounded as a whole: a channel that stopped answering must not hold the soak's end for a timeout per payment.
    const deadline = Date.now() + RESOLVE_BOUND_MS;
    for (const record of unknown) {
      if (Date.now() > deadline) {
        stillUnknown += 1;
        continue;
      }
      for (let attempt = 0; ; attempt++) {
        try {
          record.version = (await this.channel.client(0).pay(record.payment, PAYMENT_TIMEOUT_MS)).version;
          record.outcome = 'acknowledged';
          break;
        } catch (error) {
          const code = error instanceof L2Error ? error.code : String(error);
          record.code = code;
          if (code === 'DUPLICATE_PAYMENT') {
            record.outcome = 'duplicate';
            break;
          }
          // A member refuses a wedged or closed channel's payments before it looks for a duplicate, and a seq below its
          // payer's window may have applied and been forgotten: those refusals say nothing of the payment.
          if (code === 'WEDGED' || code === 'CHANNEL_CLOSED' || code === 'PAYMENT_SEQ_TOO_OLD') {
            stillUnknown += 1;
            break;
          }
          if (error instanceof L2Error && error.httpStatus !== null && error.httpStatus < 500 && code !== 'PAYMENT_TIMEOUT' && code !== 'BUSY') {
            record.outcome = 'refused';
            break;
          }
          if (attempt >= 5) {
            stillUnknown += 1;
            break;
          }
          await sleep(1_000);
        }
      }
    }
    return { resolved: unknown.length - stillUnknown, stillUnknown };
  }

  /** The balances the channel must hold: the deposits moved by every payment known to have committed. */
  expectedBalances(): bigint[] {
    const balances = [...this.channel.deposits];
    for (const record of this.records) {
      if (record.outcome !== 'acknowledged' && record.outcome !== 'duplicate') continue;
      balances[record.payment.from]! -= record.payment.amount;
      balances[record.payment.to]! += record.payment.amount;
    }
    return balances;
  }

  private async payLoop(): Promise<void> {
    const n = this.channel.keys.length;
    while (!this.stopping) {
      const from = this.rng.int(0, n - 1);
      const to = (from + this.rng.int(1, n - 1)) % n;
      const at = this.rng.int(0, n - 1);
      const amount = BigInt(this.rng.int(1, MAX_AMOUNT));
      const payment = this.channel.payment(from, to, amount, toHex(randomBytes(32)));
      const record: PaymentRecord = { payment, at, outcome: 'unknown', version: null, code: null };
      this.records.push(record);
      try {
        record.version = (await this.channel.client(at).pay(payment, PAYMENT_TIMEOUT_MS)).version;
        record.outcome = 'acknowledged';
      } catch (error) {
        record.code = error instanceof L2Error ? error.code : String(error);
        await sleep(PAUSE_AFTER_FAILURE_MS);
      }
    }
  }
}

// Payments between members of a real channel, as clients send them: each
// payer posts batches of signed payments to its own member process and waits
// for every payment's answer (its certificate's version, or a refusal).
// Every answer is kept, so that a test can compare the certified balances
// with what the members acknowledged, and count payments per second.
import type { Payment } from '@wedge/channel';
import { paymentToWire } from '../../apps/l2-node/src/wire.ts';
import type { L2Channel } from './l2-network.ts';

export type Acknowledged = { readonly payment: Payment; readonly version: number };
export type Refused = { readonly payment: Payment; readonly code: string };

type BatchAnswer = { results?: ({ paymentId: string; version: number } | { paymentId: string; error: { code: string } })[]; error?: { code: string } };

export class ChannelLoad {
  readonly acknowledged: Acknowledged[] = [];
  readonly refused: Refused[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  /** `payers`: [payer, payee] pairs, one loop each. */
  constructor(
    private readonly channel: L2Channel,
    private readonly payers: readonly (readonly [number, number])[],
    private readonly batch = 100,
  ) {}

  start(): void {
    this.running = true;
    this.loops = this.payers.map(([from, to]) => this.loop(from, to));
  }

  /** Stops sending and resolves once every batch in flight is answered. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** One batch from `from` to `to`, answered. */
  async send(from: number, to: number, count = this.batch): Promise<void> {
    const payments = Array.from({ length: count }, () => this.channel.payment(from, to, 1n));
    let answer: BatchAnswer;
    try {
      const response = await fetch(`${this.channel.members[from]!.url}/v1/payments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payments.map(paymentToWire)),
        signal: AbortSignal.timeout(30_000),
      });
      answer = (await response.json()) as BatchAnswer;
    } catch (error) {
      for (const payment of payments) this.refused.push({ payment, code: `NO_ANSWER: ${(error as Error).message}` });
      return;
    }
    if (answer.results === undefined) {
      for (const payment of payments) this.refused.push({ payment, code: answer.error?.code ?? 'INVALID_RESPONSE' });
      return;
    }
    answer.results.forEach((result, index) => {
      const payment = payments[index]!;
      if ('version' in result) this.acknowledged.push({ payment, version: result.version });
      else this.refused.push({ payment, code: result.error.code });
    });
  }

  private async loop(from: number, to: number): Promise<void> {
    while (this.running) await this.send(from, to);
  }
}

/** `deposits` moved by `payments`. */
export function balancesAfterPayments(deposits: readonly bigint[], payments: readonly Pick<Payment, 'from' | 'to' | 'amount'>[]): bigint[] {
  const balances = [...deposits];
  for (const payment of payments) {
    balances[payment.from] = balances[payment.from]! - payment.amount;
    balances[payment.to] = balances[payment.to]! + payment.amount;
  }
  return balances;
}

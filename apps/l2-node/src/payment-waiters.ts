// HTTP requests waiting for their payment's fate: a certificate that commits
// it, or a rejection. A request is answered once, when the effect that decides
// it has been persisted and performed, or with PAYMENT_TIMEOUT after a bounded
// wait (the payment may still commit later; the client can resubmit it — a
// repeated id is refused as DUPLICATE_PAYMENT, never applied twice).
import type { WedgeCode } from '@wedge/api';

export type PaymentOutcome = { version: number } | { code: WedgeCode; message: string };

export type Waiter = { readonly paymentId: string; settle(outcome: PaymentOutcome): void };

/** Requests waiting at once; beyond this the process answers BUSY. */
export const MAX_WAITERS = 20_000;

export class PaymentWaiters {
  private readonly byId = new Map<string, Set<Waiter>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** A waiter answered at most once, by `answer`, or by a timeout after `waitMs`. */
  create(paymentId: string, waitMs: number, answer: (outcome: PaymentOutcome) => void): Waiter {
    let done = false;
    const waiter: Waiter = {
      paymentId,
      settle: (outcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.remove(waiter);
        answer(outcome);
      },
    };
    const timer = setTimeout(
      () => waiter.settle({ code: 'PAYMENT_TIMEOUT', message: `payment ${paymentId} was not certified within ${waitMs} ms; it may still commit` }),
      waitMs,
    );
    return waiter;
  }

  /** Starts waiting for the payment's certificate or rejection. */
  register(waiter: Waiter): void {
    let set = this.byId.get(waiter.paymentId);
    if (set === undefined) this.byId.set(waiter.paymentId, (set = new Set()));
    if (!set.has(waiter)) {
      set.add(waiter);
      this.count += 1;
    }
  }

  settleAll(paymentId: string, outcome: PaymentOutcome): void {
    const set = this.byId.get(paymentId);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.settle(outcome);
  }

  private remove(waiter: Waiter): void {
    const set = this.byId.get(waiter.paymentId);
    if (set === undefined || !set.delete(waiter)) return;
    this.count -= 1;
    if (set.size === 0) this.byId.delete(waiter.paymentId);
  }
}

// Proves the member's crash-survival rule, as the core states it
// (durableMemberState, restoreMemberState — the functions both the member
// process and the simulator restart through): a pending payment another
// member forwarded survives a crash, one a client submitted at the member
// does not; what was signed (state, payments, signature), the wedge and the
// equivocation evidence survive; no timer runs after a restart; the
// sequencer's proposal in flight comes back with the payments it signed and
// is sent again on `start`; the restored state shares nothing a step writes
// with what was persisted, so restoring it twice gives two independent
// members; and before anything was persisted, a member restores as new.
import { describe, expect, it } from 'vitest';
import { Cluster } from './harness.ts';
import { createMemberState, durableMemberState, markSeq, restoreMemberState, seqStatus } from '../src/index.ts';

describe('crash survival (durableMemberState, restoreMemberState)', () => {
  it('keeps the forwarded pending payments and drops those submitted here', () => {
    const cluster = new Cluster({ n: 3, topology: 'star' });
    cluster.startAll();
    const inFlight = cluster.pay(0, 1, 1n); // proposed at once; pending until certified
    const own = cluster.pay(0, 2, 2n); // submitted at the sequencer itself: waits
    const forwarded = cluster.payment(1, 2, 3n);
    cluster.step(0, { type: 'message', from: 1, message: { type: 'forward', payment: forwarded } });
    const sequencer = cluster.states[0]!;
    expect([...sequencer.pending.keys()]).toEqual([inFlight.paymentId, own.paymentId, forwarded.paymentId]);
    const durable = durableMemberState(sequencer);
    expect([...durable.pending.keys()]).toEqual([forwarded.paymentId]);
    const restored = restoreMemberState(cluster.ctxs[0]!, structuredClone(durable));
    expect([...restored.pending.keys()]).toEqual([forwarded.paymentId]);
    expect(restored.pending.get(forwarded.paymentId)).toEqual({ payment: forwarded, forwardedBy: 1 });
    // The one in flight is still proposed: the sequencer signed it, so it stays in the proposal.
    expect(restored.inFlight!.proposal.payments).toEqual([inFlight]);
  });

  it('a payment a client submitted here and another member then forwarded counts as forwarded', () => {
    const cluster = new Cluster({ n: 3, topology: 'star' });
    cluster.startAll();
    cluster.pay(0, 1, 1n); // in flight
    const payment = cluster.pay(0, 2, 2n);
    cluster.step(0, { type: 'message', from: 2, message: { type: 'forward', payment } });
    expect([...durableMemberState(cluster.states[0]!).pending.keys()]).toEqual([payment.paymentId]);
  });

  it('brings back what was signed and the proposal in flight, without a timer, and resends the proposal on start', () => {
    const cluster = new Cluster({ n: 3, topology: 'star' });
    cluster.startAll();
    const payment = cluster.pay(0, 1, 5n);
    const live = cluster.states[0]!;
    expect(live.timerArmed).toBe(true);
    const restored = restoreMemberState(cluster.ctxs[0]!, structuredClone(durableMemberState(live)));
    expect(restored.timerArmed).toBe(false);
    expect(restored.signedVersion).toBe(1);
    expect(restored.signedState).toEqual(live.signedState);
    expect(restored.signedPayments).toEqual([payment]);
    expect(restored.inFlight).toEqual(live.inFlight);
    cluster.states[0] = restored;
    const effects = cluster.step(0, { type: 'start' });
    expect(effects.filter((effect) => effect.type === 'send').map((effect) => effect.type === 'send' && effect.message.type)).toEqual(['propose', 'propose']);
    expect(effects).toContainEqual(expect.objectContaining({ type: 'set-timer' }));
  });

  it('restores two independent members from one durable state', () => {
    const cluster = new Cluster({ n: 2, topology: 'star' });
    cluster.startAll();
    cluster.pay(0, 1, 5n);
    const durable = durableMemberState(cluster.states[0]!);
    const first = restoreMemberState(cluster.ctxs[0]!, durable);
    const second = restoreMemberState(cluster.ctxs[0]!, durable);
    markSeq(first.payerSeqs[1]!, 99);
    first.inFlight!.signatures[1] = 'y';
    first.submittedAt.close = 7;
    expect(seqStatus(second.payerSeqs[1]!, 99)).toBe('fresh');
    expect(second.inFlight!.signatures[1]).toBeNull();
    expect(second.submittedAt.close).toBe(-Infinity);
    expect(seqStatus(durable.payerSeqs[1]!, 99)).toBe('fresh');
  });

  it('keeps a wedge across a crash, and a member with nothing persisted restores as new', () => {
    const cluster = new Cluster({ n: 3, topology: 'chain' });
    cluster.startAll();
    cluster.step(1, { type: 'wedge', reason: 'user' });
    expect(restoreMemberState(cluster.ctxs[1]!, structuredClone(durableMemberState(cluster.states[1]!))).wedged).toBe('user');
    expect(restoreMemberState(cluster.ctxs[2]!, null)).toEqual(createMemberState(cluster.ctxs[2]!));
  });
});

// Proves request admission in the core (handle/request.ts): a new valid
// request joins the mempool, and a client's is broadcast to every replica (a
// peer's relayed one is not sent on again); a request already pending or
// recently executed is dropped with that reason, and so is one whose nonce
// is spent — the ledger has executed another transaction with that nonce,
// so it could never execute; an invalid request, or one beyond a full
// mempool, is rejected with a code for the client instead of dropped.
import { describe, expect, it } from 'vitest';
import type { SignedTx } from '@wedge/ledger';
import { commitThroughGroup, createGroup, deliver, dropped, request, sentOfType, startAll, transfer } from './group.ts';

describe('requests', () => {
  it("a client's new request is kept and broadcast; a peer's is kept and not sent on", () => {
    const g = createGroup();
    startAll(g);
    const tx = transfer(g, 0, 0);
    const effects = request(g, 1, tx);
    expect(dropped(effects)).toEqual([]);
    expect(sentOfType(effects, 'request')).toEqual([{ type: 'request', tx }]);
    expect(g.states[1]!.pending.size).toBe(1);
    const relayed = deliver(g, 2, 1, { type: 'request', tx });
    expect(sentOfType(relayed, 'request')).toEqual([]);
    expect(g.states[2]!.pending.size).toBe(1);
  });

  it('a repeat is dropped as ALREADY_PENDING, an executed one as ALREADY_EXECUTED', () => {
    const g = createGroup();
    startAll(g);
    const tx = transfer(g, 0, 0);
    request(g, 1, tx);
    expect(dropped(request(g, 1, tx))).toEqual([{ type: 'dropped', input: 'request', from: undefined, reason: 'ALREADY_PENDING' }]);
    expect(dropped(deliver(g, 1, 2, { type: 'request', tx }))).toEqual([{ type: 'dropped', input: 'request', from: 2, reason: 'ALREADY_PENDING' }]);
    g.queue.length = 0;
    commitThroughGroup(g, tx);
    expect(g.states[1]!.executed).toBe(1);
    expect(dropped(request(g, 1, tx)).map((effect) => effect.reason)).toEqual(['ALREADY_EXECUTED']);
  });

  it('a request whose nonce is spent is dropped as NONCE_SPENT and not kept', () => {
    const g = createGroup();
    startAll(g);
    commitThroughGroup(g, transfer(g, 0, 0, 5n));
    const sameNonce = transfer(g, 0, 0, 7n); // another transaction, same sender and nonce
    for (let id = 0; id < 4; id++) {
      const effects = request(g, id, sameNonce);
      expect(dropped(effects).map((effect) => effect.reason)).toEqual(['NONCE_SPENT']);
      expect(sentOfType(effects, 'request')).toEqual([]);
      expect(g.states[id]!.pending.size).toBe(0);
    }
  });

  it('an invalid request, or one beyond a full mempool, is rejected with a code (not dropped)', () => {
    const g = createGroup({ maxPendingTxs: 1 });
    startAll(g);
    const tx = transfer(g, 0, 0);
    const forged = { ...tx, body: { ...tx.body, amount: 9n } } as SignedTx;
    const effects = request(g, 1, forged);
    expect(dropped(effects)).toEqual([]);
    expect(effects).toEqual([expect.objectContaining({ type: 'request-rejected', code: expect.any(String) })]);
    request(g, 1, tx);
    expect(request(g, 1, transfer(g, 1, 0))).toEqual([expect.objectContaining({ type: 'request-rejected', code: 'MEMPOOL_FULL' })]);
  });
});

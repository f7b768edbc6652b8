// Proves what a backup does with a primary's proposal (handle/pre-prepare.ts):
// it prepares the first valid pre-prepare of a slot, and drops — with the
// reason in a `dropped` effect, and without preparing — a second, conflicting
// one (the primary equivocating) and a repeat, a pre-prepare not from the
// view's primary, outside the watermarks, for a view too far ahead, with a
// digest that is not its block's, a forged signature, an invalid or
// duplicated transaction, a sender's transactions out of nonce order, or
// too many transactions. A proposal for a view a
// little ahead is kept in the log without a vote.
import { describe, expect, it } from 'vitest';
import type { SignedTx } from '@wedge/ledger';
import { blockDigest, type Block, type PrePrepare, type PrePrepareMessage } from '../src/index.ts';
import { createGroup, deliver, dropped, request, sentOfType, signAs, startAll, transfer, type Group } from './group.ts';

function proposal(g: Group, block: Block<SignedTx>, options: { view?: number; seq?: number; signer?: number; replica?: number } = {}): PrePrepareMessage<SignedTx> {
  const view = options.view ?? 0;
  const replica = options.replica ?? view % 4;
  const unsigned = { type: 'pre-prepare' as const, view, seq: options.seq ?? block.height, digest: blockDigest('test', block, g.ctxs[0]!.app), replica };
  const signed = signAs<PrePrepare>(g, options.signer ?? replica, unsigned);
  return { type: 'pre-prepare-block', prePrepare: { ...signed, replica }, block };
}

function setup() {
  const g = createGroup();
  startAll(g);
  const tx = transfer(g, 0, 0);
  const message = sentOfType(request(g, 0, tx), 'pre-prepare-block')[0]!;
  return { g, tx, message };
}

describe('pre-prepare', () => {
  it("a backup prepares the primary's first valid proposal for a slot", () => {
    const { g, message } = setup();
    const effects = deliver(g, 1, 0, message);
    expect(dropped(effects)).toEqual([]);
    const prepares = sentOfType(effects, 'prepare');
    expect(prepares).toHaveLength(1);
    expect(prepares[0]).toMatchObject({ view: 0, seq: 1, digest: message.prePrepare.digest, replica: 1 });
    expect(g.states[1]!.pending.size).toBe(1); // the proposal's request is now watched
  });

  it('a second, conflicting pre-prepare for the slot is dropped as CONFLICTING_PRE_PREPARE; a repeat as DUPLICATE', () => {
    const { g, message } = setup();
    deliver(g, 1, 0, message);
    const conflicting = proposal(g, { height: 1, txs: [transfer(g, 1, 0)] });
    const effects = deliver(g, 1, 0, conflicting);
    expect(dropped(effects)).toEqual([{ type: 'dropped', input: 'pre-prepare-block', from: 0, reason: 'CONFLICTING_PRE_PREPARE' }]);
    expect(sentOfType(effects, 'prepare')).toEqual([]);
    expect(g.states[1]!.slots.get('0:1')!.prePrepare!.digest).toBe(message.prePrepare.digest); // the first one counts
    expect(dropped(deliver(g, 1, 0, message)).map((effect) => effect.reason)).toEqual(['DUPLICATE']);
  });

  it("drops a pre-prepare that is not the view's primary's, or claims to be our own", () => {
    const { g, tx } = setup();
    const fromBackup = proposal(g, { height: 1, txs: [tx] }, { replica: 2 });
    expect(dropped(deliver(g, 1, 2, fromBackup)).map((effect) => effect.reason)).toEqual(['NOT_FROM_PRIMARY']);
    // In view 1 replica 1 is the primary: a pre-prepare of view 1 signed as replica 1 reaching replica 1 is not taken.
    const asOwn = proposal(g, { height: 1, txs: [tx] }, { view: 1 });
    expect(dropped(deliver(g, 1, 3, asOwn)).map((effect) => effect.reason)).toEqual(['FROM_SELF']);
  });

  it('drops pre-prepares outside the watermarks, for a view too far ahead, and keeps one a view ahead without voting', () => {
    const { g, tx } = setup();
    const beyond = proposal(g, { height: 5, txs: [tx] }); // high watermark = 0 + watermarkBlocks (4)
    expect(dropped(deliver(g, 1, 0, beyond)).map((effect) => effect.reason)).toEqual(['OUTSIDE_WATERMARKS']);
    const farView = proposal(g, { height: 1, txs: [tx] }, { view: 3 });
    expect(dropped(deliver(g, 1, 3, farView)).map((effect) => effect.reason)).toEqual(['VIEW_TOO_FAR']);
    const nextView = proposal(g, { height: 1, txs: [tx] }, { view: 2 });
    const effects = deliver(g, 1, 2, nextView);
    expect(dropped(effects)).toEqual([]);
    expect(sentOfType(effects, 'prepare')).toEqual([]);
    expect(g.states[1]!.slots.get('2:1')!.prePrepare).toEqual(nextView.prePrepare);
  });

  it('drops a proposal whose digest is not its block, whose signature is forged, or with too many transactions', () => {
    const { g, tx } = setup();
    const good = proposal(g, { height: 1, txs: [tx] });
    const swapped = { ...good, block: { height: 1, txs: [transfer(g, 1, 0)] } };
    expect(dropped(deliver(g, 1, 0, swapped)).map((effect) => effect.reason)).toEqual(['BAD_DIGEST']);
    const forged = proposal(g, { height: 1, txs: [tx] }, { signer: 2, replica: 0 });
    expect(dropped(deliver(g, 2, 0, forged)).map((effect) => effect.reason)).toEqual(['BAD_SIGNATURE']);
    const large = proposal(g, { height: 1, txs: [0, 1, 2, 3, 4].map((nonce) => transfer(g, 0, nonce)) }); // maxBlockTxs 4
    expect(dropped(deliver(g, 3, 0, large)).map((effect) => effect.reason)).toEqual(['BLOCK_TOO_LARGE']);
  });

  it('drops a proposal with an invalid transaction (INVALID_TX) or one transaction twice (DUPLICATE_TX)', () => {
    const { g, tx } = setup();
    const invalid: SignedTx = { ...tx, body: { ...tx.body, amount: 2n } } as SignedTx; // the signature no longer matches
    expect(dropped(deliver(g, 1, 0, proposal(g, { height: 1, txs: [invalid] }))).map((effect) => effect.reason)).toEqual(['INVALID_TX']);
    expect(dropped(deliver(g, 2, 0, proposal(g, { height: 1, txs: [tx, tx] }))).map((effect) => effect.reason)).toEqual(['DUPLICATE_TX']);
    expect(g.states[1]!.pending.size).toBe(0);
  });

  it("drops a proposal whose sender's transactions are out of nonce order (NONCE_ORDER), and takes them in order", () => {
    const g = createGroup();
    startAll(g);
    const [first, second, third] = [0, 1, 2].map((nonce) => transfer(g, 0, nonce));
    const other = transfer(g, 1, 0);
    // Reversed, or with a gap: the later ones would fail at execution with BAD_NONCE.
    expect(dropped(deliver(g, 1, 0, proposal(g, { height: 1, txs: [second!, other, first!] }))).map((effect) => effect.reason)).toEqual(['NONCE_ORDER']);
    expect(dropped(deliver(g, 2, 0, proposal(g, { height: 1, txs: [first!, third!] }))).map((effect) => effect.reason)).toEqual(['NONCE_ORDER']);
    expect(g.states[1]!.pending.size).toBe(0);
    // Consecutive per sender, other senders between them: valid.
    const effects = deliver(g, 3, 0, proposal(g, { height: 1, txs: [first!, other, second!, third!] }));
    expect(dropped(effects)).toEqual([]);
    expect(sentOfType(effects, 'prepare')).toHaveLength(1);
  });
});

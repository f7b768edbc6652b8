// Proves the channel.open rules: deposits are locked from each member and the
// opening state (version 0) is recorded; any member may send it but every
// member must sign, in order; bad member groups, windows, deposits and ids are
// refused and change nothing.
import { describe, expect, it } from 'vitest';
import { createStandInScheme, type KeyPair } from '@wedge/crypto';
import { toHex } from '@wedge/common';
import { lockedFunds, MAX_AMOUNT, openingState, signTx, totalFunds, type SignedTx, type TxBody } from '../src/index.ts';
import {
  attemptWithRoot,
  balanceOf,
  CHAIN_ID,
  channelIdOf,
  commit,
  GENESIS_BALANCE,
  makeKeys,
  makeLedger,
  nonceOf,
  openBody,
  openTx,
  unsignedTx,
} from './fixtures.ts';

const scheme = createStandInScheme();
const keys = makeKeys(scheme, 20);
const [alice, bob, carol] = keys as [KeyPair, KeyPair, KeyPair];
const channelId = channelIdOf('open');

describe('channel.open', () => {
  it('locks each deposit and records the opening state', () => {
    const state = makeLedger([alice, bob]);
    // The sender is member 1, not member 0: any member may send the open.
    const results = commit(scheme, state, [openTx(scheme, bob, 0, channelId, [alice, bob], [100n, 50n], { topology: 'chain' })]);
    expect(results[0]!.code).toBe('OK');
    const record = state.channels.get(channelId)!;
    expect(record.status).toBe('open');
    expect(record.members.map((member) => member.address)).toEqual([alice.address, bob.address]);
    expect(record.deposits).toEqual([100n, 50n]);
    expect(record.total).toBe(150n);
    expect(record.topology).toBe('chain');
    expect(record.openedAt).toBe(1);
    expect(record.recorded).toEqual(openingState(CHAIN_ID, channelId, [100n, 50n]));
    expect(balanceOf(state, alice.address)).toBe(GENESIS_BALANCE - 100n);
    expect(balanceOf(state, bob.address)).toBe(GENESIS_BALANCE - 50n);
    expect(nonceOf(state, bob)).toBe(1);
    expect(nonceOf(state, alice)).toBe(0);
    expect(lockedFunds(state)).toBe(150n);
    expect(totalFunds(state)).toBe(state.supply);
  });

  it('allows a zero deposit for a member without an account', () => {
    const state = makeLedger([alice]);
    const outcome = attemptWithRoot(scheme, state, openTx(scheme, alice, 0, channelId, [alice, carol], [10n, 0n]));
    expect(outcome).toEqual({ code: 'OK', changed: true });
    expect(state.accounts.has(carol.address)).toBe(false);
  });

  it('accepts 16 members and refuses 17', () => {
    const state = makeLedger(keys);
    const sixteen = keys.slice(0, 16);
    expect(attemptWithRoot(scheme, state, openTx(scheme, alice, 0, channelId, sixteen, sixteen.map(() => 1n))).code).toBe('OK');
    const seventeen = keys.slice(0, 17);
    // signTx refuses more than 16 signers, so build the signatures by hand.
    const body = openBody(alice, 1, channelIdOf('big'), seventeen, seventeen.map(() => 1n));
    const tx: SignedTx = {
      body,
      signatures: [...signTx(scheme, body, seventeen.slice(0, 16)).signatures, signTx(scheme, body, [seventeen[16]!]).signatures[0]!],
    };
    expect(attemptWithRoot(scheme, state, tx)).toEqual({ code: 'MALFORMED', changed: false });
  });

  const badOpens: [string, () => SignedTx, string][] = [
    ['one member', () => openTx(scheme, alice, 0, channelId, [alice], [10n]), 'MALFORMED'],
    ['a repeated member', () => openTx(scheme, alice, 0, channelId, [alice, alice], [10n, 10n]), 'MALFORMED'],
    ['a zero challenge window', () => openTx(scheme, alice, 0, channelId, [alice, bob], [1n, 1n], { challengeBlocks: 0 }), 'MALFORMED'],
    ['a huge challenge window', () => openTx(scheme, alice, 0, channelId, [alice, bob], [1n, 1n], { challengeBlocks: 100_001 }), 'MALFORMED'],
    ['a fractional challenge window', () => unsignedTx(openBody(alice, 0, channelId, [alice, bob], [1n, 1n], { challengeBlocks: 1.5 }), [alice, bob]), 'MALFORMED'],
    ['an unknown topology', () => openTx(scheme, alice, 0, channelId, [alice, bob], [1n, 1n], { topology: 'ring' as 'star' }), 'MALFORMED'],
    ['a short channel id', () => openTx(scheme, alice, 0, 'abcd', [alice, bob], [1n, 1n]), 'MALFORMED'],
    ['no funds at all', () => openTx(scheme, alice, 0, channelId, [alice, bob], [0n, 0n]), 'INVALID_AMOUNT'],
    ['a negative deposit', () => openTx(scheme, alice, 0, channelId, [alice, bob], [10n, -1n]), 'INVALID_AMOUNT'],
    ['a deposit above MAX_AMOUNT', () => openTx(scheme, alice, 0, channelId, [alice, bob], [MAX_AMOUNT + 1n, 0n]), 'INVALID_AMOUNT'],
    ['a sender outside the group', () => signTx(scheme, openBody(carol, 0, channelId, [alice, bob], [1n, 1n]), [alice, bob]), 'NOT_A_MEMBER'],
    ['a member short of funds', () => openTx(scheme, alice, 0, channelId, [alice, bob], [1n, GENESIS_BALANCE + 1n]), 'INSUFFICIENT_FUNDS'],
    ['a missing member signature', () => signTx(scheme, openBody(alice, 0, channelId, [alice, bob], [1n, 1n]), [alice]), 'BAD_SIGNATURE'],
    ['signatures out of member order', () => signTx(scheme, openBody(alice, 0, channelId, [alice, bob], [1n, 1n]), [bob, alice]), 'BAD_SIGNATURE'],
    ['a wrong nonce', () => openTx(scheme, alice, 3, channelId, [alice, bob], [1n, 1n]), 'BAD_NONCE'],
  ];

  it.each(badOpens)('refuses an open with %s and changes nothing', (_label, build, code) => {
    const state = makeLedger([alice, bob]);
    expect(attemptWithRoot(scheme, state, build())).toEqual({ code, changed: false });
  });

  it('refuses a member slot signed by someone else (a forged member signature)', () => {
    const state = makeLedger([alice, bob, carol]);
    const body = openBody(alice, 0, channelId, [alice, bob], [1n, 1n]);
    const forged = signTx(scheme, body, [alice, carol]);
    // Carol signs but claims Bob's key: the key matches the member, the signature does not.
    const tx: SignedTx = { body, signatures: [forged.signatures[0]!, { publicKey: toHex(bob.publicKey), signature: forged.signatures[1]!.signature }] };
    expect(attemptWithRoot(scheme, state, tx)).toEqual({ code: 'BAD_SIGNATURE', changed: false });
    // Carol signs with her own key in Bob's slot: not the member's key.
    expect(attemptWithRoot(scheme, state, forged)).toEqual({ code: 'BAD_SIGNATURE', changed: false });
  });

  it('refuses a second channel with a used id, even after the first closed', () => {
    const state = makeLedger([alice, bob]);
    expect(commit(scheme, state, [openTx(scheme, alice, 0, channelId, [alice, bob], [1n, 1n])])[0]!.code).toBe('OK');
    expect(attemptWithRoot(scheme, state, openTx(scheme, bob, 0, channelId, [alice, bob], [5n, 5n]))).toEqual({
      code: 'CHANNEL_EXISTS',
      changed: false,
    });
  });

  it('refuses a body changed after the members signed it', () => {
    const state = makeLedger([alice, bob]);
    const tx = openTx(scheme, alice, 0, channelId, [alice, bob], [1n, 1n]);
    const body = tx.body as Extract<TxBody, { type: 'channel.open' }>;
    const tampered: SignedTx = { ...tx, body: { ...body, members: [body.members[0]!, { ...body.members[1]!, deposit: 2n }] } };
    expect(attemptWithRoot(scheme, state, tampered)).toEqual({ code: 'BAD_SIGNATURE', changed: false });
  });
});

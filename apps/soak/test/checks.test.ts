// Proves the soak's checks catch what they name: two different certified
// states shown for one version are a conflicting-certificates violation (the
// same state twice is not), so is a member's signed state that differs from
// the certificate at its version; a certificate whose balances do not sum to
// the deposits is an l2-conservation violation; the expected balances count
// exactly the payments acknowledged or found committed; and a flood of one
// violation is kept bounded but counted whole.
import { describe, expect, it } from 'vitest';
import type { Certificate } from '@wedge/channel';
import { channelStateHash, type ChannelState } from '@wedge/ledger';
import type { Cluster } from '../src/cluster.ts';
import { ChannelPayers, type PaymentRecord } from '../src/l2-load.ts';
import { L2Observer } from '../src/l2-observer.ts';
import { MAX_DETAILED_PER_NAME, Violations } from '../src/violations.ts';
import { Prng } from '@wedge/sim';
import type { L2Channel } from '../../../test/support/l2-network.ts';

const DEPOSITS = [1_000n, 1_000n];
// The observer reads only each channel's deposits from the cluster.
const cluster = { channels: { star: { deposits: DEPOSITS }, chain: { deposits: [1_000n, 1_000n, 1_000n] } } } as unknown as Cluster;

function certificate(version: number, balances: bigint[], commandsHash = 'aa'.repeat(32)): Certificate {
  const deposited = balances.length === 2 ? DEPOSITS : [1_000n, 1_000n, 1_000n];
  const withdrawn = balances.map(() => 0n);
  const state: ChannelState = { chainId: 'wedge-test', channelId: 'cc'.repeat(32), version, balances, deposited, withdrawn, commandsHash, prevHash: 'bb'.repeat(32), final: false };
  return { state, signatures: [] };
}

describe('the channel checks', () => {
  it('flag two different certified states for one version, not the same state twice', () => {
    const violations = new Violations(() => 0);
    const observer = new L2Observer(cluster, violations);
    observer.record('star', certificate(3, [900n, 1_100n]), 'star member 0');
    observer.record('star', certificate(3, [900n, 1_100n]), 'watchtower');
    expect(violations.size).toBe(0);
    observer.record('star', certificate(3, [900n, 1_100n], 'dd'.repeat(32)), 'star member 1');
    expect(violations.list().map((violation) => violation.name)).toEqual(['conflicting-certificates']);
    expect(violations.list()[0]!.details.sources).toEqual(['star member 0', 'star member 1']);
    // The same version in the other channel is another state, not a conflict.
    observer.record('chain', certificate(3, [1_000n, 1_000n, 1_000n]), 'chain member 0');
    expect(violations.size).toBe(1);
  });

  it("flag a member's signed state that is not the certified one at its version", () => {
    const violations = new Violations(() => 0);
    const observer = new L2Observer(cluster, violations);
    const certified = certificate(5, [1_000n, 1_000n]);
    observer.record('star', certified, 'star member 0');
    observer.recordSigned('star', 5, channelStateHash(certified.state), 'star member 1');
    observer.recordSigned('star', 6, 'ee'.repeat(32), 'star member 1');
    expect(violations.size).toBe(0);
    observer.recordSigned('star', 5, 'ee'.repeat(32), 'star member 1');
    expect(violations.list().map((violation) => violation.name)).toEqual(['conflicting-certificates']);
  });

  it('flag a certified state whose balances do not sum to the deposits', () => {
    const violations = new Violations(() => 0);
    const observer = new L2Observer(cluster, violations);
    observer.record('star', certificate(1, [1_000n, 1_001n]), 'star member 0');
    expect(violations.list().map((violation) => violation.name)).toEqual(['l2-conservation']);
  });

  it('expect exactly the payments acknowledged or found committed', () => {
    const channel = { keys: [{}, {}], deposits: DEPOSITS } as unknown as L2Channel;
    const payers = new ChannelPayers('star', channel, new Prng(1));
    const record = (from: number, to: number, amount: bigint, outcome: PaymentRecord['outcome']): PaymentRecord => ({
      payment: { from, to, amount, seq: 1, paymentId: '00'.repeat(32), signature: '' },
      at: 0,
      outcome,
      version: null,
      code: null,
    });
    payers.records.push(record(0, 1, 10n, 'acknowledged'), record(1, 0, 3n, 'duplicate'), record(0, 1, 50n, 'refused'), record(0, 1, 70n, 'unknown'));
    expect(payers.expectedBalances()).toEqual([993n, 1_007n]);
  });

  it('keep a bounded number of violations with details, and count them all', () => {
    const violations = new Violations(() => 0);
    for (let index = 0; index < 500; index++) violations.add('block-digest-mismatch', { height: index });
    expect(violations.size).toBe(500);
    const listed = violations.list();
    expect(listed).toHaveLength(MAX_DETAILED_PER_NAME + 1);
    expect(listed.at(-1)!.details).toEqual({ moreNotShown: 500 - MAX_DETAILED_PER_NAME });
  });
});

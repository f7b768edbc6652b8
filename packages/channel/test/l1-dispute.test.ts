// Proves, against the real L1 state machine (@wedge/ledger, blocks applied one
// by one), that what members and the watchtower submit on L1 settles each
// honest member at least its balance in the latest certificate it (or the
// watchtower) holds: a cooperative close pays out at once; a stale termination
// by a Byzantine member is challenged before the deadline and settled after
// it, by the honest members or — while they are offline — by the watchtower,
// also when the newest state it holds is the final close state; a termination
// with the final state itself still settles; a member that wedges at version 0
// gets the deposits back.
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed, type KeyPair } from '@wedge/crypto';
import { applyBlock, createLedger, signTx, type LedgerState, type SignedTx, type TxBody, type TxCode } from '@wedge/ledger';
import type { ChannelTopology } from '@wedge/ledger';
import { toHex } from '@wedge/common';
import { Cluster, CHAIN_ID, CHANNEL_ID } from './harness.ts';
import { channelActionTx, createWatchtowerState, stepWatchtower, type Certificate, type L1Action, type L1ChannelView, type WatchtowerState } from '../src/index.ts';

const ACCOUNT_BALANCE = 100_000n;
const CHALLENGE_BLOCKS = 8;

/** An L1 ledger with the cluster's channel opened on it, plus a watchtower with its own L1 account. */
class L1 {
  readonly ledger: LedgerState;
  readonly towerKey: KeyPair;
  readonly tower: WatchtowerState = createWatchtowerState();
  readonly codes: { who: string; action: L1Action; code: TxCode }[] = [];

  constructor(readonly cluster: Cluster) {
    this.towerKey = keyPairFromSeed(cluster.scheme, 'watchtower');
    const accounts = [...cluster.keys, this.towerKey].map((key) => ({ address: key.address, balance: ACCOUNT_BALANCE }));
    this.ledger = createLedger({ chainId: CHAIN_ID, accounts });
    const deposits = cluster.ctxs[0]!.config.deposits;
    const open: TxBody = {
      type: 'channel.open',
      chainId: CHAIN_ID,
      from: cluster.keys[0]!.address,
      nonce: 0,
      channelId: CHANNEL_ID,
      members: cluster.keys.map((key, index) => ({ publicKey: toHex(key.publicKey), deposit: deposits[index]! })),
      challengeBlocks: CHALLENGE_BLOCKS,
      topology: cluster.options.topology,
    };
    expect(this.commit([signTx(cluster.scheme, open, cluster.keys)])).toEqual(['OK']);
    stepWatchtower(cluster.scheme, this.tower, { type: 'watch', channelId: CHANNEL_ID, chainId: CHAIN_ID, members: cluster.ctxs[0]!.config.members });
  }

  commit(txs: SignedTx[]): TxCode[] {
    return applyBlock(this.cluster.scheme, this.ledger, { height: this.ledger.height + 1, txs }).map((result) => result.code);
  }

  view(): L1ChannelView {
    const record = this.ledger.channels.get(CHANNEL_ID)!;
    return { status: record.status, recordedVersion: record.recorded.version, deadline: record.deadline, height: this.ledger.height };
  }

  /** Submits one channel transaction from `signer` in a block of its own. */
  submit(signer: KeyPair, action: L1Action, certificate: Certificate | null, who = signer.address.slice(0, 6)): TxCode {
    const nonce = this.ledger.accounts.get(signer.address)?.nonce ?? 0;
    // The builder every party uses (l1-tx.ts): what the cores ask for is what L1 receives here too.
    const body = channelActionTx({ chainId: CHAIN_ID, from: signer.address, nonce }, CHANNEL_ID, action, certificate);
    const [code] = this.commit([signTx(this.cluster.scheme, body, [signer])]);
    this.codes.push({ who, action, code: code! });
    return code!;
  }

  /** One L1 block seen by the given members and the watchtower; whatever they submit goes into the next blocks. */
  tick(members: readonly number[], withTower: boolean): void {
    const view = this.view();
    for (const member of members) {
      for (const effect of this.cluster.step(member, { type: 'l1', channel: view })) {
        if (effect.type === 'submit-l1') this.submit(this.cluster.keys[member]!, effect.action, effect.certificate, `member ${member}`);
      }
    }
    if (withTower) {
      for (const effect of stepWatchtower(this.cluster.scheme, this.tower, { type: 'l1', channelId: CHANNEL_ID, channel: view })) {
        if (effect.type === 'submit-l1') this.submit(this.towerKey, effect.action, effect.certificate, 'tower');
      }
    }
    if (this.view().height === view.height) this.commit([]); // time passes
  }

  /** Ticks until the channel is closed on L1 (bounded). */
  runToClose(members: readonly number[], withTower: boolean): bigint[] {
    for (let block = 0; block < 5 * CHALLENGE_BLOCKS && this.view().status !== 'closed'; block++) this.tick(members, withTower);
    const record = this.ledger.channels.get(CHANNEL_ID)!;
    expect(record.status).toBe('closed');
    return record.settledBalances!;
  }

  pushAll(certificates: readonly Certificate[]): void {
    for (const certificate of certificates) stepWatchtower(this.cluster.scheme, this.tower, { type: 'push', channelId: CHANNEL_ID, certificate });
  }
}

/** A channel with `count` certified payments; returns the certificates in version order. */
function withPayments(topology: ChannelTopology, count: number): { cluster: Cluster; l1: L1; certificates: Certificate[] } {
  const cluster = new Cluster({ n: 3, topology });
  const l1 = new L1(cluster);
  cluster.startAll();
  for (let index = 0; index < count; index++) {
    // Member 2 pays most: a stale state is worth cheating with for it.
    cluster.pay(2, index % 2, 50n + BigInt(index));
    cluster.run();
  }
  const certificates = [...cluster.certificates.values()].sort((a, b) => a.state.version - b.state.version);
  return { cluster, l1, certificates };
}

describe.each<ChannelTopology>(['star', 'chain'])('disputes on the real L1 (%s)', (topology) => {
  it('a cooperative close pays out the final balances at once', () => {
    const { cluster, l1, certificates } = withPayments(topology, 3);
    cluster.step(1, { type: 'close' });
    cluster.run();
    const final = cluster.highestCertified()!;
    expect(final.state.final).toBe(true);
    // Every member asks to close; the first one lands, the others find it closed.
    for (let member = 0; member < 3; member++) {
      for (const effect of cluster.effectsOf(member, 'submit-l1')) l1.submit(cluster.keys[member]!, effect.action, effect.certificate);
    }
    expect(l1.codes.map((entry) => entry.code)).toEqual(['OK', 'CHANNEL_CLOSED', 'CHANNEL_CLOSED']);
    expect(l1.ledger.channels.get(CHANNEL_ID)!.settledBalances).toEqual(certificates.at(-1)!.state.balances);
    l1.tick([0, 1, 2], false);
    expect(cluster.states.every((state) => state.closed)).toBe(true);
  });

  it('the honest members challenge a stale termination and settle at their latest certificate', () => {
    const { cluster, l1, certificates } = withPayments(topology, 4);
    // Member 2 (Byzantine) terminates with v1, where it still had most of its money.
    expect(l1.submit(cluster.keys[2]!, 'terminate', certificates[0]!, 'cheater')).toBe('OK');
    const settled = l1.runToClose([0, 1], false);
    expect(settled).toEqual(certificates[3]!.state.balances);
    expect(l1.codes.filter((entry) => entry.action === 'challenge' && entry.code === 'OK').length).toBeGreaterThanOrEqual(1);
    expect(cluster.states[0]!.wedged).toBe('l1-frozen');
  });

  it('the watchtower challenges a stale termination while the honest members are offline', () => {
    const { cluster, l1, certificates } = withPayments(topology, 4);
    l1.pushAll(certificates);
    expect(l1.submit(cluster.keys[2]!, 'terminate', certificates[1]!, 'cheater')).toBe('OK');
    const settled = l1.runToClose([], true);
    expect(settled).toEqual(certificates[3]!.state.balances);
    expect(l1.codes.filter((entry) => entry.who === 'tower').map((entry) => [entry.action, entry.code])).toEqual([
      ['challenge', 'OK'],
      ['settle', 'OK'],
    ]);
  });

  it('the watchtower holding the final close state defeats a stale termination before the close lands', () => {
    const { cluster, l1, certificates } = withPayments(topology, 3);
    cluster.step(0, { type: 'close' });
    cluster.run();
    const final = cluster.highestCertified()!;
    l1.pushAll([...certificates, final]);
    // The honest members go offline before submitting the close; member 2 terminates with v1.
    expect(l1.submit(cluster.keys[2]!, 'terminate', certificates[0]!, 'cheater')).toBe('OK');
    const settled = l1.runToClose([], true);
    expect(settled).toEqual(certificates[2]!.state.balances);
  });

  it('a termination with the final state itself still settles (a close would be stale)', () => {
    const { cluster, l1, certificates } = withPayments(topology, 2);
    cluster.step(0, { type: 'close' });
    cluster.run();
    const final = cluster.highestCertified()!;
    expect(l1.submit(cluster.keys[2]!, 'terminate', final, 'member 2')).toBe('OK');
    // Only the honest members watch (no watchtower): they must settle.
    const settled = l1.runToClose([0, 1], false);
    expect(settled).toEqual(certificates[1]!.state.balances);
  });

  it('a member that wedges at version 0 terminates with the opening state and gets the deposits back', () => {
    const cluster = new Cluster({ n: 3, topology });
    const l1 = new L1(cluster);
    cluster.startAll();
    for (const effect of cluster.step(1, { type: 'wedge', reason: 'user' })) {
      if (effect.type === 'submit-l1') expect(l1.submit(cluster.keys[1]!, effect.action, effect.certificate)).toBe('OK');
    }
    expect(l1.view().status).toBe('frozen');
    const settled = l1.runToClose([0, 1, 2], false);
    expect(settled).toEqual(cluster.ctxs[0]!.config.deposits);
    // Member 1 terminated once; nobody had anything newer to challenge with.
    expect(l1.codes.filter((entry) => entry.action === 'challenge')).toEqual([]);
  });
});

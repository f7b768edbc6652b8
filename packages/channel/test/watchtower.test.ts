// Proves the watchtower core: it accepts a pushed state only when it is fully
// signed by exactly the channel's members, one signature each, in member
// order, for the watched channel and chain (else BAD_SIGNATURE, or
// UNKNOWN_CHANNEL); it rejects pushes not newer than what it holds
// (STALE_STATE) and keeps its best state; when L1 shows the channel frozen
// with an older recorded state, it challenges with its best before the
// deadline (resubmitting only every few blocks), settles after the deadline
// and stops once L1 says closed. Certificates come from real member cores,
// with the stand-in scheme and with secp256k1.
import { describe, expect, it } from 'vitest';
import { toHex } from '@wedge/common';
import { keyPairFromSeed, type SignatureScheme } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { signChannelState } from '@wedge/ledger';
import { Cluster, CHAIN_ID, CHANNEL_ID, hexOf } from './harness.ts';
import { createWatchtowerState, stepWatchtower, type Certificate, type L1ChannelView, type WatchtowerState } from '../src/index.ts';

/** Certificates v1..v`count` of a 3-member star, made by real member cores. */
function history(count: number, scheme?: SignatureScheme): { cluster: Cluster; certificates: Certificate[] } {
  const cluster = new Cluster({ n: 3, topology: 'star', ...(scheme === undefined ? {} : { scheme }) });
  cluster.startAll();
  for (let index = 0; index < count; index++) {
    cluster.pay(index % 3, (index + 1) % 3, 11n);
    cluster.run();
  }
  const certificates = [...cluster.certificates.values()].sort((a, b) => a.state.version - b.state.version);
  expect(certificates).toHaveLength(count);
  return { cluster, certificates };
}

function watching(cluster: Cluster): WatchtowerState {
  const tower = createWatchtowerState();
  expect(stepWatchtower(cluster.scheme, tower, { type: 'watch', channelId: CHANNEL_ID, chainId: CHAIN_ID, members: cluster.ctxs[0]!.config.members })).toEqual([]);
  return tower;
}

const frozen = (height: number, recordedVersion: number, deadline = 40): L1ChannelView => ({ status: 'frozen', recordedVersion, deadline, height });

describe('watchtower pushes', () => {
  it('accepts a fully-signed state and keeps the newest', () => {
    const { cluster, certificates } = history(3);
    const tower = watching(cluster);
    for (const certificate of certificates) expect(stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate })).toEqual([]);
    expect(tower.channels.get(CHANNEL_ID)!.best).toEqual(certificates[2]);
  });

  it('rejects a state not signed by exactly the channel members, in order', () => {
    const { cluster, certificates } = history(2);
    const tower = watching(cluster);
    const certificate = certificates[1]!;
    const outsider = keyPairFromSeed(cluster.scheme, 'outsider');
    const [a, b, c] = certificate.signatures as [string, string, string];
    const bad: [string, Certificate][] = [
      ['a missing signature', { ...certificate, signatures: [a, b] }],
      ['an extra signature', { ...certificate, signatures: [a, b, c, c] }],
      ['signatures out of order', { ...certificate, signatures: [b, a, c] }],
      ['one member signing twice', { ...certificate, signatures: [a, a, c] }],
      ['an outsider instead of a member', { ...certificate, signatures: [a, b, signChannelState(cluster.scheme, certificate.state, outsider.secretKey)] }],
      ['an empty signature', { ...certificate, signatures: [a, b, ''] }],
      ['non-hex garbage', { ...certificate, signatures: [a, b, 'zz'] }],
      ['balances changed after signing', { ...certificate, state: { ...certificate.state, balances: [...certificate.state.balances].reverse() } }],
    ];
    for (const [name, pushed] of bad) {
      expect(stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate: pushed }), name).toEqual([
        { type: 'push-rejected', channelId: CHANNEL_ID, code: 'BAD_SIGNATURE' },
      ]);
    }
    expect(tower.channels.get(CHANNEL_ID)!.best).toBeNull();
  });

  it('rejects a state of another channel or chain, and pushes for channels it does not watch', () => {
    const { cluster, certificates } = history(1);
    const tower = watching(cluster);
    const other = hexOf('another-channel');
    expect(stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: other, certificate: certificates[0]! })).toEqual([
      { type: 'push-rejected', channelId: other, code: 'UNKNOWN_CHANNEL' },
    ]);
    stepWatchtower(cluster.scheme, tower, { type: 'watch', channelId: other, chainId: CHAIN_ID, members: cluster.ctxs[0]!.config.members });
    expect(stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: other, certificate: certificates[0]! })).toEqual([
      { type: 'push-rejected', channelId: other, code: 'BAD_SIGNATURE' },
    ]);
    const otherChain = { ...certificates[0]!, state: { ...certificates[0]!.state, chainId: 'wedge-other' } };
    expect(stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate: otherChain })).toEqual([
      { type: 'push-rejected', channelId: CHANNEL_ID, code: 'BAD_SIGNATURE' },
    ]);
  });

  it('rejects stale pushes and keeps its best state', () => {
    const { cluster, certificates } = history(3);
    const tower = watching(cluster);
    stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate: certificates[1]! });
    for (const stale of [certificates[0]!, certificates[1]!]) {
      expect(stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate: stale })).toEqual([
        { type: 'push-rejected', channelId: CHANNEL_ID, code: 'STALE_STATE' },
      ]);
    }
    expect(tower.channels.get(CHANNEL_ID)!.best).toEqual(certificates[1]);
  });
});

describe('watchtower on L1', () => {
  it('challenges a stale termination before the deadline, settles after it, and stops when closed', () => {
    const { cluster, certificates } = history(4);
    const tower = watching(cluster);
    for (const certificate of certificates) stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate });
    const l1 = (channel: L1ChannelView) => stepWatchtower(cluster.scheme, tower, { type: 'l1', channelId: CHANNEL_ID, channel });
    const challenge = { type: 'submit-l1', channelId: CHANNEL_ID, action: 'challenge', certificate: certificates[3] };
    const settle = { type: 'submit-l1', channelId: CHANNEL_ID, action: 'settle', certificate: null };
    expect(l1({ status: 'open', recordedVersion: 0, deadline: null, height: 5 })).toEqual([]);
    // A member terminated with v1 while the others are offline.
    expect(l1(frozen(10, 1))).toEqual([challenge]);
    expect(l1(frozen(11, 1))).toEqual([]);
    expect(l1(frozen(13, 1))).toEqual([challenge]);
    expect(l1(frozen(14, 4))).toEqual([]);
    expect(l1(frozen(40, 4))).toEqual([settle]);
    expect(l1(frozen(41, 4))).toEqual([]);
    expect(l1(frozen(43, 4))).toEqual([settle]);
    expect(l1({ status: 'closed', recordedVersion: 4, deadline: 40, height: 44 })).toEqual([]);
    expect(l1(frozen(50, 1))).toEqual([]);
  });

  it('never challenges at or after the deadline, nor with nothing newer than the record', () => {
    const { cluster, certificates } = history(2);
    const tower = watching(cluster);
    const l1 = (channel: L1ChannelView) => stepWatchtower(cluster.scheme, tower, { type: 'l1', channelId: CHANNEL_ID, channel });
    expect(l1(frozen(10, 0))).toEqual([]); // holds nothing yet
    stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate: certificates[1]! });
    expect(l1(frozen(11, 2))).toEqual([]);
    expect(l1(frozen(40, 0)).map((effect) => effect.type === 'submit-l1' && effect.action)).toEqual(['settle']);
  });

  it('still protects the members when the newest state it holds is the final close state', () => {
    const { cluster, certificates } = history(2);
    cluster.step(1, { type: 'close' });
    cluster.run();
    const final = cluster.highestCertified()!;
    expect(final.state.final).toBe(true);
    const tower = watching(cluster);
    for (const certificate of [...certificates, final]) stepWatchtower(cluster.scheme, tower, { type: 'push', channelId: CHANNEL_ID, certificate });
    // A member terminates with v1 before anyone submits the close.
    const effects = stepWatchtower(cluster.scheme, tower, { type: 'l1', channelId: CHANNEL_ID, channel: frozen(10, 1) });
    expect(effects).toEqual([{ type: 'submit-l1', channelId: CHANNEL_ID, action: 'challenge', certificate: final }]);
    // Its balances are those of the latest certified state: challenging with it pays the members what they hold.
    expect(final.state.balances).toEqual(certificates[1]!.state.balances);
  });

  it('works with real secp256k1 signatures', () => {
    const { cluster, certificates } = history(2, fastSecp256k1);
    const tower = watching(cluster);
    expect(stepWatchtower(fastSecp256k1, tower, { type: 'push', channelId: CHANNEL_ID, certificate: certificates[1]! })).toEqual([]);
    const forged = { ...certificates[0]!, signatures: [certificates[0]!.signatures[0]!, certificates[0]!.signatures[1]!, toHex(new Uint8Array(64))] };
    const fresh = watching(cluster);
    expect(stepWatchtower(fastSecp256k1, fresh, { type: 'push', channelId: CHANNEL_ID, certificate: forged })).toEqual([
      { type: 'push-rejected', channelId: CHANNEL_ID, code: 'BAD_SIGNATURE' },
    ]);
    expect(stepWatchtower(fastSecp256k1, tower, { type: 'l1', channelId: CHANNEL_ID, channel: frozen(5, 1) })).toEqual([
      { type: 'submit-l1', channelId: CHANNEL_ID, action: 'challenge', certificate: certificates[1] },
    ]);
  });
});

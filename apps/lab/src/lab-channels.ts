// Channels in the lab: a channel kind names a topology and a member count
// (`star2`, `chain3`: star or chain, 2..8 members), each member a node of its
// own (`star2-m0`, `star2-m1`, ...) running apps/l2-node, and optionally one
// watchtower node (`tower`) every member pushes its certificates to. A
// channel is opened on L1 from the root namespace, with funded genesis
// accounts as its members (signed by every member, proven final), before its
// member processes start.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { WedgeClient } from '@wedge/client';
import { fromHex, toHex } from '@wedge/common';
import { keyPairFromSecret } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import type { ChannelTopology } from '@wedge/ledger';
import { LAB_ERROR, LabError } from './lab-error.ts';

const CHANNEL_KIND = /^(star|chain)([2-8])$/;
const OPEN_TIMEOUT_MS = 30_000;

export type ChannelKind = `${'star' | 'chain'}${number}`;

/** A channel of the lab, as recorded and as callers see it. */
export type LabChannel = {
  /** The kind it was asked as, e.g. `star2`; also the prefix of its member nodes' names. */
  readonly label: string;
  /** The channel id on L1. */
  readonly id: string;
  readonly topology: ChannelTopology;
  /** Deposits in member order, as decimal strings (JSON keeps no bigint). */
  readonly deposits: readonly string[];
  readonly challengeBlocks: number;
  /** The member nodes' names in member order. */
  readonly memberNodes: readonly string[];
  /** Index into the lab's genesis accounts (layout.accounts) of each member's L1 account, whose key signs its payments. */
  readonly accountIndexes: readonly number[];
};

export type ChannelPlan = { readonly label: string; readonly topology: ChannelTopology; readonly members: number };

/** Parses channel kinds (`star2`, `chain3`); each kind at most once, since its label names its nodes. */
export function planChannels(kinds: readonly string[]): ChannelPlan[] {
  const plans = kinds.map((kind) => {
    const match = CHANNEL_KIND.exec(kind);
    if (match === null) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `channel kind ${JSON.stringify(kind)} is not star2..star8 or chain2..chain8`);
    return { label: kind, topology: match[1] as ChannelTopology, members: Number(match[2]) };
  });
  if (new Set(kinds).size !== kinds.length) throw new LabError(LAB_ERROR.UNKNOWN_NODE, `channel kinds repeat: ${kinds.join(',')}`);
  return plans;
}

export function memberNodeName(label: string, index: number): string {
  return `${label}-m${index}`;
}

/** Opens the channel on L1: channel.open from its first member, signed by every member. */
export async function openChannelOnL1(
  client: WedgeClient,
  plan: ChannelPlan,
  accounts: readonly { secretKey: string }[],
  accountIndexes: readonly number[],
  deposit: bigint,
  challengeBlocks: number,
): Promise<LabChannel> {
  const keys = accountIndexes.map((index) => keyPairFromSecret(fastSecp256k1, fromHex(accounts[index]!.secretKey)));
  const id = toHex(randomBytes(32));
  const opener = keys[0]!;
  const nonce = (await client.getAccount(opener.address)).nonce;
  const final = await client.sendTx(
    {
      type: 'channel.open',
      from: opener.address,
      nonce,
      channelId: id,
      members: keys.map((key) => ({ publicKey: toHex(key.publicKey), deposit })),
      challengeBlocks,
      topology: plan.topology,
    },
    keys,
    { timeoutMs: OPEN_TIMEOUT_MS },
  );
  if (final.code !== 'OK') throw new LabError(LAB_ERROR.START_FAILED, `L1 rejected channel.open of ${plan.label}: ${final.code}`);
  return {
    label: plan.label,
    id,
    topology: plan.topology,
    deposits: keys.map(() => String(deposit)),
    challengeBlocks,
    memberNodes: keys.map((_, index) => memberNodeName(plan.label, index)),
    accountIndexes,
  };
}

/** The arguments of member `index`'s process (apps/l2-node). */
export function memberArgs(options: {
  genesisPath: string;
  channel: LabChannel;
  index: number;
  keyPath: string;
  peerUrls: readonly string[];
  dir: string;
  watchtowerUrl: string | null;
}): string[] {
  return [
    '--genesis', options.genesisPath,
    '--channel', options.channel.id,
    '--key', options.keyPath,
    '--peers', options.peerUrls.join(','),
    '--data', join(options.dir, 'data'),
    ...(options.watchtowerUrl === null ? [] : ['--watchtower', options.watchtowerUrl]),
  ];
}

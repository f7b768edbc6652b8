// Proves channel members and a watchtower run in the network lab (root
// only), each in a namespace of its own at its own address: a 2-member star
// channel opened on L1 pays; cut off from every replica and from its
// watchtower, it keeps paying (payments need no L1), while the watchtower
// falls behind; after the heal the members' pushes reach the watchtower and
// it holds the latest certificate. Skipped with the reason where the
// machine is not root.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeqCounter, signPayment } from '@wedge/channel';
import { fromHex } from '@wedge/common';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { createMemberClient, createWatchtowerClient } from '../apps/l2-node/src/l2-client.ts';
import { WedgeLab, labSupport, leftoversWithPrefix, type LabChannel } from '../apps/lab/src/index.ts';
import { eventually } from './support/l2-network.ts';

const support = labSupport();
const needsLab = support.ok ? '' : ` (skipped: ${support.reason})`;
/** The members retry a failed push with backoff up to 5 s. */
const WATCHTOWER_CATCH_UP_MS = 20_000;

let lab: WedgeLab | null = null;
let channel: LabChannel;

/** Per payer, the seqs of its payments. */
const seqs = [new SeqCounter(), new SeqCounter()];

async function pay(from: number, to: number, amount: bigint): Promise<number> {
  const secret = fromHex(lab!.layout.accounts[channel.accountIndexes[from]!]!.secretKey);
  const seq = seqs[from]!.next();
  const payment = signPayment(fastSecp256k1, { chainId: lab!.genesis.chainId, channelId: channel.id }, { from, to, amount, seq, paymentId: randomBytes(32).toString('hex') }, secret);
  return (await createMemberClient(lab!.url(channel.memberNodes[from]!)).pay(payment, 10_000)).version;
}

async function watchtowerVersion(): Promise<number> {
  return (await createWatchtowerClient(lab!.watchtowerUrl!, 2_000).channel(channel.id)).best?.state.version ?? 0;
}

beforeAll(async () => {
  if (!support.ok) return;
  lab = await WedgeLab.start({ replicas: 4, accounts: 0, channels: ['star2'], watchtower: true, params: { idleBlockMs: 100 } });
  channel = lab.channel('star2');
}, 120_000);

afterAll(async () => {
  if (lab === null) return;
  const prefix = lab.prefix;
  await lab.destroy();
  expect(leftoversWithPrefix(prefix)).toEqual([]);
});

describe('a channel in the network lab', () => {
  it.skipIf(!support.ok)(`members and the watchtower at their own addresses; cut off from L1 and the watchtower the channel pays on, and the watchtower catches up after the heal${needsLab}`, async () => {
    const [m0, m1] = channel.memberNodes.map((name) => lab!.node(name));
    expect(new Set([m0!.namespace, m1!.namespace, lab!.node('tower').namespace, ...lab!.replicas.map((node) => node.namespace)]).size).toBe(7);
    expect(new URL(m0!.url).hostname).toBe(m0!.address);
    const first = await pay(1, 0, 10n);
    await eventually('the watchtower holds the first certificate', async () => ((await watchtowerVersion()) >= first ? true : undefined), WATCHTOWER_CATCH_UP_MS);

    lab!.partition([channel.memberNodes, lab!.replicas.map((node) => node.name), ['tower']]);
    let latest = first;
    for (let index = 0; index < 5; index++) latest = await pay(index % 2, (index + 1) % 2, 3n);
    expect(latest).toBe(first + 5);
    // The watchtower is unreachable from the members: it cannot hold what they signed while cut off.
    expect(await watchtowerVersion()).toBeLessThan(latest);

    const healedAt = Date.now();
    lab!.heal();
    await eventually('the watchtower holds the latest certificate', async () => ((await watchtowerVersion()) === latest ? true : undefined), WATCHTOWER_CATCH_UP_MS);
    process.stdout.write(`lab: watchtower caught up to version ${latest} ${Date.now() - healedAt} ms after the heal\n`);
  });
});

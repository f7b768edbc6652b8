// Proves POST /v1/payments with an array over real processes (four L1
// replicas, a 2-member star channel): every payment in the array gets its own
// answer, in order — the version of the certificate that commits it, or the
// code that refused it (a bad signature, an id repeated in the same array, an
// overdraft) — and the channel ends exactly where the committed payments put
// it at every member; an array refused as a whole (empty, longer than
// MAX_PAYMENTS_PER_REQUEST, one malformed payment in it) gets its code and
// changes nothing: its valid payments commit when sent again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@wedge/client';
import type { Payment } from '@wedge/channel';
import { MAX_PAYMENTS_PER_REQUEST, PaymentBatchResponse } from '../apps/l2-node/src/l2-api.ts';
import { paymentToWire } from '../apps/l2-node/src/wire.ts';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, accountKeys, eventually } from './support/l2-network.ts';

const DEPOSIT = 1_000_000n;

let network: L1Network;
let star: L2Channel;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 100 } });
  await network.startAll();
  const client = createClient({ genesis: network.genesis });
  star = await L2Channel.open(network, client, { keys: accountKeys(network), deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: 5 });
  await star.startAll();
}, 90_000);

afterAll(async () => {
  await star?.killAll();
  await network?.destroy();
});

function errorCode(json: unknown): string | undefined {
  return (json as { error?: { code?: string } } | null)?.error?.code;
}

async function postArray(member: number, body: unknown): Promise<{ status: number; json: unknown }> {
  return star.client(member).postRaw('/v1/payments', JSON.stringify(body));
}

/** Every member at the same latest version, with these balances; returns that version. */
async function everyMemberAt(balances: bigint[]): Promise<number> {
  return eventually('every member at the same state', async () => {
    const views = await Promise.all(star.members.map((_, index) => star.client(index).channel()));
    const version = views[0]!.latest.state.version;
    const agree = views.every((view) => view.latest.state.version === version && view.pendingPayments === 0);
    if (!agree) return undefined;
    for (const view of views) expect(view.latest.state.balances.map(BigInt)).toEqual(balances);
    return version;
  });
}

describe('POST /v1/payments with an array', () => {
  it('answers each payment on its own, in order; the channel moves by exactly the committed ones', async () => {
    const good: Payment[] = Array.from({ length: 120 }, (_, index) => star.payment(index % 2, (index + 1) % 2, BigInt(1 + index)));
    const forged = { ...star.payment(0, 1, 7n), from: 1, to: 0 };
    const overdraft = star.payment(1, 0, 10n * DEPOSIT);
    const wires = [...good.slice(0, 60), forged, good[0]!, overdraft, ...good.slice(60)].map(paymentToWire);
    // Sent at the non-sequencer: its payments travel to the sequencer like single ones.
    const answer = await postArray(1, wires);
    expect(answer.status).toBe(200);
    const { results } = PaymentBatchResponse.parse(answer.json);
    expect(results.map((result) => result.paymentId)).toEqual(wires.map((wire) => wire.paymentId));
    const codes = results.map((result) => ('error' in result ? result.error.code : 'OK'));
    expect(codes.slice(60, 63)).toEqual(['BAD_SIGNATURE', 'DUPLICATE_PAYMENT', 'INSUFFICIENT_FUNDS']);
    expect(codes.filter((code) => code === 'OK')).toHaveLength(good.length);
    const versions = results.flatMap((result) => ('version' in result ? [result.version] : []));
    const balances = [DEPOSIT, DEPOSIT];
    for (const payment of good) {
      balances[payment.from]! -= payment.amount;
      balances[payment.to]! += payment.amount;
    }
    const version = await everyMemberAt(balances);
    expect(Math.max(...versions)).toBe(version);
  });

  it('refuses an empty, an oversized or a partly malformed array whole, and changes nothing', async () => {
    const before = await star.client(0).channel();
    const balances = before.latest.state.balances.map(BigInt);
    const valid = [star.payment(0, 1, 3n), star.payment(1, 0, 5n)];
    const tooMany = Array.from({ length: MAX_PAYMENTS_PER_REQUEST + 1 }, () => paymentToWire(valid[0]!));
    const malformed = [paymentToWire(valid[0]!), { ...paymentToWire(valid[1]!), amount: 5 }];
    for (const body of [[], tooMany, malformed]) {
      const answer = await postArray(0, body);
      expect({ length: body.length, status: answer.status, code: errorCode(answer.json) }).toEqual({ length: body.length, status: 400, code: 'INVALID_BODY' });
    }
    const after = await star.client(0).channel();
    expect(after.latest.state.version).toBe(before.latest.state.version);
    expect(after.pendingPayments).toBe(0);
    // Neither valid payment was taken: both commit now.
    const answer = await postArray(0, valid.map(paymentToWire));
    const { results } = PaymentBatchResponse.parse(answer.json);
    expect(results.every((result) => 'version' in result)).toBe(true);
    balances[0]! += 2n;
    balances[1]! -= 2n;
    await everyMemberAt(balances);
  });
});

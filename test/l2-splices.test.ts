// Proves top-ups and withdrawals over real processes (four L1 replicas, two
// member processes of a star channel), DESIGN §7: member 1 deposits through
// POST /v1/deposit (channel.deposit, final on L1 when it answers), both
// members take it into the next state once their L1 views show it, payments
// spend it, member 0 withdraws through POST /v1/withdraw (a certified state
// moves it out; the member's channel.withdraw pays it and raises the floor),
// and a cooperative close settles — each member's L1 balance equals, to the
// unit, its balance before the channel, less what it put in, plus what it
// withdrew and its final channel balance. Bad deposit and withdrawal requests
// are refused with their codes and change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import { L1Network } from './support/l1-network.ts';
import { L2Channel, accountKeys, eventually } from './support/l2-network.ts';

const DEPOSIT = 10_000n;
const TOP_UP = 2_500n;
const WITHDRAWAL = 4_000n;

let network: L1Network;
let client: WedgeClient;
/** One replica's view, so that balances before and after come from the same execution. */
let replica: WedgeClient;
let keys: KeyPair[];
let channel: L2Channel | null = null;

beforeAll(async () => {
  network = await L1Network.create({ replicas: 4, accounts: 2, params: { idleBlockMs: 100 } });
  await network.startAll();
  client = createClient({ genesis: network.genesis });
  replica = createClient({ genesis: network.genesis, urls: [network.urls[0]!], resultConfirmations: 1 });
  keys = accountKeys(network);
}, 60_000);

afterAll(async () => {
  await channel?.killAll();
  await network?.destroy();
});

async function balancesOnL1(): Promise<bigint[]> {
  return Promise.all(keys.map(async (key) => (await replica.getAccount(key.address)).balance));
}

describe('splices over real processes', () => {
  it('a deposit, payments spending it, a withdrawal and a cooperative close pay every member to the unit', async () => {
    const before = await balancesOnL1();
    const open = await L2Channel.open(network, client, { keys: keys.slice(0, 2), deposits: [DEPOSIT, DEPOSIT], topology: 'star', challengeBlocks: 20 });
    channel = open;
    await open.startAll();

    // Refused requests change nothing.
    for (const [body, code] of [
      ['{"amount":"0"}', 'INVALID_AMOUNT'],
      ['{"amount":"-5"}', 'INVALID_AMOUNT'],
      ['{"amount":5}', 'INVALID_BODY'],
      ['{"amount":"5","extra":1}', 'INVALID_BODY'],
    ] as const) {
      for (const path of ['/v1/deposit', '/v1/withdraw']) {
        const answer = await open.client(1).postRaw(path, body);
        expect({ path, body, status: answer.status, code: (answer.json as { error?: { code?: string } }).error?.code }).toEqual({ path, body, status: 400, code });
      }
    }
    const tooMuch = await open.client(1).postRaw('/v1/withdraw', `{"amount":"${DEPOSIT + 1n}"}`);
    expect(tooMuch.status).toBe(422);
    expect((await open.client(1).channel()).latest.state.version).toBe(0);

    // Member 1 tops up; both members take the deposit in.
    const deposited = await open.client(1).deposit(TOP_UP);
    expect(deposited.deposited).toBe(String(TOP_UP));
    const takenIn = await eventually('both members holding a state with the deposit', async () => {
      const views = await Promise.all([0, 1].map((member) => open.client(member).channel()));
      const ok = views.every((view) => view.latest.state.version === views[0]!.latest.state.version && view.latest.state.deposited[1] === String(DEPOSIT + TOP_UP));
      return ok ? views[0]! : undefined;
    });
    expect(takenIn.latest.state.balances).toEqual([String(DEPOSIT), String(DEPOSIT + TOP_UP)]);

    // Payments spend it: member 1 pays more than its opening deposit.
    const balances = [DEPOSIT, DEPOSIT + TOP_UP];
    for (const [from, to, amount] of [
      [1, 0, DEPOSIT + 1_000n],
      [0, 1, 300n],
      [1, 0, 700n],
    ] as const) {
      await open.client(from).pay(open.payment(from, to, amount));
      balances[from]! -= amount;
      balances[to]! += amount;
    }

    // Member 0 withdraws; the certificate moves it out, L1 pays it and raises the floor.
    const withdrawal = await open.client(0).withdraw(WITHDRAWAL);
    balances[0]! -= WITHDRAWAL;
    const certified = await open.client(0).state(withdrawal.version);
    expect(certified.state.withdrawn).toEqual([WITHDRAWAL, 0n]);
    expect(certified.state.balances).toEqual(balances);
    const paid = await eventually('L1 paying the withdrawal', async () => {
      const record = await client.getChannel(open.id);
      return record.withdrawn[0] === WITHDRAWAL ? record : undefined;
    });
    expect(paid.floor).toBeGreaterThanOrEqual(withdrawal.version);
    expect(paid.status).toBe('open');

    // More payments after the withdrawal, then a cooperative close.
    await open.client(1).pay(open.payment(1, 0, 50n));
    balances[1]! -= 50n;
    balances[0]! += 50n;
    await open.client(1).close();
    const closed = await eventually('L1 closing the channel', async () => {
      const record = await client.getChannel(open.id);
      return record.status === 'closed' ? record : undefined;
    });
    expect(closed.closedBy).toBe('cooperative');
    expect(closed.settledBalances).toEqual(balances);

    const after = await eventually('the replica executing the close', async () => {
      const account = await replica.getAccount(keys[0]!.address);
      return account.height >= closed.closedAt! ? balancesOnL1() : undefined;
    });
    const putIn = [DEPOSIT, DEPOSIT + TOP_UP];
    const withdrawn = [WITHDRAWAL, 0n];
    expect(after).toEqual(before.map((balance, member) => balance - putIn[member]! + withdrawn[member]! + balances[member]!));
    // What the channel paid out is exactly what went in.
    expect(balances[0]! + balances[1]! + WITHDRAWAL).toBe(2n * DEPOSIT + TOP_UP);
  }, 120_000);
});

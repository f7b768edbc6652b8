// The demo's payment stream: `count` payments over one channel, between
// members in turn, handed to members in turn, `concurrency` in flight. Each
// is answered once a fully-signed state commits it; the balances they lead
// to are tracked here, so the demo can show that L1 paid exactly those.
import type { ChannelEntry } from '../lib/channel-registry.ts';
import { createMemberClient } from '../lib/l2-http.ts';
import type { ScenarioContext } from '../lib/scenario-context.ts';

export type StreamResult = { payments: number; maxVersion: number; balances: bigint[] };

export async function streamPayments(
  ctx: ScenarioContext,
  channel: ChannelEntry,
  count: number,
  concurrency: number,
  onCommitted: () => void,
): Promise<StreamResult> {
  const n = channel.members.length;
  const balances = channel.deposits.map(BigInt);
  const plans = Array.from({ length: count }, (_, index) => {
    const from = index % n;
    const to = (from + 1 + (Math.floor(index / n) % (n - 1))) % n;
    // Varied small amounts; deposits are large, so no payer runs dry.
    const amount = BigInt(1 + ((index * 7_919) % 997));
    balances[from]! -= amount;
    balances[to]! += amount;
    return { from, to, amount, via: (index * 7) % n };
  });
  const clients = channel.members.map((member) => createMemberClient(member.url));
  let next = 0;
  let maxVersion = 0;
  const worker = async () => {
    while (next < plans.length) {
      const plan = plans[next++]!;
      const answer = await clients[plan.via]!.pay(ctx.payment(channel, plan.from, plan.to, plan.amount), 30_000);
      maxVersion = Math.max(maxVersion, answer.version);
      onCommitted();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { payments: count, maxVersion, balances };
}

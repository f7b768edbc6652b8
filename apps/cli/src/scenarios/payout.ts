// The settlement check every scenario ends with: L1 paid each member exactly
// its balance in the state that should win, so each member's L1 account holds
// what it was funded with, less what it put in (its deposit and any top-up),
// plus what it withdrew and that balance.
import type { NamedKey } from '../lib/accounts.ts';
import type { ChannelRecord } from '@wedge/ledger';
import type { ScenarioContext } from '../lib/scenario-context.ts';

export async function checkPayout(
  ctx: ScenarioContext,
  options: { record: ChannelRecord; members: readonly NamedKey[]; funded: bigint; deposits: readonly bigint[]; expected: readonly bigint[] },
): Promise<void> {
  const { deposits, ...rest } = options;
  await checkSplicedPayout(ctx, { ...rest, putIn: deposits, withdrawn: deposits.map(() => 0n) });
}

/**
 * The settlement check of a channel with top-ups and withdrawals: L1 paid the
 * expected balances at close, and each member's L1 account holds what it was
 * funded with, less all it put in (opening deposit and top-ups), plus what
 * it withdrew and its final balance — to the unit.
 */
export async function checkSplicedPayout(
  ctx: ScenarioContext,
  options: { record: ChannelRecord; members: readonly NamedKey[]; funded: bigint; putIn: readonly bigint[]; withdrawn: readonly bigint[]; expected: readonly bigint[] },
): Promise<void> {
  const { record, members, funded, putIn, withdrawn, expected } = options;
  const settled = record.settledBalances ?? [];
  ctx.fact('settledBalances', settled.map(String));
  ctx.check(`L1 paid out [${expected.join(', ')}] at close`, settled.length === expected.length && settled.every((balance, index) => balance === expected[index]), {
    settled: settled.map(String),
    expected: expected.map(String),
  });
  const balances = await Promise.all(members.map((member) => ctx.balance(member.keyPair.address, record.closedAt ?? 0)));
  const wanted = members.map((_, index) => funded - putIn[index]! + withdrawn[index]! + expected[index]!);
  ctx.fact('l1Balances', balances.map(String));
  ctx.check('each member holds funded − put in + withdrawn + its final balance on L1', balances.every((balance, index) => balance === wanted[index]), {
    balances: balances.map(String),
    expected: wanted.map(String),
  });
  const out = [...settled, ...withdrawn].reduce((sum, amount) => sum + amount, 0n);
  const inn = putIn.reduce((sum, amount) => sum + amount, 0n);
  ctx.check('the channel paid out exactly what was put in (conservation)', out === inn, { paidOut: String(out), putIn: String(inn) });
}

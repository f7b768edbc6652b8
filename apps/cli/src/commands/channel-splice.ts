// `wedge channel deposit` and `wedge channel withdraw` (DESIGN §7): funds in
// and out of an open channel without closing it. A deposit is made by the
// member process from its L1 account (channel.deposit) and answers once it
// is final on L1 — then, unless --no-wait, once the member's latest
// certificate accounts for it. A withdrawal answers once a certificate
// moves the amount out of the member's balance — then, unless --no-wait,
// once L1 has paid it (channel.withdraw, which raises the version floor).
import type { Command } from 'commander';
import { z } from 'zod';
import { AccountName, ChannelRef, parseWith, PositiveAmount, TimeoutSeconds } from '../lib/arguments.ts';
import { findChannel, memberIndex, type ChannelEntry } from '../lib/channel-registry.ts';
import { waitForChannel } from '../lib/channel-l1.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { createMemberClient, memberView } from '../lib/l2-http.ts';
import { clientOf } from '../lib/network.ts';
import { fields } from '../lib/output.ts';
import { CliError } from '../lib/cli-error.ts';
import type { Home } from '../lib/home.ts';

const Input = z.object({ channel: z.string(), member: z.string(), amount: z.bigint(), wait: z.boolean(), timeout: z.number().default(60) });
type Input = z.infer<typeof Input>;

const POLL_MS = 200;

function define(channel: Command, name: 'deposit' | 'withdraw', description: string, examples: string[]): Command {
  const command = channel
    .command(name)
    .description(description)
    .requiredOption('--channel <id>', 'the channel id (or a unique prefix of 6+ hex)', parseWith(ChannelRef))
    .requiredOption('--member <name>', name === 'deposit' ? 'the member that tops up (from its L1 account)' : 'the member that withdraws (to its L1 account)', parseWith(AccountName))
    .requiredOption('--amount <units>', 'a whole number of units, > 0', parseWith(PositiveAmount))
    .option('--no-wait', name === 'deposit' ? 'return once the deposit is final on L1' : 'return once a certificate carries the withdrawal')
    .option('--timeout <seconds>', 'how long to wait (default 60)', parseWith(TimeoutSeconds));
  addCommonOptions(command);
  addExamples(command, examples);
  return command;
}

/** Polls the member until its latest certificate satisfies `done`, or the timeout. */
async function waitForMember(url: string, done: (view: Awaited<ReturnType<typeof memberView>>) => boolean, timeoutMs: number): Promise<Awaited<ReturnType<typeof memberView>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await memberView(url);
    if (done(view)) return view;
    if (Date.now() > deadline) throw new CliError('TIMEOUT', `the member's latest certificate did not take the change in within ${timeoutMs} ms (version ${view.latest.state.version})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function deposit(entry: ChannelEntry, index: number, input: Input) {
  const url = entry.members[index]!.url;
  const before = await memberView(url);
  const answer = await createMemberClient(url).deposit(input.amount, input.timeout * 1_000);
  const target = BigInt(before.l1?.deposited?.[index] ?? before.latest.state.deposited[index]!) + input.amount;
  const view = input.wait ? await waitForMember(url, (current) => BigInt(current.latest.state.deposited[index]!) >= target, input.timeout * 1_000) : null;
  return { ok: true, channel: entry.id, member: entry.members[index]!.name, amount: String(input.amount), txHash: answer.txHash, height: answer.height, version: view?.latest.state.version ?? null, deposited: view?.latest.state.deposited ?? null, balances: view?.latest.state.balances ?? null };
}

async function withdraw(home: Home, entry: ChannelEntry, index: number, input: Input) {
  const url = entry.members[index]!.url;
  const answer = await createMemberClient(url).withdraw(input.amount, input.timeout * 1_000);
  const certified = await createMemberClient(url).state(answer.version);
  const withdrawnTo = certified.state.withdrawn[index]!;
  const record = input.wait ? await waitForChannel(clientOf(home), entry.id, 'the withdrawal paid', (channel) => channel.withdrawn[index]! >= withdrawnTo, input.timeout * 1_000) : null;
  return { ok: true, channel: entry.id, member: entry.members[index]!.name, amount: String(input.amount), version: answer.version, withdrawn: String(withdrawnTo), paidOnL1: record === null ? null : String(record.withdrawn[index]), floor: record?.floor ?? null };
}

type Splice<Result> = {
  readonly name: 'deposit' | 'withdraw';
  readonly description: string;
  readonly examples: string[];
  readonly progress: string;
  readonly run: (home: Home, entry: ChannelEntry, index: number, input: Input) => Promise<Result>;
  readonly rows: (result: Result) => [string, string | number | bigint | boolean | null][];
};

/** One splice command: its options, then the member's request and the printed result. */
function register<Result extends object>(channel: Command, splice: Splice<Result>): void {
  const command = define(channel, splice.name, splice.description, splice.examples);
  defineAction(command, Input, async (input, { home, printer }) => {
    const entry = findChannel(home, input.channel);
    const index = memberIndex(entry, input.member);
    printer.progress(splice.progress);
    const result = await splice.run(home, entry, index, input);
    printer.result(result, () => fields([['channel', entry.id], ...splice.rows(result)]));
  });
}

export function registerChannelSplices(channel: Command): void {
  register(channel, {
    name: 'deposit',
    description: "top a channel up from a member's L1 account, the channel staying open",
    examples: ['wedge channel deposit --channel 3fa9c2 --member account-1 --amount 500', 'wedge channel deposit --channel 3fa9c2 --member account-1 --amount 500 --no-wait --json'],
    progress: 'depositing on L1...',
    run: (_home, entry, index, input) => deposit(entry, index, input),
    rows: (result) => [
      ['deposited', `${result.amount} by ${result.member} (final at height ${result.height})`],
      ['taken in at version', result.version ?? '(not waited for)'],
      ['balances', result.balances?.join(' ') ?? '-'],
    ],
  });
  register(channel, {
    name: 'withdraw',
    description: "withdraw part of a member's balance to its L1 account, the channel staying open",
    examples: ['wedge channel withdraw --channel 3fa9c2 --member account-0 --amount 200', 'wedge channel withdraw --channel 3fa9c2 --member account-0 --amount 200 --no-wait --json'],
    progress: 'asking the channel for the withdrawal...',
    run: withdraw,
    rows: (result) => [
      ['withdrawn', `${result.amount} by ${result.member}, certified at version ${result.version}`],
      ['paid on L1', result.paidOnL1 ?? '(not waited for)'],
      ['version floor', result.floor ?? '-'],
    ],
  });
}

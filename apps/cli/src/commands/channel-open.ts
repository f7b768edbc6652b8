// `wedge channel open`: channel.open on L1 signed by every member, then one
// member process per member in the background.
import type { Command } from 'commander';
import { z } from 'zod';
import { ChallengeBlocks, Deposits, MemberNames, parseWith, Topology } from '../lib/arguments.ts';
import { resolveKey } from '../lib/accounts.ts';
import { openChannel } from '../lib/channel-open.ts';
import { UsageError } from '../lib/cli-error.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { clientOf } from '../lib/network.ts';
import { fields, table } from '../lib/output.ts';
import { startWatchtower } from '../lib/watchtower.ts';

const DEFAULT_CHALLENGE_BLOCKS = 20;
const DEFAULT_PROGRESS_TIMEOUT_MS = 3_000;

const Input = z.object({
  members: z.array(z.string()),
  deposits: z.array(z.bigint()),
  topology: z.enum(['star', 'chain']).default('star'),
  challengeBlocks: z.number().default(DEFAULT_CHALLENGE_BLOCKS),
  progressTimeoutMs: z.number().default(DEFAULT_PROGRESS_TIMEOUT_MS),
  watchtower: z.boolean().default(false),
});

export function registerChannelOpen(channel: Command): void {
  const command = channel
    .command('open')
    .description('open a payment channel on L1 (signed by every member) and start its member processes')
    .requiredOption('--members <names>', 'the f+1 members, comma-separated local account names, in member order (2..16)', parseWith(MemberNames))
    .requiredOption('--deposits <units>', 'one deposit per member, comma-separated whole numbers', parseWith(Deposits))
    .option('--topology <topology>', 'star (member 0 collects signatures) or chain (head to tail); default star', parseWith(Topology))
    .option('--challenge-blocks <n>', `L1 blocks a termination can be challenged in (default ${DEFAULT_CHALLENGE_BLOCKS})`, parseWith(ChallengeBlocks))
    .option('--progress-timeout-ms <ms>', `a member with work pending wedges after this long without progress (default ${DEFAULT_PROGRESS_TIMEOUT_MS})`, parseWith(z.string().regex(/^[1-9][0-9]{2,6}$/, 'expected 100..9999999 milliseconds').transform(Number)))
    .option('--watchtower', "start the directory's watchtower (if needed) and have the members push every state to it");
  addCommonOptions(command);
  addExamples(command, [
    'wedge channel open --members account-0,account-1 --deposits 1000,1000',
    'wedge channel open --members account-2,account-3,account-4 --deposits 500,500,0 --topology chain --challenge-blocks 10',
    'wedge channel open --members alice,bob --deposits 100,100 --watchtower --json',
  ]);
  defineAction(command, Input, async (input, { home, printer }) => {
    if (input.deposits.length !== input.members.length) {
      throw new UsageError(`--deposits has ${input.deposits.length} amounts for ${input.members.length} members; give one per member`);
    }
    if (input.deposits.every((deposit) => deposit === 0n)) throw new UsageError('--deposits: at least one deposit must be greater than 0');
    const members = input.members.map((name) => resolveKey(home, name));
    const watchtower = input.watchtower ? (await startWatchtower(home)).url : null;
    printer.progress(`opening a ${input.members.length}-member ${input.topology} channel on L1...`);
    const { channel, height } = await openChannel(home, clientOf(home), {
      members,
      deposits: input.deposits,
      topology: input.topology,
      challengeBlocks: input.challengeBlocks,
      progressTimeoutMs: input.progressTimeoutMs,
      watchtower,
    });
    const rows = channel.members.map((member, index) => ({ member: index, name: member.name, address: member.address, deposit: input.deposits[index]!, url: member.url }));
    const result = { ok: true, channel: channel.id, height, topology: channel.topology, challengeBlocks: channel.challengeBlocks, watchtower, members: rows };
    printer.result(result, () =>
      [
        fields([['channel', channel.id], ['opened at height', height], ['topology', channel.topology], ['challenge blocks', channel.challengeBlocks], ['watchtower', watchtower]]),
        '',
        table(rows),
        '',
        `pay with: wedge channel pay --channel ${channel.id.slice(0, 12)} --from ${rows[0]!.name} --to ${rows[1]!.name} --amount 10`,
      ].join('\n'),
    );
  });
}

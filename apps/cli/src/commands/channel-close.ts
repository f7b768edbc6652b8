// `wedge channel close`: a cooperative close. The member asks the sequencer
// for the final state; once every member signed it, the members submit
// channel.close and L1 settles at once, with no challenge window. Waits
// until L1 shows the channel closed (unless --no-wait).
import type { Command } from 'commander';
import { z } from 'zod';
import { AccountName, ChannelRef, parseWith, TimeoutSeconds } from '../lib/arguments.ts';
import { findChannel, memberIndex } from '../lib/channel-registry.ts';
import { waitForChannel } from '../lib/channel-l1.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { createMemberClient } from '../lib/l2-http.ts';
import { clientOf } from '../lib/network.ts';
import { fields } from '../lib/output.ts';

const Input = z.object({ channel: z.string(), member: z.string().optional(), wait: z.boolean(), timeout: z.number().default(60) });

export function registerChannelClose(channel: Command): void {
  const command = channel
    .command('close')
    .description('close a channel cooperatively: all members sign a final state and L1 pays it out at once')
    .requiredOption('--channel <id>', 'the channel id (or a unique prefix of 6+ hex)', parseWith(ChannelRef))
    .option('--member <name>', 'the member that asks for the close (default: member 0)', parseWith(AccountName))
    .option('--no-wait', 'return once the member accepted the request, without waiting for L1')
    .option('--timeout <seconds>', 'how long to wait for L1 to close the channel (default 60)', parseWith(TimeoutSeconds));
  addCommonOptions(command);
  addExamples(command, ['wedge channel close --channel 3fa9c2', 'wedge channel close --channel 3fa9c2 --member account-1 --json']);
  defineAction(command, Input, async (input, { home, printer }) => {
    const entry = findChannel(home, input.channel);
    const index = input.member === undefined ? 0 : memberIndex(entry, input.member);
    await createMemberClient(entry.members[index]!.url).close();
    if (!input.wait) {
      printer.result({ ok: true, channel: entry.id, requested: true }, () => `close requested at ${entry.members[index]!.name}; follow it with \`wedge channel status --channel ${entry.id.slice(0, 12)}\``);
      return;
    }
    printer.progress('close requested; waiting for L1 to settle the final state...');
    const record = await waitForChannel(clientOf(home), entry.id, 'closed', (channel) => channel.status === 'closed', input.timeout * 1_000);
    const settled = record.settledBalances ?? [];
    const result = { ok: true, channel: entry.id, closedBy: record.closedBy, closedAt: record.closedAt, version: record.recorded.version, settledBalances: settled };
    printer.result(result, () =>
      fields([
        ['channel', entry.id],
        ['closed by', record.closedBy],
        ['at height', record.closedAt],
        ['final version', record.recorded.version],
        ['paid out', settled.map((balance, member) => `${entry.members[member]!.name}=${balance}`).join(' ')],
      ]),
    );
  });
}

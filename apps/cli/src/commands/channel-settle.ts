// `wedge channel settle`: after the dispute deadline, pay the recorded state's
// balances into the members' L1 accounts and close the channel. Anyone may
// send it; --wait first waits for the deadline.
import type { Command } from 'commander';
import { z } from 'zod';
import { AccountName, ChannelRef, parseWith, TimeoutSeconds } from '../lib/arguments.ts';
import { resolveKey } from '../lib/accounts.ts';
import { findChannel } from '../lib/channel-registry.ts';
import { settle, waitForDeadline } from '../lib/channel-l1.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { clientOf } from '../lib/network.ts';
import { fields } from '../lib/output.ts';
import { failUnlessOk, txSummary } from '../lib/tx-result.ts';

const Input = z.object({ channel: z.string(), from: z.string().optional(), wait: z.boolean().default(false), timeout: z.number().default(120) });

export function registerChannelSettle(channel: Command): void {
  const command = channel
    .command('settle')
    .description("after the deadline, pay out a frozen channel's recorded state on L1")
    .requiredOption('--channel <id>', 'the channel id (or a unique prefix of 6+ hex)', parseWith(ChannelRef))
    .option('--from <name>', 'the local account that sends it (default: member 0)', parseWith(AccountName))
    .option('--wait', 'wait for the deadline first')
    .option('--timeout <seconds>', 'how long --wait waits (default 120)', parseWith(TimeoutSeconds));
  addCommonOptions(command);
  addExamples(command, ['wedge channel settle --channel 3fa9c2 --wait', 'wedge channel settle --channel 3fa9c2 --from account-7 --json']);
  defineAction(command, Input, async (input, { home, printer }) => {
    const entry = findChannel(home, input.channel);
    const client = clientOf(home);
    if (input.wait) {
      printer.progress('waiting for the dispute deadline...');
      const reached = await waitForDeadline(client, entry.id, input.timeout * 1_000);
      // The members (or a watchtower) settle by themselves at the deadline; then there is nothing left to send.
      if (reached.status === 'closed') {
        const settled = reached.settledBalances ?? [];
        const result = { ok: true, channel: entry.id, tx: null, status: reached.status, closedBy: reached.closedBy, version: reached.recorded.version, settledBalances: settled };
        printer.result(result, () =>
          fields([
            ['channel', entry.id],
            ['result', `already settled at height ${reached.closedAt} (${reached.closedBy})`],
            ['settled version', reached.recorded.version],
            ['paid out', settled.map((balance, member) => `${entry.members[member]!.name}=${balance}`).join(' ') || null],
          ]),
        );
        return;
      }
    }
    const sender = resolveKey(home, input.from ?? entry.members[0]!.name);
    const final = await settle(client, entry, sender.keyPair);
    const record = await client.getChannel(entry.id);
    const settled = record.settledBalances ?? [];
    const result = { ok: final.code === 'OK', channel: entry.id, tx: txSummary(final), status: record.status, closedBy: record.closedBy, version: record.recorded.version, settledBalances: settled };
    printer.result(result, () =>
      fields([
        ['channel', entry.id],
        ['result', `${final.code} at height ${final.height}`],
        ['L1 status', record.closedBy === null ? record.status : `${record.status} (${record.closedBy})`],
        ['settled version', record.recorded.version],
        ['paid out', settled.map((balance, member) => `${entry.members[member]!.name}=${balance}`).join(' ') || null],
      ]),
    );
    failUnlessOk(final, 'channel.settle');
  });
}

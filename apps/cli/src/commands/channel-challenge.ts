// `wedge channel challenge`: while a channel is frozen, replace its recorded
// state with a newer fully-signed one (by default the newest any member
// holds). Anyone may send it; L1 refuses a state that is not newer
// (STALE_STATE) or not signed by exactly the members (BAD_SIGNATURE).
import type { Command } from 'commander';
import { z } from 'zod';
import { AccountName, ChannelRef, parseWith, Version } from '../lib/arguments.ts';
import { resolveKey } from '../lib/accounts.ts';
import { CliError } from '../lib/cli-error.ts';
import { findChannel } from '../lib/channel-registry.ts';
import { certificateAt, challenge, newestCertificate } from '../lib/channel-l1.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { clientOf } from '../lib/network.ts';
import { fields } from '../lib/output.ts';
import { failUnlessOk, txSummary } from '../lib/tx-result.ts';

const Input = z.object({ channel: z.string(), from: z.string().optional(), version: z.number().optional() });

export function registerChannelChallenge(channel: Command): void {
  const command = channel
    .command('challenge')
    .description('challenge a frozen channel with a newer fully-signed state')
    .requiredOption('--channel <id>', 'the channel id (or a unique prefix of 6+ hex)', parseWith(ChannelRef))
    .option('--from <name>', 'the local account that sends the challenge (default: member 0)', parseWith(AccountName))
    .option('--version <v>', 'the version to submit (default: the newest a member holds)', parseWith(Version));
  addCommonOptions(command);
  addExamples(command, ['wedge channel challenge --channel 3fa9c2', 'wedge channel challenge --channel 3fa9c2 --from account-5 --version 7 --json']);
  defineAction(command, Input, async (input, { home, printer }) => {
    const entry = findChannel(home, input.channel);
    const certificate = input.version === undefined ? await newestCertificate(entry) : await certificateAt(entry, input.version);
    if (certificate === null) throw new CliError('STALE_STATE', 'the newest state is the opening state (version 0), which cannot be newer than anything recorded');
    const sender = resolveKey(home, input.from ?? entry.members[0]!.name);
    const client = clientOf(home);
    const final = await challenge(client, entry, sender.keyPair, certificate);
    const record = await client.getChannel(entry.id);
    const result = { ok: final.code === 'OK', channel: entry.id, version: certificate.state.version, tx: txSummary(final), recordedVersion: record.recorded.version, deadline: record.deadline };
    printer.result(result, () =>
      fields([['channel', entry.id], ['challenged with version', certificate.state.version], ['result', `${final.code} at height ${final.height}`], ['recorded version', record.recorded.version], ['deadline', record.deadline]]),
    );
    failUnlessOk(final, `the challenge with version ${certificate.state.version}`);
  });
}

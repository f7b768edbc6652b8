// `wedge channel terminate`: unilateral termination. Without --version the
// member process wedges (it never signs again) and terminates on L1 with its
// latest fully-signed state. With --version the CLI itself submits
// channel.terminate from the member's account with that (possibly old)
// state — the move of a cheating member, for dispute testing: the other
// members or a watchtower should challenge it before the deadline.
import type { Command } from 'commander';
import { z } from 'zod';
import { AccountName, ChannelRef, parseWith, Version } from '../lib/arguments.ts';
import { resolveKey } from '../lib/accounts.ts';
import { CliError } from '../lib/cli-error.ts';
import { findChannel, memberIndex } from '../lib/channel-registry.ts';
import { certificateAt, terminate, waitForChannel } from '../lib/channel-l1.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { createMemberClient } from '../lib/l2-http.ts';
import { clientOf } from '../lib/network.ts';
import { fields } from '../lib/output.ts';
import { runningProcess } from '../lib/registry.ts';
import { failUnlessOk } from '../lib/tx-result.ts';

const WAIT_FROZEN_MS = 30_000;

const Input = z.object({ channel: z.string(), member: z.string(), version: z.number().optional() });

export function registerChannelTerminate(channel: Command): void {
  const command = channel
    .command('terminate')
    .description("terminate a channel unilaterally: freeze it on L1 with a member's state and start the challenge window")
    .requiredOption('--channel <id>', 'the channel id (or a unique prefix of 6+ hex)', parseWith(ChannelRef))
    .requiredOption('--member <name>', 'the member that terminates', parseWith(AccountName))
    .option('--version <v>', 'terminate with this (old) version instead of wedging the member process; 0 is the opening state', parseWith(Version));
  addCommonOptions(command);
  addExamples(command, [
    'wedge channel terminate --channel 3fa9c2 --member account-1',
    'wedge channel terminate --channel 3fa9c2 --member account-0 --version 1   # a stale state: expect a challenge',
  ]);
  defineAction(command, Input, async (input, { home, printer }) => {
    const entry = findChannel(home, input.channel);
    const index = memberIndex(entry, input.member);
    const client = clientOf(home);
    let how: string;
    let tx: { hash: string; height: number; code: string } | null = null;
    if (input.version === undefined) {
      if (runningProcess(home, entry.members[index]!.process) === null) {
        throw new CliError('NOT_RUNNING', `${input.member}'s member process is not running; give --version to terminate from the CLI`);
      }
      await createMemberClient(entry.members[index]!.url).wedge();
      how = 'the member wedged and terminates with its latest state';
    } else {
      const certificate = await certificateAt(entry, input.version, index);
      const final = await terminate(client, entry, resolveKey(home, input.member).keyPair, certificate);
      tx = { hash: final.hash, height: final.height, code: final.code };
      failUnlessOk(final, `channel.terminate with version ${input.version}`);
      how = `terminated from the CLI with version ${input.version}`;
    }
    const record = await waitForChannel(client, entry.id, 'frozen', (channel) => channel.status !== 'open', WAIT_FROZEN_MS);
    const result = { ok: true, channel: entry.id, how, tx, status: record.status, recordedVersion: record.recorded.version, deadline: record.deadline, terminatedBy: record.terminatedBy };
    printer.result(result, () =>
      fields([
        ['channel', entry.id],
        ['how', how],
        ['transaction', tx === null ? null : `${tx.hash} (height ${tx.height}, ${tx.code})`],
        ['L1 status', record.status],
        ['recorded version', record.recorded.version],
        ['deadline', record.deadline],
      ]),
    );
  });
}

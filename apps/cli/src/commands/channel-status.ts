// `wedge channel status`: the L1 record of a channel and each member's
// latest version and balances; without --channel, one line per channel
// opened from this directory.
import type { Command } from 'commander';
import { z } from 'zod';
import { ChannelRef, parseWith } from '../lib/arguments.ts';
import { findChannel, readChannels, type ChannelEntry } from '../lib/channel-registry.ts';
import { channelSnapshot, type ChannelSnapshot } from '../lib/channel-view.ts';
import { addCommonOptions, addExamples, defineAction } from '../lib/command.ts';
import { clientOf } from '../lib/network.ts';
import { fields, table } from '../lib/output.ts';

function describe(channel: ChannelEntry, snapshot: ChannelSnapshot): string {
  const { l1 } = snapshot;
  const names = channel.members.map((member) => member.name);
  const deadline = l1.deadline === null ? null : `${l1.deadline} (${Math.max(0, l1.deadline - l1.height)} blocks left)`;
  const head = fields([
    ['channel', channel.id],
    ['topology', channel.topology],
    ['L1 status', l1.closedBy === null ? l1.status : `${l1.status} (${l1.closedBy})`],
    ['L1 height', l1.height],
    ['recorded version', l1.recordedVersion],
    ['recorded balances', l1.recordedBalances.map((balance, index) => `${names[index]}=${balance}`).join(' ')],
    ['deposited', l1.deposited.map((amount, index) => `${names[index]}=${amount}`).join(' ')],
    ['withdrawn', l1.withdrawn.map((amount, index) => `${names[index]}=${amount}`).join(' ')],
    ['version floor', l1.floor],
    ['deadline', deadline],
    ['settled', l1.settledBalances?.map((balance, index) => `${names[index]}=${balance}`).join(' ') ?? null],
  ]);
  const rows = snapshot.members.map((member) => ({
    member: member.member,
    name: member.name,
    process: member.up ? 'up' : 'down',
    version: member.version,
    balances: member.balances?.join(' / ') ?? null,
    'signed up to': member.signedVersion,
    wedged: member.up ? (member.wedged ?? 'no') : null,
  }));
  return `${head}\n\n${table(rows)}`;
}

export function registerChannelStatus(channel: Command): void {
  const command = channel
    .command('status')
    .description("a channel's L1 record and each member's latest version and balances (all local channels without --channel)")
    .option('--channel <id>', 'the channel id (or a unique prefix of 6+ hex)', parseWith(ChannelRef));
  addCommonOptions(command);
  addExamples(command, ['wedge channel status', 'wedge channel status --channel 3fa9c2', 'wedge channel status --channel 3fa9c2 --json']);
  defineAction(command, z.object({ channel: z.string().optional() }), async (input, { home, printer }) => {
    const client = clientOf(home);
    if (input.channel !== undefined) {
      const entry = findChannel(home, input.channel);
      const snapshot = await channelSnapshot(client, entry);
      printer.result({ ok: true, ...snapshot }, () => describe(entry, snapshot));
      return;
    }
    const channels = await Promise.all(
      readChannels(home).map(async (entry) => {
        const record = await client.getChannel(entry.id);
        return { channel: entry.id, topology: entry.topology, members: entry.members.map((member) => member.name), status: record.status, recordedVersion: record.recorded.version, deadline: record.deadline };
      }),
    );
    printer.result({ ok: true, channels }, () =>
      table(channels.map((entry) => ({ channel: entry.channel.slice(0, 16), topology: entry.topology, members: entry.members.join(','), 'L1 status': entry.status, 'recorded version': entry.recordedVersion, deadline: entry.deadline }))),
    );
  });
}

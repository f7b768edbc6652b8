// channels.json: the channels opened from this directory — their members
// (local account names, member process urls, key files and data
// directories) and how they were opened. L1 is the authority on a channel's
// state; this file only says where its member processes are.
import { existsSync } from 'node:fs';
import { WireAddress, WireAmount } from '@wedge/api';
import { z } from 'zod';
import { UsageError } from './cli-error.ts';
import { readJsonFile, writeJsonFile, type Home } from './home.ts';

const ChannelMemberEntry = z.object({
  /** The local account name of the member (its L1 account and channel key). */
  name: z.string(),
  address: WireAddress,
  url: z.string(),
  port: z.int().min(1).max(65_535),
  keyPath: z.string(),
  dataDir: z.string(),
  /** The process name in pids.json. */
  process: z.string(),
});
export type ChannelMemberEntry = z.infer<typeof ChannelMemberEntry>;

const ChannelEntry = z.object({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  topology: z.enum(['star', 'chain']),
  challengeBlocks: z.int().positive(),
  progressTimeoutMs: z.int().positive(),
  deposits: z.array(WireAmount),
  /** The watchtower url the members push certificates to, or null. */
  watchtower: z.string().nullable(),
  openedAt: z.int().nonnegative(),
  members: z.array(ChannelMemberEntry).min(2).max(16),
});
export type ChannelEntry = z.infer<typeof ChannelEntry>;

const ChannelsFile = z.object({ channels: z.array(ChannelEntry).max(10_000) });

export function readChannels(home: Home): ChannelEntry[] {
  if (!existsSync(home.channels)) return [];
  return readJsonFile(home.channels, ChannelsFile, '').channels;
}

export function saveChannel(home: Home, entry: ChannelEntry): void {
  const others = readChannels(home).filter((channel) => channel.id !== entry.id);
  writeJsonFile(home.channels, { channels: [...others, entry] });
}

/** The local channel named by a full id or a unique prefix; anything else is a bad argument. */
export function findChannel(home: Home, reference: string): ChannelEntry {
  const matches = readChannels(home).filter((channel) => channel.id.startsWith(reference));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`no channel ${reference} was opened from ${home.dir} (see channels.json)`);
  throw new UsageError(`${reference} is a prefix of ${matches.length} channels; give more of the id`);
}

/** The index of the member named `name` in `channel`, in member order. */
export function memberIndex(channel: ChannelEntry, name: string): number {
  const index = channel.members.findIndex((member) => member.name === name);
  if (index === -1) {
    throw new UsageError(`${name} is not a member of channel ${channel.id.slice(0, 12)}; its members are ${channel.members.map((member) => member.name).join(', ')}`);
  }
  return index;
}

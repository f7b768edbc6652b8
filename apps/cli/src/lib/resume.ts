// After `network down` and `network up`, the channels that are still open on
// L1 need their member processes (and the watchtower they push to) again.
// Members recover everything they signed from their data directories.
import type { WedgeClient } from '@wedge/client';
import { readChannels } from './channel-registry.ts';
import type { Home } from './home.ts';
import { startMembers } from './members.ts';
import { runningProcess } from './registry.ts';
import { startWatchtower, WATCHTOWER_PROCESS } from './watchtower.ts';

/** Starts what the directory's unclosed channels need; returns the ids of the channels it resumed. */
export async function resumeChannels(home: Home, client: WedgeClient): Promise<string[]> {
  const channels = readChannels(home);
  const open = [];
  for (const channel of channels) {
    const record = await client.getChannel(channel.id).catch(() => null);
    if (record !== null && record.status !== 'closed') open.push(channel);
  }
  if (open.length === 0) return [];
  if (open.some((channel) => channel.watchtower !== null) && runningProcess(home, WATCHTOWER_PROCESS) === null) await startWatchtower(home);
  const resumed: string[] = [];
  for (const channel of open) {
    if (channel.members.every((member) => runningProcess(home, member.process) !== null)) continue;
    await startMembers(home, channel);
    resumed.push(channel.id);
  }
  return resumed;
}

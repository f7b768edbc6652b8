// The L1 side of a channel's end, driven from the CLI: terminate with any
// version a member holds (an old one too — that is how a stale termination
// is staged for dispute testing), challenge, settle, and waiting for L1 to
// reach a channel status or a deadline. Certificates come from the member
// processes (GET /v1/channel/states/:v); L1 checks every signature itself.
import { setTimeout as sleep } from 'node:timers/promises';
import { channelActionBody, type Certificate } from '@wedge/channel';
import type { FinalTx, WedgeClient } from '@wedge/client';
import type { KeyPair } from '@wedge/crypto';
import type { ChannelRecord } from '@wedge/ledger';
import { CliError } from './cli-error.ts';
import type { ChannelEntry } from './channel-registry.ts';
import { createMemberClient, memberView } from './l2-http.ts';
import { sendFrom } from './l1-tx.ts';

const POLL_MS = 250;

/** The certificate of `version` from the first member that holds it; null for version 0 (the opening state needs none). */
export async function certificateAt(channel: ChannelEntry, version: number, preferred = 0): Promise<Certificate | null> {
  if (version === 0) return null;
  const order = [preferred, ...channel.members.map((_, index) => index).filter((index) => index !== preferred)];
  for (const index of order) {
    try {
      return await createMemberClient(channel.members[index]!.url).state(version);
    } catch {
      // This member does not hold it or is down: ask the next.
    }
  }
  throw new CliError('UNKNOWN_STATE', `no member of channel ${channel.id.slice(0, 12)} holds a certificate of version ${version}`);
}

/** The newest certificate any reachable member holds. */
export async function newestCertificate(channel: ChannelEntry): Promise<Certificate | null> {
  const views = await Promise.all(channel.members.map((member) => memberView(member.url).catch(() => null)));
  let best = -1;
  let bestIndex = -1;
  views.forEach((view, index) => {
    if (view !== null && view.latest.state.version > best) {
      best = view.latest.state.version;
      bestIndex = index;
    }
  });
  if (bestIndex === -1) throw new CliError('NO_MEMBER', `no member of channel ${channel.id.slice(0, 12)} answers`);
  return certificateAt(channel, best, bestIndex);
}

// The transactions come from channelActionBody, the one builder every party uses.
export function terminate(client: WedgeClient, channel: ChannelEntry, sender: KeyPair, certificate: Certificate | null): Promise<FinalTx> {
  return sendFrom(client, sender, channelActionBody(channel.id, 'terminate', certificate));
}

export function challenge(client: WedgeClient, channel: ChannelEntry, sender: KeyPair, certificate: Certificate): Promise<FinalTx> {
  return sendFrom(client, sender, channelActionBody(channel.id, 'challenge', certificate));
}

export function settle(client: WedgeClient, channel: ChannelEntry, sender: KeyPair): Promise<FinalTx> {
  return sendFrom(client, sender, channelActionBody(channel.id, 'settle', null));
}

/** Polls L1 until `accept(record)` holds; throws after `timeoutMs`. */
export async function waitForChannel(
  client: WedgeClient,
  channelId: string,
  what: string,
  accept: (record: ChannelRecord, height: number) => boolean,
  timeoutMs: number,
): Promise<ChannelRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [record, status] = await Promise.all([client.getChannel(channelId), client.getStatus()]);
    if (accept(record, status.height)) return record;
    if (Date.now() > deadline) {
      throw new CliError('TIMEOUT', `channel ${channelId.slice(0, 12)} did not reach "${what}" within ${timeoutMs} ms (status ${record.status}, version ${record.recorded.version}, L1 height ${status.height}, deadline ${record.deadline ?? '-'})`);
    }
    await sleep(POLL_MS);
  }
}

/** Waits until L1 height reaches the channel's dispute deadline (settle is allowed from there). */
export function waitForDeadline(client: WedgeClient, channelId: string, timeoutMs: number): Promise<ChannelRecord> {
  return waitForChannel(client, channelId, 'deadline reached', (record, height) => record.status !== 'frozen' || (record.deadline !== null && height >= record.deadline), timeoutMs);
}

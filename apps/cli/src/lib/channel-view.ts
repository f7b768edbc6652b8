// One channel as L1 and its members see it: the L1 record (status, recorded
// version, deadline, settled balances) and each member's latest fully-signed
// version, balances and whether it wedged. A member that does not answer is
// shown as down.
import type { WedgeClient } from '@wedge/client';
import type { ChannelEntry } from './channel-registry.ts';
import { memberView } from './l2-http.ts';

export type MemberSnapshot = {
  member: number;
  name: string;
  up: boolean;
  version: number | null;
  balances: string[] | null;
  signedVersion: number | null;
  wedged: string | null;
  closed: boolean | null;
  error: string | null;
};

export type ChannelSnapshot = {
  id: string;
  topology: string;
  l1: {
    status: string;
    recordedVersion: number;
    recordedBalances: string[];
    deadline: number | null;
    height: number;
    settledBalances: string[] | null;
    closedBy: string | null;
    /** Per member, the cumulative deposits and paid withdrawals L1 holds, and the version floor (DESIGN §7). */
    deposited: string[];
    withdrawn: string[];
    floor: number;
  };
  members: MemberSnapshot[];
};

export async function memberSnapshots(channel: ChannelEntry): Promise<MemberSnapshot[]> {
  return Promise.all(
    channel.members.map(async (member, index): Promise<MemberSnapshot> => {
      try {
        const view = await memberView(member.url);
        return {
          member: index,
          name: member.name,
          up: true,
          version: view.latest.state.version,
          balances: view.latest.state.balances,
          signedVersion: view.signed.version,
          wedged: view.wedged,
          closed: view.closed,
          error: null,
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { member: index, name: member.name, up: false, version: null, balances: null, signedVersion: null, wedged: null, closed: null, error: message };
      }
    }),
  );
}

export async function channelSnapshot(client: WedgeClient, channel: ChannelEntry): Promise<ChannelSnapshot> {
  const [record, status, members] = await Promise.all([client.getChannel(channel.id), client.getStatus(), memberSnapshots(channel)]);
  return {
    id: channel.id,
    topology: channel.topology,
    l1: {
      status: record.status,
      recordedVersion: record.recorded.version,
      recordedBalances: record.recorded.balances.map(String),
      deadline: record.deadline,
      height: status.height,
      settledBalances: record.settledBalances?.map(String) ?? null,
      closedBy: record.closedBy,
      deposited: record.deposited.map(String),
      withdrawn: record.withdrawn.map(String),
      floor: record.floor,
    },
    members,
  };
}

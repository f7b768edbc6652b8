// One poll of a channel: its record on L1 (members, deposits, status, the
// recorded state and dispute deadline), each member process's view (the
// latest certificate it holds, whether it wedged), and its watchtower.
import type { WedgeClient } from '@wedge/client';
import type { ChannelRecord } from '@wedge/ledger';
import type { ChannelConfig } from './config.ts';
import { getMemberChannel, getWatchtowerChannel, type MemberChannelView } from './member-client.ts';
import type { ChannelL1View, ChannelView, MemberView, WatchtowerView } from './snapshot.ts';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function settle<T>(promise: Promise<T>): Promise<{ value: T; error: null } | { value: null; error: string }> {
  try {
    return { value: await promise, error: null };
  } catch (error) {
    return { value: null, error: messageOf(error) };
  }
}

/** The channel's record on L1; `blocksLeft` is filled in by `countDown` once the L1 height is known. */
export function l1View(record: ChannelRecord): ChannelL1View {
  return {
    status: record.status,
    topology: record.topology,
    deposits: record.deposits.map(String),
    deposited: record.deposited.map(String),
    withdrawn: record.withdrawn.map(String),
    floor: record.floor,
    total: record.total.toString(),
    challengeBlocks: record.challengeBlocks,
    recordedVersion: record.recorded.version,
    recordedBalances: record.recorded.balances.map(String),
    deadline: record.deadline,
    blocksLeft: null,
    terminatedBy: record.terminatedBy,
    settledBalances: record.settledBalances === null ? null : record.settledBalances.map(String),
    closedBy: record.closedBy,
    openedAt: record.openedAt,
    closedAt: record.closedAt,
  };
}

function memberView(
  channel: ChannelConfig,
  index: number,
  record: ChannelRecord | null,
  answer: { value: MemberChannelView; error: null } | { value: null; error: string },
): MemberView {
  const url = channel.memberUrls[index]!;
  // A member that answers about another channel (a misconfigured url) must not be shown as this channel's.
  const view = answer.value !== null && answer.value.channelId === channel.id ? answer.value : null;
  const error = answer.error ?? (view === null ? `${url} serves another channel` : null);
  return {
    index,
    url,
    address: record?.members[index]?.address ?? channel.memberKeys[index]?.address ?? null,
    hasKey: channel.memberKeys[index] !== null && channel.memberKeys[index] !== undefined,
    reachable: view !== null,
    error,
    version: view?.latest.state.version ?? null,
    signedVersion: view?.signed.version ?? null,
    balances: view?.latest.state.balances ?? null,
    wedged: view?.wedged ?? null,
    closeRequested: view?.closeRequested ?? false,
    closed: view?.closed ?? false,
    pendingPayments: view?.pendingPayments ?? null,
  };
}

async function watchtowerView(url: string, channelId: string): Promise<WatchtowerView> {
  const answer = await settle(getWatchtowerChannel(url, channelId));
  return {
    url,
    reachable: answer.value !== null,
    bestVersion: answer.value?.best?.state.version ?? null,
    error: answer.error,
  };
}

/** The view with the dispute deadline counted down from `l1Height`. */
export function countDown(view: ChannelView, l1Height: number | null): ChannelView {
  const l1 = view.l1;
  if (l1 === null || l1.status !== 'frozen' || l1.deadline === null || l1Height === null) return view;
  return { ...view, l1: { ...l1, blocksLeft: Math.max(0, l1.deadline - l1Height) } };
}

export async function readChannel(client: WedgeClient, channel: ChannelConfig): Promise<ChannelView> {
  const [record, answers, watchtower] = await Promise.all([
    settle(client.getChannel(channel.id)),
    Promise.all(channel.memberUrls.map((url) => settle(getMemberChannel(url)))),
    channel.watchtowerUrl === null ? Promise.resolve(null) : watchtowerView(channel.watchtowerUrl, channel.id),
  ]);
  const members = channel.memberUrls.map((_, index) => memberView(channel, index, record.value, answers[index]!));
  // The channel stands at the newest certificate any member holds (every member signed it).
  const newest = answers
    .flatMap((answer) => (answer.value !== null && answer.value.channelId === channel.id ? [answer.value.latest.state] : []))
    .reduce<MemberChannelView['latest']['state'] | null>((best, state) => (best === null || state.version > best.version ? state : best), null);
  return {
    id: channel.id,
    members,
    l1: record.value === null ? null : l1View(record.value),
    l1Error: record.error,
    version: newest?.version ?? null,
    balances: newest?.balances ?? null,
    watchtower,
  };
}

// One card per channel: members and balances (from the newest certificate a
// member holds), version, topology, the L1 status, and — while frozen — the
// dispute deadline counting down in blocks.
import type { ChannelView, MemberView, Snapshot } from '../src/snapshot.ts';
import { amount, fill, h, plural, short } from './dom.ts';

type Status = 'open' | 'frozen' | 'closed' | 'unknown';

function statusOf(channel: ChannelView): Status {
  return channel.l1?.status ?? 'unknown';
}

function memberState(member: MemberView): HTMLElement {
  if (!member.reachable) return h('span', { class: 'state down', title: member.error ?? '' }, 'unreachable');
  if (member.closed) return h('span', { class: 'state closed' }, 'closed');
  if (member.wedged !== null) return h('span', { class: 'state wedged', title: `wedged: ${member.wedged}` }, `wedged (${member.wedged})`);
  if (member.closeRequested) return h('span', { class: 'state closing' }, 'closing');
  return h('span', { class: 'state ok' }, member.pendingPayments ? `ok · ${member.pendingPayments} pending` : 'ok');
}

function share(balance: string | null, total: string | null): number {
  if (balance === null || total === null || total === '0') return 0;
  // Percent with one decimal, computed in bigint: balances can exceed 2^53.
  return Number((BigInt(balance) * 1000n) / BigInt(total)) / 10;
}

function memberRow(channel: ChannelView, member: MemberView): HTMLElement {
  const balance = channel.balances?.[member.index] ?? null;
  const percent = share(balance, channel.l1?.total ?? null);
  const bar = h('span', { class: 'bar' }, h('span', { class: 'fill' }));
  (bar.firstChild as HTMLElement).style.width = `${percent}%`;
  return h(
    'tr',
    {},
    h('td', { class: 'num' }, member.index, member.index === 0 ? h('span', { class: 'muted small', title: channel.l1?.topology === 'chain' ? 'head of the chain' : 'sequencer' }, channel.l1?.topology === 'chain' ? ' head' : ' seq') : null),
    h('td', { class: 'mono', title: member.address ?? '' }, short(member.address, 10, 4), member.hasKey ? h('span', { class: 'badge key', title: 'the dashboard holds this member key: it can pay from it and terminate for it' }, 'key') : null),
    h('td', { class: 'num strong', 'data-testid': 'member-balance' }, amount(balance)),
    h('td', { class: 'share' }, bar, h('span', { class: 'small muted' }, ` ${percent}%`)),
    h('td', { class: 'num' }, member.version === null ? '—' : `v${member.version}`),
    h('td', {}, memberState(member)),
  );
}

function disputeBanner(channel: ChannelView): HTMLElement | null {
  const l1 = channel.l1;
  if (l1 === null) return null;
  if (l1.status === 'frozen') {
    const left = l1.blocksLeft ?? 0;
    const done = l1.challengeBlocks === 0 ? 1 : Math.min(1, (l1.challengeBlocks - left) / l1.challengeBlocks);
    const progress = h('div', { class: 'progress' }, h('div', { class: 'fill' }));
    (progress.firstChild as HTMLElement).style.width = `${Math.round(done * 100)}%`;
    return h(
      'div',
      { class: 'dispute', 'data-testid': 'dispute-deadline' },
      h(
        'div',
        { class: 'dispute-line' },
        h('strong', {}, left === 0 ? 'Deadline reached — settles with the next settle transaction' : `Settles in ${plural(left, 'block')}`),
        h('span', { class: 'muted' }, ` · deadline at height ${l1.deadline}`),
      ),
      progress,
      h(
        'div',
        { class: 'small' },
        `Terminated by ${short(l1.terminatedBy, 10, 4)} · L1 records version ${l1.recordedVersion}`,
        channel.version !== null && channel.version > l1.recordedVersion ? h('span', { class: 'warn' }, ` · members hold v${channel.version}: a challenge should replace it`) : null,
      ),
    );
  }
  if (l1.status === 'closed') {
    return h(
      'div',
      { class: 'settled' },
      h('strong', {}, l1.closedBy === 'dispute' ? 'Settled after a dispute' : 'Closed cooperatively'),
      ` at height ${l1.closedAt} · version ${l1.recordedVersion} · paid out ${(l1.settledBalances ?? []).map(amount).join(' / ')}`,
    );
  }
  return null;
}

/** Top-ups and withdrawals on L1 (DESIGN §7): per member what it put in and took out, and the version floor. */
function spliceLine(l1: NonNullable<ChannelView['l1']>): HTMLElement {
  const perMember = (amounts: string[]) => amounts.map(amount).join(' / ');
  return h(
    'div',
    { class: 'small', 'data-testid': 'splices' },
    `deposited ${perMember(l1.deposited)} · withdrawn ${perMember(l1.withdrawn)} · `,
    h('span', { 'data-testid': 'floor' }, l1.floor === 0 ? 'no version floor' : `version floor v${l1.floor}`),
  );
}

function watchtowerText(channel: ChannelView): string {
  const tower = channel.watchtower;
  if (tower === null) return 'no watchtower';
  if (!tower.reachable) return 'watchtower unreachable';
  return tower.bestVersion === null ? 'watchtower holds no state yet' : `watchtower holds v${tower.bestVersion}`;
}

function channelCard(channel: ChannelView): HTMLElement {
  const status = statusOf(channel);
  const l1 = channel.l1;
  return h(
    'article',
    { class: `channel status-${status}`, 'data-testid': 'channel', 'data-channel': channel.id },
    h(
      'header',
      {},
      h('div', {}, h('h3', { class: 'mono', title: channel.id }, short(channel.id, 12, 6)), h('div', { class: 'muted small' }, l1 === null ? 'not on L1' : `${l1.topology} · ${plural(channel.members.length, 'member')} · deposit ${amount(l1.total)} · challenge window ${plural(l1.challengeBlocks, 'block')}`)),
      h('div', { class: 'channel-head-right' }, h('span', { class: `pill ${status}`, 'data-testid': 'channel-status' }, status), h('div', { class: 'version' }, h('span', { class: 'muted small' }, 'version '), h('span', { 'data-testid': 'channel-version' }, channel.version ?? '—'))),
    ),
    channel.l1Error !== null ? h('div', { class: 'error-line' }, `L1: ${channel.l1Error}`) : null,
    disputeBanner(channel),
    h(
      'table',
      { class: 'members' },
      h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'member'), h('th', { class: 'num' }, 'balance'), h('th', {}, 'share'), h('th', { class: 'num' }, 'holds'), h('th', {}, 'process'))),
      h('tbody', {}, ...channel.members.map((member) => memberRow(channel, member))),
    ),
    l1 === null ? null : spliceLine(l1),
    h(
      'footer',
      { class: 'small muted' },
      l1 === null ? '' : `L1 recorded v${l1.recordedVersion} · opened at height ${l1.openedAt}`,
      ' · ',
      h('span', { 'data-testid': 'watchtower', title: channel.watchtower?.error ?? channel.watchtower?.url ?? '' }, watchtowerText(channel)),
    ),
  );
}

export function renderChannels(snapshot: Snapshot): void {
  fill('channels', ...(snapshot.channels.length > 0 ? snapshot.channels.map(channelCard) : [h('p', { class: 'muted' }, 'no channels configured')]));
}

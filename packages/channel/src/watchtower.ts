// The watchtower core: members push fully-signed states to it; it holds no
// member key. It follows L1 and, when a channel is frozen with a recorded
// state older than the best certificate it holds, it challenges with its own
// L1 account — and after the deadline it settles, so funds reach the members
// even when they are all offline.
import { isChannelStateCertified } from '@wedge/ledger';
import type { SignatureScheme } from '@wedge/crypto';
import { L1_RESUBMIT_BLOCKS } from './l1-policy.ts';
import { HONEST_WATCHTOWER_RULES, type WatchtowerRules } from './rules.ts';
import type { Certificate, L1ChannelView, WatchtowerRejectionCode } from './types.ts';

export type WatchedChannel = {
  readonly chainId: string;
  readonly members: readonly { readonly publicKey: string }[];
  best: Certificate | null;
  submittedAt: { challenge: number; settle: number };
  closed: boolean;
};

export type WatchtowerState = { channels: Map<string, WatchedChannel> };

export type WatchtowerEvent =
  | { readonly type: 'watch'; readonly channelId: string; readonly chainId: string; readonly members: readonly { readonly publicKey: string }[] }
  | { readonly type: 'push'; readonly channelId: string; readonly certificate: Certificate }
  | { readonly type: 'l1'; readonly channelId: string; readonly channel: L1ChannelView };

export type WatchtowerEffect =
  | { readonly type: 'submit-l1'; readonly channelId: string; readonly action: 'challenge' | 'settle'; readonly certificate: Certificate | null }
  | { readonly type: 'push-rejected'; readonly channelId: string; readonly code: WatchtowerRejectionCode };

export const MAX_WATCHED_CHANNELS = 10_000;

export function createWatchtowerState(): WatchtowerState {
  return { channels: new Map() };
}

/** `rules`: HONEST_WATCHTOWER_RULES except in tests that build a broken watchtower. */
export function stepWatchtower(
  scheme: SignatureScheme,
  state: WatchtowerState,
  event: WatchtowerEvent,
  rules: WatchtowerRules = HONEST_WATCHTOWER_RULES,
): WatchtowerEffect[] {
  switch (event.type) {
    case 'watch': {
      if (state.channels.has(event.channelId) || state.channels.size >= MAX_WATCHED_CHANNELS) return [];
      state.channels.set(event.channelId, {
        chainId: event.chainId,
        members: event.members,
        best: null,
        submittedAt: { challenge: -Infinity, settle: -Infinity },
        closed: false,
      });
      return [];
    }
    case 'push': {
      const channel = state.channels.get(event.channelId);
      if (channel === undefined) return [{ type: 'push-rejected', channelId: event.channelId, code: 'UNKNOWN_CHANNEL' }];
      const { state: pushed, signatures } = event.certificate;
      if (pushed.channelId !== event.channelId || pushed.chainId !== channel.chainId) {
        return [{ type: 'push-rejected', channelId: event.channelId, code: 'BAD_SIGNATURE' }];
      }
      if (channel.best !== null && pushed.version <= channel.best.state.version) {
        return [{ type: 'push-rejected', channelId: event.channelId, code: 'STALE_STATE' }];
      }
      const members = channel.members.map((member) => ({ publicKey: member.publicKey, address: '' }));
      if (!isChannelStateCertified(scheme, pushed, members, signatures)) {
        return [{ type: 'push-rejected', channelId: event.channelId, code: 'BAD_SIGNATURE' }];
      }
      channel.best = event.certificate;
      return [];
    }
    case 'l1': {
      const channel = state.channels.get(event.channelId);
      if (channel === undefined || channel.closed) return [];
      const view = event.channel;
      if (view.status === 'closed') {
        channel.closed = true;
        return [];
      }
      if (view.status !== 'frozen') return [];
      const effects: WatchtowerEffect[] = [];
      const deadline = view.deadline ?? Infinity;
      const best = channel.best;
      // A final state counts too: it repeats the latest certified balances, and
      // it may be the only state the members pushed after their last payment.
      // A certificate below the version floor would be STALE_STATE (DESIGN §7); the recorded state is never below it,
      // so this holds whenever the one above does, and is checked to say so.
      const aboveFloor = best !== null && best.state.version >= (view.floor ?? 0);
      if (rules.challengesStaleStates && best !== null && aboveFloor && view.recordedVersion < best.state.version && view.height < deadline) {
        if (view.height >= channel.submittedAt.challenge + L1_RESUBMIT_BLOCKS) {
          channel.submittedAt.challenge = view.height;
          effects.push({ type: 'submit-l1', channelId: event.channelId, action: 'challenge', certificate: best });
        }
      }
      if (view.height >= deadline && view.height >= channel.submittedAt.settle + L1_RESUBMIT_BLOCKS) {
        channel.submittedAt.settle = view.height;
        effects.push({ type: 'submit-l1', channelId: event.channelId, action: 'settle', certificate: null });
      }
      return effects;
    }
  }
}

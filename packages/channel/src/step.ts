// The explicit context every handler works on: the member's configuration,
// keys and rules, the state it may write, and the effects of this step so
// far. One is made per step (member.ts); handlers are free functions over it.
import type { DroppedEffect, MemberEffect } from './effect.ts';
import type { MemberMessage } from './messages.ts';
import type { DropReason } from './reasons.ts';
import { HONEST_MEMBER_RULES, type MemberRules } from './rules.ts';
import type { MemberState } from './state.ts';
import type { ChannelErrorCode, MemberConfig, MemberContext } from './types.ts';

export type MemberStep = {
  readonly ctx: MemberContext;
  readonly config: MemberConfig;
  readonly rules: MemberRules;
  readonly state: MemberState;
  readonly effects: MemberEffect[];
  /** Members in the channel. */
  readonly n: number;
  /** This member's index. */
  readonly self: number;
};

export function makeStep(ctx: MemberContext, state: MemberState): MemberStep {
  return { ctx, config: ctx.config, rules: ctx.rules ?? HONEST_MEMBER_RULES, state, effects: [], n: ctx.config.members.length, self: ctx.config.self };
}

/** Member 0 is the sequencer (star) or head (chain): it builds the proposals. */
export function isLeader(step: MemberStep): boolean {
  return step.self === 0;
}

export function send(step: MemberStep, to: number, message: MemberMessage): void {
  if (to !== step.self) step.effects.push({ type: 'send', to, message });
}

export function sendAll(step: MemberStep, message: MemberMessage): void {
  for (let to = 0; to < step.n; to++) send(step, to, message);
}

export function reject(step: MemberStep, paymentId: string, code: ChannelErrorCode): void {
  step.effects.push({ type: 'payment-rejected', paymentId, code });
}

export function drop(step: MemberStep, input: DroppedEffect['input'], from: number, reason: DropReason): void {
  step.effects.push({ type: 'dropped', input, from, reason });
}

// The bodies of the dashboard's form endpoints, validated before anything is
// signed or forwarded. Messages are written for the person at the form: the
// page shows them as they are.
import { WireHash } from '@wedge/api';
import { MAX_AMOUNT, MAX_CHANNEL_MEMBERS } from '@wedge/ledger';
import { z } from 'zod';

const MemberIndex = z
  .int('a member is chosen by its index (0, 1, ...)')
  .min(0, 'a member index is 0 or more')
  .max(MAX_CHANNEL_MEMBERS - 1, `a channel has at most ${MAX_CHANNEL_MEMBERS} members`);

const POSITIVE_AMOUNT = /^[1-9][0-9]{0,30}$/;

/** Whole units as a decimal string: 1 .. 10^30, no sign, no leading zeros, no fraction. */
const Amount = z
  .string('the amount is a decimal string, e.g. "25"')
  .regex(POSITIVE_AMOUNT, 'the amount must be a whole number of units, at least 1 (no sign, decimals or leading zeros)')
  .refine((value) => !POSITIVE_AMOUNT.test(value) || BigInt(value) <= MAX_AMOUNT, `the amount must be at most ${MAX_AMOUNT}`);

const ChannelId = WireHash.describe('the channel id: 64 lowercase hex characters');

export const PayForm = z
  .strictObject({ channelId: ChannelId, from: MemberIndex, to: MemberIndex, amount: Amount })
  .refine((form) => form.from !== form.to, { message: 'the payer and the payee must be different members', path: ['to'] });
export type PayForm = z.infer<typeof PayForm>;

export const CloseForm = z.strictObject({ channelId: ChannelId, member: MemberIndex });

/** A top-up from the member's L1 account, or a withdrawal to it, the channel staying open (DESIGN §7). */
export const SpliceForm = z.strictObject({
  channelId: ChannelId,
  member: MemberIndex,
  kind: z.enum(['deposit', 'withdraw'], 'the kind is "deposit" or "withdraw"'),
  amount: Amount,
});
export type SpliceForm = z.infer<typeof SpliceForm>;
export type CloseForm = z.infer<typeof CloseForm>;

export const TerminateForm = z.strictObject({
  channelId: ChannelId,
  member: MemberIndex,
  /** null: the member wedges and terminates with its latest certificate. A number: terminate with that (older) certificate. */
  version: z.int('the version is a whole number').min(0, 'the version is 0 or more').max(Number.MAX_SAFE_INTEGER).nullable().default(null),
});
export type TerminateForm = z.infer<typeof TerminateForm>;

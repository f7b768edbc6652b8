// channel.open: lock each member's deposit and record the ordered member group
// with its opening state (version 0). Every member signs the body, so nobody's
// funds are locked, and nobody is made a member, without their consent.
import { assert, fromHex } from '@wedge/common';
import { addressOf } from '@wedge/crypto';
import { debit, getAccount } from '../accounts.ts';
import { openingState } from '../channel-state.ts';
import type { LedgerErrorCode } from '../errors.ts';
import {
  MAX_AMOUNT,
  MAX_CHALLENGE_BLOCKS,
  MAX_CHANNEL_MEMBERS,
  MIN_CHALLENGE_BLOCKS,
  MIN_CHANNEL_MEMBERS,
} from '../limits.ts';
import { hasExactKeys, isArrayOf, isBigint, isCount, isHash, isPublicKeyHex, isRecord, type UnknownRecord } from '../shape.ts';
import type { ChannelMemberDeposit, ChannelOpenBody, ChannelRecord, LedgerState } from '../types.ts';

const OPEN_KEYS = ['type', 'chainId', 'from', 'nonce', 'channelId', 'members', 'challengeBlocks', 'topology'];
const MEMBER_KEYS = ['publicKey', 'deposit'];

function isMemberDeposit(value: unknown): value is ChannelMemberDeposit {
  return isRecord(value) && hasExactKeys(value, MEMBER_KEYS) && isPublicKeyHex(value.publicKey) && isBigint(value.deposit);
}

/** The member addresses, in member order. */
export function memberAddresses(members: readonly ChannelMemberDeposit[]): string[] {
  assert(members.length <= MAX_CHANNEL_MEMBERS, 'memberAddresses: too many members');
  return members.map((member) => addressOf(fromHex(member.publicKey)));
}

/**
 * Stateless: shape; 2..16 distinct members; challenge window in range; each
 * deposit in 0..MAX_AMOUNT and a positive total; the sender is a member.
 */
export function getChannelOpenStaticValidity(body: UnknownRecord): LedgerErrorCode | null {
  if (!hasExactKeys(body, OPEN_KEYS) || !isHash(body.channelId)) return 'MALFORMED';
  if (body.topology !== 'star' && body.topology !== 'chain') return 'MALFORMED';
  const { members, challengeBlocks } = body;
  if (!isCount(challengeBlocks) || challengeBlocks < MIN_CHALLENGE_BLOCKS || challengeBlocks > MAX_CHALLENGE_BLOCKS) {
    return 'MALFORMED';
  }
  if (!isArrayOf(members, MAX_CHANNEL_MEMBERS, isMemberDeposit) || members.length < MIN_CHANNEL_MEMBERS) return 'MALFORMED';
  if (new Set(members.map((member) => member.publicKey)).size !== members.length) return 'MALFORMED';
  let total = 0n;
  for (const member of members) {
    if (member.deposit < 0n || member.deposit > MAX_AMOUNT) return 'INVALID_AMOUNT';
    total += member.deposit;
  }
  if (total <= 0n) return 'INVALID_AMOUNT';
  if (!memberAddresses(members).includes(body.from as string)) return 'NOT_A_MEMBER';
  return null;
}

export function getChannelOpenValidity(state: LedgerState, body: ChannelOpenBody): LedgerErrorCode | null {
  if (state.channels.has(body.channelId)) return 'CHANNEL_EXISTS';
  const addresses = memberAddresses(body.members);
  for (let index = 0; index < body.members.length; index++) {
    if (getAccount(state, addresses[index]!).balance < body.members[index]!.deposit) return 'INSUFFICIENT_FUNDS';
  }
  return null;
}

export function applyChannelOpen(state: LedgerState, body: ChannelOpenBody, height: number): void {
  assert(!state.channels.has(body.channelId), 'applyChannelOpen: channel exists');
  const addresses = memberAddresses(body.members);
  const deposits = body.members.map((member) => member.deposit);
  let total = 0n;
  for (let index = 0; index < deposits.length; index++) {
    debit(state, addresses[index]!, deposits[index]!);
    total += deposits[index]!;
  }
  assert(total > 0n, 'applyChannelOpen: empty channel');
  const record: ChannelRecord = {
    id: body.channelId,
    members: body.members.map((member, index) => ({ publicKey: member.publicKey, address: addresses[index]! })),
    deposits,
    deposited: [...deposits],
    withdrawn: deposits.map(() => 0n),
    total,
    floor: 0,
    floorCertificate: null,
    challengeBlocks: body.challengeBlocks,
    topology: body.topology,
    status: 'open',
    recorded: openingState(state.chainId, body.channelId, deposits),
    deadline: null,
    terminatedBy: null,
    settledBalances: null,
    openedAt: height,
    closedAt: null,
    closedBy: null,
  };
  state.channels.set(body.channelId, record);
}

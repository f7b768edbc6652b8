// GET /v1/channels/:id: the ledger's ChannelRecord with bigints as decimal
// strings, the recorded state included, and the height of the last block the
// answering replica executed (the record is as of that block), so that a
// client can refuse an answer older than one it already saw.
import { MAX_CHANNEL_MEMBERS, type ChannelRecord } from '@wedge/ledger';
import { z } from 'zod';
import { channelStateFromWire, channelStateToWire, WireChannelState } from './channel-state.ts';
import { amountFromWire, amountToWire, WireAddress, WireAmount, WireCount, WireHash, WirePublicKey, WireSignature } from './fields.ts';

const WireChannelMember = z.strictObject({ publicKey: WirePublicKey, address: WireAddress });
const WireCertificate = z.strictObject({ state: WireChannelState, signatures: z.array(WireSignature).max(MAX_CHANNEL_MEMBERS) });

export const ChannelResponse = z.strictObject({
  id: WireHash,
  members: z.array(WireChannelMember).min(1).max(MAX_CHANNEL_MEMBERS),
  deposits: z.array(WireAmount).max(MAX_CHANNEL_MEMBERS),
  deposited: z.array(WireAmount).max(MAX_CHANNEL_MEMBERS),
  withdrawn: z.array(WireAmount).max(MAX_CHANNEL_MEMBERS),
  total: WireAmount,
  floor: WireCount,
  floorCertificate: WireCertificate.nullable(),
  challengeBlocks: WireCount,
  topology: z.enum(['star', 'chain']),
  status: z.enum(['open', 'frozen', 'closed']),
  recorded: WireChannelState,
  deadline: WireCount.nullable(),
  terminatedBy: WireAddress.nullable(),
  settledBalances: z.array(WireAmount).max(MAX_CHANNEL_MEMBERS).nullable(),
  openedAt: WireCount,
  closedAt: WireCount.nullable(),
  closedBy: z.enum(['cooperative', 'dispute']).nullable(),
  height: WireCount,
});
export type ChannelResponse = z.infer<typeof ChannelResponse>;

/** `height`: the last block executed by the ledger `record` was read from. */
export function channelToWire(record: ChannelRecord, height: number): ChannelResponse {
  return {
    id: record.id,
    members: record.members.map((member) => ({ publicKey: member.publicKey, address: member.address })),
    deposits: record.deposits.map(amountToWire),
    deposited: record.deposited.map(amountToWire),
    withdrawn: record.withdrawn.map(amountToWire),
    total: amountToWire(record.total),
    floor: record.floor,
    floorCertificate:
      record.floorCertificate === null
        ? null
        : { state: channelStateToWire(record.floorCertificate.state), signatures: [...record.floorCertificate.signatures] },
    challengeBlocks: record.challengeBlocks,
    topology: record.topology,
    status: record.status,
    recorded: channelStateToWire(record.recorded),
    deadline: record.deadline,
    terminatedBy: record.terminatedBy,
    settledBalances: record.settledBalances === null ? null : record.settledBalances.map(amountToWire),
    openedAt: record.openedAt,
    closedAt: record.closedAt,
    closedBy: record.closedBy,
    height,
  };
}

/** The record (its height is the answer's, not the channel's: see WedgeClient.getChannel). */
export function channelFromWire(wire: ChannelResponse): ChannelRecord {
  return {
    id: wire.id,
    members: wire.members.map((member) => ({ publicKey: member.publicKey, address: member.address })),
    deposits: wire.deposits.map(amountFromWire),
    deposited: wire.deposited.map(amountFromWire),
    withdrawn: wire.withdrawn.map(amountFromWire),
    total: amountFromWire(wire.total),
    floor: wire.floor,
    floorCertificate:
      wire.floorCertificate === null
        ? null
        : { state: channelStateFromWire(wire.floorCertificate.state), signatures: [...wire.floorCertificate.signatures] },
    challengeBlocks: wire.challengeBlocks,
    topology: wire.topology,
    status: wire.status,
    recorded: channelStateFromWire(wire.recorded),
    deadline: wire.deadline,
    terminatedBy: wire.terminatedBy,
    settledBalances: wire.settledBalances === null ? null : wire.settledBalances.map(amountFromWire),
    openedAt: wire.openedAt,
    closedAt: wire.closedAt,
    closedBy: wire.closedBy,
  };
}

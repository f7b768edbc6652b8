// A channel state on the wire: the ledger's ChannelState with balances as
// decimal strings. Two strictnesses share one shape: `WireChannelState` for
// what clients send and what L1 records (balances in 0..MAX_AMOUNT), and the
// committed variant for states inside committed blocks (see committed-tx.ts).
import { MAX_CHANNEL_MEMBERS, type ChannelState } from '@wedge/ledger';
import { z } from 'zod';
import { amountFromWire, amountToWire, WireAmount, WireChainId, WireCount, WireHash } from './fields.ts';

export function channelStateSchema<Balance extends z.ZodType<string>>(balance: Balance) {
  return z.strictObject({
    chainId: WireChainId,
    channelId: WireHash,
    version: WireCount,
    balances: z.array(balance).max(MAX_CHANNEL_MEMBERS),
    deposited: z.array(balance).max(MAX_CHANNEL_MEMBERS),
    withdrawn: z.array(balance).max(MAX_CHANNEL_MEMBERS),
    commandsHash: WireHash,
    prevHash: WireHash,
    final: z.boolean(),
  });
}

export const WireChannelState = channelStateSchema(WireAmount);
export type WireChannelState = z.infer<typeof WireChannelState>;

/** Copies exactly the state's fields, so a stray property never travels. */
export function channelStateFromWire(wire: WireChannelState): ChannelState {
  return {
    chainId: wire.chainId,
    channelId: wire.channelId,
    version: wire.version,
    balances: wire.balances.map(amountFromWire),
    deposited: wire.deposited.map(amountFromWire),
    withdrawn: wire.withdrawn.map(amountFromWire),
    commandsHash: wire.commandsHash,
    prevHash: wire.prevHash,
    final: wire.final,
  };
}

export function channelStateToWire(state: ChannelState): WireChannelState {
  return {
    chainId: state.chainId,
    channelId: state.channelId,
    version: state.version,
    balances: state.balances.map(amountToWire),
    deposited: state.deposited.map(amountToWire),
    withdrawn: state.withdrawn.map(amountToWire),
    commandsHash: state.commandsHash,
    prevHash: state.prevHash,
    final: state.final,
  };
}

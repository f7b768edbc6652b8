// Channel reads shared by the channel transactions.
import type { ChannelRecord, LedgerState } from './types.ts';

/** The record of `channelId`, or undefined when no channel was ever opened with it (UNKNOWN_CHANNEL). */
export function getChannel(state: LedgerState, channelId: string): ChannelRecord | undefined {
  return state.channels.get(channelId);
}

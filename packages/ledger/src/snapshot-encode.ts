// The ledger as one canonical value: for the state root, state transfer and
// persistence. Accounts and channels are sorted by key, so two replicas with
// equal states produce equal bytes however their maps were filled.
import { assert } from '@wedge/common';
import { hashTaggedHex, type Canonical } from '@wedge/crypto';
import { canonicalChannelState } from './encoding.ts';
import { stateRootTag } from './tags.ts';
import type { ChannelRecord, LedgerState } from './types.ts';

/** Names the snapshot layout, so a future layout can be told apart. */
export const LEDGER_SNAPSHOT_FORMAT = 'wedge-ledger/2';

/** Plain code-unit order; never localeCompare, whose order depends on the machine. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeChannelRecord(record: ChannelRecord): Canonical {
  return {
    id: record.id,
    members: record.members.map((member) => ({ publicKey: member.publicKey, address: member.address })),
    deposits: [...record.deposits],
    deposited: [...record.deposited],
    withdrawn: [...record.withdrawn],
    total: record.total,
    floor: record.floor,
    floorCertificate:
      record.floorCertificate === null
        ? null
        : { state: canonicalChannelState(record.floorCertificate.state), signatures: [...record.floorCertificate.signatures] },
    challengeBlocks: record.challengeBlocks,
    topology: record.topology,
    status: record.status,
    recorded: canonicalChannelState(record.recorded),
    deadline: record.deadline,
    terminatedBy: record.terminatedBy,
    settledBalances: record.settledBalances === null ? null : [...record.settledBalances],
    openedAt: record.openedAt,
    closedAt: record.closedAt,
    closedBy: record.closedBy,
  };
}

export function encodeLedger(state: LedgerState): Canonical {
  const addresses = [...state.accounts.keys()].sort(compareKeys);
  const accounts = addresses.map((address) => {
    const account = state.accounts.get(address)!;
    return { address, balance: account.balance, nonce: account.nonce };
  });
  const ids = [...state.channels.keys()].sort(compareKeys);
  const channels = ids.map((id) => {
    const record = state.channels.get(id)!;
    assert(record.id === id, 'encodeLedger: channel stored under another id');
    return encodeChannelRecord(record);
  });
  return {
    format: LEDGER_SNAPSHOT_FORMAT,
    chainId: state.chainId,
    height: state.height,
    supply: state.supply,
    accounts,
    channels,
  };
}

/**
 * 64 hex over the whole state. Replicas compare it at checkpoints; it covers
 * the height, every account and every channel, closed ones included.
 */
export function stateRoot(state: LedgerState): string {
  return hashTaggedHex(stateRootTag(state.chainId), encodeLedger(state));
}

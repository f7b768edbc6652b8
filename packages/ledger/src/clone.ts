// Deep copies. A clone shares no object with its source, so a caller may try a
// block on a clone (a primary building a proposal, a mempool re-check) and
// throw it away without touching the real state.
import { cloneChannelState } from './channel-state.ts';
import { ChannelTable } from './channel-table.ts';
import type { Account, Address, ChannelCertificate, ChannelRecord, LedgerState } from './types.ts';

function cloneCertificate(certificate: ChannelCertificate | null): ChannelCertificate | null {
  return certificate === null ? null : { state: cloneChannelState(certificate.state), signatures: [...certificate.signatures] };
}

export function cloneChannelRecord(record: ChannelRecord): ChannelRecord {
  return {
    id: record.id,
    members: record.members.map((member) => ({ publicKey: member.publicKey, address: member.address })),
    deposits: [...record.deposits],
    deposited: [...record.deposited],
    withdrawn: [...record.withdrawn],
    total: record.total,
    floor: record.floor,
    floorCertificate: cloneCertificate(record.floorCertificate),
    challengeBlocks: record.challengeBlocks,
    topology: record.topology,
    status: record.status,
    recorded: cloneChannelState(record.recorded),
    deadline: record.deadline,
    terminatedBy: record.terminatedBy,
    settledBalances: record.settledBalances === null ? null : [...record.settledBalances],
    openedAt: record.openedAt,
    closedAt: record.closedAt,
    closedBy: record.closedBy,
  };
}

export function cloneLedger(state: LedgerState): LedgerState {
  const accounts = new Map<Address, Account>();
  for (const [address, account] of state.accounts) accounts.set(address, { balance: account.balance, nonce: account.nonce });
  const channels = new ChannelTable();
  for (const [id, record] of state.channels) channels.set(id, cloneChannelRecord(record));
  return { chainId: state.chainId, height: state.height, accounts, channels, supply: state.supply };
}

// Decoding a ledger snapshot (see snapshot-encode.ts). Beyond shapes, it checks
// the invariants the ledger keeps (each channel's status fields agree, balances
// add up, funds are conserved) and that keys are strictly sorted, so a decoded
// snapshot re-encodes to the very same bytes and root.
import { fromHex } from '@wedge/common';
import { addressOf, isChainId, type Canonical } from '@wedge/crypto';
import { ChannelTable } from './channel-table.ts';
import { totalFunds } from './funds.ts';
import {
  MAX_AMOUNT,
  MAX_CHALLENGE_BLOCKS,
  MAX_CHANNEL_MEMBERS,
  MIN_CHALLENGE_BLOCKS,
  MIN_CHANNEL_MEMBERS,
  MAX_SNAPSHOT_ACCOUNTS,
  MAX_SNAPSHOT_CHANNELS,
} from './limits.ts';
import { isChannelStateShape, isPublicKeyHex, isSignatureHex } from './shape.ts';
import { payoutsOf } from './transactions/pay-out.ts';
import { LEDGER_SNAPSHOT_FORMAT } from './snapshot-encode.ts';
import {
  assertAscending,
  readAddress,
  readAmount,
  readArray,
  readCount,
  readHash,
  readNullable,
  readOneOf,
  readRecord,
  snapshotError,
} from './snapshot-reader.ts';
import type { Account, Address, ChannelCertificate, ChannelMember, ChannelRecord, ChannelState, LedgerState } from './types.ts';

const LEDGER_KEYS = ['format', 'chainId', 'height', 'supply', 'accounts', 'channels'];
const ACCOUNT_KEYS = ['address', 'balance', 'nonce'];
const MEMBER_KEYS = ['publicKey', 'address'];
const CHANNEL_KEYS = [
  'id', 'members', 'deposits', 'deposited', 'withdrawn', 'total', 'floor', 'floorCertificate', 'challengeBlocks', 'topology', 'status', 'recorded',
  'deadline', 'terminatedBy', 'settledBalances', 'openedAt', 'closedAt', 'closedBy',
];
const CERTIFICATE_KEYS = ['state', 'signatures'];

function readMember(value: unknown, path: string): ChannelMember {
  const record = readRecord(value, path, MEMBER_KEYS);
  if (!isPublicKeyHex(record.publicKey)) throw snapshotError(`${path}.publicKey`, 'expected a compressed public key');
  const address = readAddress(record.address, `${path}.address`);
  if (address !== addressOf(fromHex(record.publicKey))) throw snapshotError(`${path}.address`, 'not the public key’s address');
  return { publicKey: record.publicKey, address };
}

/** Balances (or deposits) of a channel: one per member, each in range, adding up to `total` when given. */
function readBalances(value: unknown, path: string, count: number, total: bigint | null): bigint[] {
  const items = readArray(value, path, MAX_CHANNEL_MEMBERS);
  if (items.length !== count) throw snapshotError(path, `expected ${count} balances`);
  const balances = items.map((item, index) => readAmount(item, `${path}[${index}]`, MAX_AMOUNT));
  const sum = balances.reduce((a, b) => a + b, 0n);
  if (total !== null && sum !== total) throw snapshotError(path, 'balances do not add up to the channel total');
  return balances;
}

const sumOf = (amounts: readonly bigint[]): bigint => amounts.reduce((a, b) => a + b, 0n);

/** A channel state of this channel whose balances add up to what it accounts for (deposits less withdrawals). */
function readChannelState(value: unknown, path: string, chainId: string, record: { id: string; count: number }): ChannelState {
  if (!isChannelStateShape(value)) throw snapshotError(path, 'expected a channel state');
  if (value.chainId !== chainId || value.channelId !== record.id) throw snapshotError(path, 'state of another chain or channel');
  const deposited = readBalances(value.deposited, `${path}.deposited`, record.count, null);
  const withdrawn = readBalances(value.withdrawn, `${path}.withdrawn`, record.count, null);
  const balances = readBalances(value.balances, `${path}.balances`, record.count, sumOf(deposited) - sumOf(withdrawn));
  return { ...value, balances, deposited, withdrawn };
}

function readCertificate(value: unknown, path: string, chainId: string, record: { id: string; count: number }): ChannelCertificate {
  const raw = readRecord(value, path, CERTIFICATE_KEYS);
  const state = readChannelState(raw.state, `${path}.state`, chainId, record);
  const signatures = readArray(raw.signatures, `${path}.signatures`, MAX_CHANNEL_MEMBERS);
  if (signatures.length !== record.count || !signatures.every(isSignatureHex)) throw snapshotError(`${path}.signatures`, 'expected one signature per member');
  return { state, signatures: signatures as string[] };
}

/**
 * Deposits, withdrawals and the floor tell one story: the channel holds what
 * was put in less what was paid out; the floor is the version of the
 * certificate that set it, which accounts for exactly the withdrawals paid;
 * a recorded state after a termination is not below the floor and fits what
 * L1 holds (as the ledger checks on submission).
 */
function checkSplices(record: ChannelRecord, path: string): void {
  if (record.deposits.some((deposit, i) => deposit > record.deposited[i]!)) throw snapshotError(`${path}.deposited`, 'below the opening deposits');
  if (sumOf(record.deposited) - sumOf(record.withdrawn) !== record.total) throw snapshotError(`${path}.total`, 'not what was deposited less what was withdrawn');
  const certificate = record.floorCertificate;
  if ((certificate === null) !== (record.floor === 0)) throw snapshotError(`${path}.floorCertificate`, 'disagrees with the floor');
  if (certificate === null && record.withdrawn.some((amount) => amount > 0n)) throw snapshotError(`${path}.withdrawn`, 'paid without a floor certificate');
  if (certificate !== null) {
    if (certificate.state.version !== record.floor) throw snapshotError(`${path}.floor`, 'not the floor certificate’s version');
    if (certificate.state.withdrawn.some((amount, i) => amount !== record.withdrawn[i])) throw snapshotError(`${path}.withdrawn`, 'not the floor certificate’s');
    if (certificate.state.deposited.some((amount, i) => amount > record.deposited[i]!)) throw snapshotError(`${path}.floorCertificate`, 'accounts for unrecorded deposits');
  }
  if (record.status === 'open') {
    const opening = record.recorded;
    if (opening.deposited.some((amount, i) => amount !== record.deposits[i]) || opening.withdrawn.some((amount) => amount !== 0n)) {
      throw snapshotError(`${path}.recorded`, 'an open channel records its opening state');
    }
    return;
  }
  const recorded = record.recorded;
  if (recorded.version < record.floor) throw snapshotError(`${path}.recorded`, 'below the floor');
  if (recorded.withdrawn.some((amount, i) => amount < record.withdrawn[i]!) || recorded.deposited.some((amount, i) => amount > record.deposited[i]!)) {
    throw snapshotError(`${path}.recorded`, 'does not fit the deposits and withdrawals');
  }
}

/** The status fields must tell one story: open, frozen by a terminate, or closed one of two ways. */
function checkStatusFields(record: ChannelRecord, path: string, height: number): void {
  const disputed = record.deadline !== null;
  if (disputed !== (record.terminatedBy !== null)) throw snapshotError(path, 'deadline and terminatedBy disagree');
  if (record.terminatedBy !== null && !record.members.some((member) => member.address === record.terminatedBy)) {
    throw snapshotError(`${path}.terminatedBy`, 'not a member');
  }
  const closed = record.status === 'closed';
  if (closed !== (record.settledBalances !== null) || closed !== (record.closedAt !== null) || closed !== (record.closedBy !== null)) {
    throw snapshotError(path, 'closing fields disagree with status');
  }
  if (record.status === 'open' && (disputed || record.recorded.version !== 0)) throw snapshotError(path, 'open channel with a dispute');
  if (record.status === 'frozen' && !disputed) throw snapshotError(path, 'frozen channel without a deadline');
  if (record.closedBy === 'dispute' && !disputed) throw snapshotError(path, 'settled without a dispute');
  if (record.closedBy === 'cooperative' && !record.recorded.final) throw snapshotError(path, 'closed on a state not final');
  if (record.settledBalances !== null) {
    const payouts = payoutsOf({ ...record, status: 'frozen' }, record.recorded);
    if (record.settledBalances.some((balance, i) => balance !== payouts[i])) throw snapshotError(`${path}.settledBalances`, 'not the payouts of the recorded state');
  }
  if (record.deadline !== null) {
    const terminatedAt = record.deadline - record.challengeBlocks;
    if (terminatedAt < record.openedAt || terminatedAt > height) throw snapshotError(`${path}.deadline`, 'outside the chain');
    if (record.closedBy === 'dispute' && record.closedAt! < record.deadline) throw snapshotError(`${path}.closedAt`, 'before the deadline');
  }
  if (record.openedAt < 1 || record.openedAt > height) throw snapshotError(`${path}.openedAt`, 'outside the chain');
  if (record.closedAt !== null && (record.closedAt < record.openedAt || record.closedAt > height)) {
    throw snapshotError(`${path}.closedAt`, 'outside the channel’s life');
  }
}

function readChannel(value: unknown, path: string, chainId: string, height: number): ChannelRecord {
  const raw = readRecord(value, path, CHANNEL_KEYS);
  const id = readHash(raw.id, `${path}.id`);
  const members = readArray(raw.members, `${path}.members`, MAX_CHANNEL_MEMBERS).map((item, index) =>
    readMember(item, `${path}.members[${index}]`),
  );
  if (members.length < MIN_CHANNEL_MEMBERS) throw snapshotError(`${path}.members`, 'too few members');
  if (new Set(members.map((member) => member.publicKey)).size !== members.length) throw snapshotError(`${path}.members`, 'duplicate member');
  const deposits = readBalances(raw.deposits, `${path}.deposits`, members.length, null);
  if (sumOf(deposits) <= 0n) throw snapshotError(`${path}.deposits`, 'an empty channel');
  const deposited = readBalances(raw.deposited, `${path}.deposited`, members.length, null);
  const withdrawn = readBalances(raw.withdrawn, `${path}.withdrawn`, members.length, null);
  const total = readAmount(raw.total, `${path}.total`, MAX_AMOUNT);
  const challengeBlocks = readCount(raw.challengeBlocks, `${path}.challengeBlocks`);
  if (challengeBlocks < MIN_CHALLENGE_BLOCKS || challengeBlocks > MAX_CHALLENGE_BLOCKS) throw snapshotError(`${path}.challengeBlocks`, 'out of range');
  const shape = { id, count: members.length };
  const record: ChannelRecord = {
    id,
    members,
    deposits,
    deposited,
    withdrawn,
    total,
    floor: readCount(raw.floor, `${path}.floor`),
    floorCertificate: readNullable(raw.floorCertificate, (item) => readCertificate(item, `${path}.floorCertificate`, chainId, shape)),
    challengeBlocks,
    topology: readOneOf(raw.topology, `${path}.topology`, ['star', 'chain'] as const),
    status: readOneOf(raw.status, `${path}.status`, ['open', 'frozen', 'closed'] as const),
    recorded: readChannelState(raw.recorded, `${path}.recorded`, chainId, shape),
    deadline: readNullable(raw.deadline, (item) => readCount(item, `${path}.deadline`)),
    terminatedBy: readNullable(raw.terminatedBy, (item) => readAddress(item, `${path}.terminatedBy`)),
    settledBalances: readNullable(raw.settledBalances, (item) => readBalances(item, `${path}.settledBalances`, members.length, null)),
    openedAt: readCount(raw.openedAt, `${path}.openedAt`),
    closedAt: readNullable(raw.closedAt, (item) => readCount(item, `${path}.closedAt`)),
    closedBy: readNullable(raw.closedBy, (item) => readOneOf(item, `${path}.closedBy`, ['cooperative', 'dispute'] as const)),
  };
  checkSplices(record, path);
  checkStatusFields(record, path, height);
  return record;
}

function readAccounts(value: unknown): Map<Address, Account> {
  const accounts = new Map<Address, Account>();
  let previous: string | null = null;
  readArray(value, 'accounts', MAX_SNAPSHOT_ACCOUNTS).forEach((item, index) => {
    const path = `accounts[${index}]`;
    const raw = readRecord(item, path, ACCOUNT_KEYS);
    const address = readAddress(raw.address, `${path}.address`);
    assertAscending(previous, address, path);
    previous = address;
    accounts.set(address, { balance: readAmount(raw.balance, `${path}.balance`, MAX_AMOUNT), nonce: readCount(raw.nonce, `${path}.nonce`) });
  });
  return accounts;
}

function readChannels(value: unknown, chainId: string, height: number): Map<string, ChannelRecord> {
  const channels = new ChannelTable();
  let previous: string | null = null;
  readArray(value, 'channels', MAX_SNAPSHOT_CHANNELS).forEach((item, index) => {
    const record = readChannel(item, `channels[${index}]`, chainId, height);
    assertAscending(previous, record.id, `channels[${index}]`);
    previous = record.id;
    channels.set(record.id, record);
  });
  return channels;
}

/** Throws a LedgerError (MALFORMED) naming the first bad field. */
export function decodeLedger(value: Canonical): LedgerState {
  const raw = readRecord(value, 'ledger', LEDGER_KEYS);
  if (raw.format !== LEDGER_SNAPSHOT_FORMAT) throw snapshotError('format', `expected ${LEDGER_SNAPSHOT_FORMAT}`);
  if (typeof raw.chainId !== 'string' || !isChainId(raw.chainId)) throw snapshotError('chainId', 'expected a chain id');
  const chainId = raw.chainId;
  const height = readCount(raw.height, 'height');
  const supply = readAmount(raw.supply, 'supply', MAX_AMOUNT);
  const state: LedgerState = {
    chainId,
    height,
    accounts: readAccounts(raw.accounts),
    channels: readChannels(raw.channels, chainId, height),
    supply,
  };
  if (totalFunds(state) !== supply) throw snapshotError('supply', 'balances and locked deposits do not add up to the supply');
  return state;
}

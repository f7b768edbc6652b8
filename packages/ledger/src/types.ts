// The ledger's value types. Keys, signatures, addresses and ids are lowercase
// hex strings; amounts are bigint; nonces, heights and versions are safe
// integers. Every value here has a canonical encoding (see encoding.ts), so the
// same state hashes to the same root on every replica.
import type { TxCode } from './errors.ts';

/** 40 hex characters: `addressOf(publicKey)` from @wedge/crypto. */
export type Address = string;

export type ChannelTopology = 'star' | 'chain';

/** An L2 channel state (DESIGN §4). A state signed by every member is a certificate. */
export type ChannelState = {
  chainId: string;
  /** 64 hex. */
  channelId: string;
  version: number;
  /** One balance per member, in member order; they sum to the channel's total deposit. */
  balances: bigint[];
  /** 64 hex. */
  commandsHash: string;
  /** 64 hex. */
  prevHash: string;
  final: boolean;
};

export type ChannelMemberDeposit = {
  /** 66 hex: a compressed public key. */
  publicKey: string;
  deposit: bigint;
};

export type TransferBody = {
  type: 'transfer';
  chainId: string;
  from: Address;
  nonce: number;
  to: Address;
  amount: bigint;
};

export type ChannelOpenBody = {
  type: 'channel.open';
  chainId: string;
  from: Address;
  nonce: number;
  channelId: string;
  members: ChannelMemberDeposit[];
  challengeBlocks: number;
  topology: ChannelTopology;
};

export type ChannelCloseBody = {
  type: 'channel.close';
  chainId: string;
  from: Address;
  nonce: number;
  channelId: string;
  state: ChannelState;
  stateSignatures: string[];
};

export type ChannelTerminateBody = {
  type: 'channel.terminate';
  chainId: string;
  from: Address;
  nonce: number;
  channelId: string;
  /** null stands for the opening state (version 0), which needs no signatures. */
  state: ChannelState | null;
  stateSignatures: string[];
};

export type ChannelChallengeBody = {
  type: 'channel.challenge';
  chainId: string;
  from: Address;
  nonce: number;
  channelId: string;
  state: ChannelState;
  stateSignatures: string[];
};

export type ChannelSettleBody = {
  type: 'channel.settle';
  chainId: string;
  from: Address;
  nonce: number;
  channelId: string;
};

export type TxBody =
  | TransferBody
  | ChannelOpenBody
  | ChannelCloseBody
  | ChannelTerminateBody
  | ChannelChallengeBody
  | ChannelSettleBody;

export type TxType = TxBody['type'];

export type TxSignature = { publicKey: string; signature: string };

export type SignedTx = { body: TxBody; signatures: TxSignature[] };

export type LedgerGenesis = { chainId: string; accounts: { address: Address; balance: bigint }[] };

export type Account = { balance: bigint; nonce: number };

export type ChannelMember = { publicKey: string; address: Address };

export type ChannelStatus = 'open' | 'frozen' | 'closed';

export type ChannelRecord = {
  id: string;
  members: ChannelMember[];
  deposits: bigint[];
  total: bigint;
  challengeBlocks: number;
  topology: ChannelTopology;
  status: ChannelStatus;
  /** The opening state until a terminate, challenge or close records a newer one. */
  recorded: ChannelState;
  /** Set by terminate: the first height at which settle is allowed and challenge is not. */
  deadline: number | null;
  terminatedBy: Address | null;
  settledBalances: bigint[] | null;
  openedAt: number;
  closedAt: number | null;
  closedBy: 'cooperative' | 'dispute' | null;
};

/**
 * The whole L1 state. `height` is the last applied block. Values inside the
 * maps are treated as immutable: the ledger replaces an account or channel
 * record instead of editing it, so a record read earlier never changes.
 */
export type LedgerState = {
  chainId: string;
  height: number;
  accounts: Map<Address, Account>;
  channels: Map<string, ChannelRecord>;
  /** Sum of genesis balances; totalFunds(state) equals it forever. */
  supply: bigint;
};

export type Block = { height: number; txs: SignedTx[] };

/** The outcome of one transaction in a block: its id and 'OK' or why it was rejected. */
export type TxResult = { hash: string; code: TxCode };

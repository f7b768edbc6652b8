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
  /**
   * One balance per member, in member order. They sum to what the state
   * accounts for: the sum of `deposited` less the sum of `withdrawn`.
   */
  balances: bigint[];
  /**
   * Per member, the cumulative amount it has put into the channel that this
   * state takes into account: its opening deposit plus every `channel.deposit`
   * the members saw final on L1 before signing (DESIGN §7). Never decreases.
   */
  deposited: bigint[];
  /**
   * Per member, the cumulative amount taken out of the channel by withdrawals
   * this state accounts for (L1 pays what it has not paid yet: `channel.withdraw`,
   * or at settlement). Never decreases.
   */
  withdrawn: bigint[];
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

/** channel.deposit: one member adds funds to an open channel; its cumulative deposit on L1 rises. */
export type ChannelDepositBody = {
  type: 'channel.deposit';
  chainId: string;
  from: Address;
  nonce: number;
  channelId: string;
  amount: bigint;
};

/**
 * channel.withdraw: a fully-signed state whose cumulative `withdrawn` is above
 * what L1 has paid for some member; L1 pays the difference and the state's
 * version becomes the channel's version floor.
 */
export type ChannelWithdrawBody = {
  type: 'channel.withdraw';
  chainId: string;
  from: Address;
  nonce: number;
  channelId: string;
  state: ChannelState;
  stateSignatures: string[];
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
  | ChannelDepositBody
  | ChannelWithdrawBody
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

/** A state with every member's signature, in member order, as L1 received it. */
export type ChannelCertificate = { state: ChannelState; signatures: string[] };

export type ChannelRecord = {
  id: string;
  members: ChannelMember[];
  /** The opening deposits (channel.open). */
  deposits: bigint[];
  /** Per member, the cumulative amount put in: the opening deposit plus every channel.deposit since. */
  deposited: bigint[];
  /** Per member, the cumulative amount L1 has paid out by channel.withdraw. */
  withdrawn: bigint[];
  /** What the channel holds now: sum(deposited) - sum(withdrawn). */
  total: bigint;
  /**
   * The version floor: the version of the state of the last channel.withdraw
   * (0 before any). A state below it is STALE_STATE in every dispute, so no
   * older state can undo a withdrawal.
   */
  floor: number;
  /**
   * The certificate that set the floor (null before any withdrawal): a member
   * that signed it but never received it can take it from here, so it is never
   * left holding only certificates below the floor.
   */
  floorCertificate: ChannelCertificate | null;
  challengeBlocks: number;
  topology: ChannelTopology;
  status: ChannelStatus;
  /** The opening state until a terminate, challenge or close records a newer one. */
  recorded: ChannelState;
  /** Set by terminate: the first height at which settle is allowed and challenge is not. */
  deadline: number | null;
  terminatedBy: Address | null;
  /** What closing paid each member (the recorded balances plus the deposits and withdrawals it left to L1). */
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

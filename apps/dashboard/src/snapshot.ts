// The JSON the dashboard serves at GET /api/state, and the page reads every
// poll. Types only (no imports, no code), so the browser bundle can share them
// and the server and page cannot drift apart. Amounts are decimal strings, as
// everywhere on the wire.

export type ReplicaHealth = 'healthy' | 'lagging' | 'view-change' | 'unreachable';

export type ReplicaView = {
  id: number;
  url: string;
  health: ReplicaHealth;
  /** The replica the reachable majority's view designates (view mod n). */
  primary: boolean;
  view: number | null;
  viewStatus: 'normal' | 'view-change' | null;
  height: number | null;
  stableCheckpoint: number | null;
  pendingTxs: number | null;
  /** Peers this replica currently reaches, of `peersTotal`. */
  peersReachable: number | null;
  peersTotal: number;
  error: string | null;
};

export type BlockView = {
  height: number;
  view: number;
  /** 64 hex: the digest the commit certificate signs. */
  digest: string;
  txCount: number;
  /** Transactions per type, e.g. { transfer: 3, "channel.terminate": 1 }. */
  txTypes: Record<string, number>;
  rejected: number;
  /** Replica ids whose commit signatures form the certificate (at least 2f+1). */
  signers: number[];
};

export type MemberView = {
  index: number;
  url: string;
  address: string | null;
  /** The dashboard holds this member's key, so it can pay from it and terminate for it. */
  hasKey: boolean;
  reachable: boolean;
  error: string | null;
  /** The latest fully-signed version this member holds, and the highest it ever signed. */
  version: number | null;
  signedVersion: number | null;
  balances: string[] | null;
  wedged: string | null;
  closeRequested: boolean;
  closed: boolean;
  pendingPayments: number | null;
};

export type ChannelL1View = {
  status: 'open' | 'frozen' | 'closed';
  topology: 'star' | 'chain';
  deposits: string[];
  /** Per member: the cumulative deposits L1 holds (opening plus top-ups), and the withdrawals it paid (DESIGN §7). */
  deposited: string[];
  withdrawn: string[];
  /** The version floor: no state below it is accepted in a dispute. */
  floor: number;
  total: string;
  challengeBlocks: number;
  recordedVersion: number;
  recordedBalances: string[];
  deadline: number | null;
  /** Blocks until settlement is allowed (deadline − current L1 height), while frozen. */
  blocksLeft: number | null;
  terminatedBy: string | null;
  settledBalances: string[] | null;
  closedBy: 'cooperative' | 'dispute' | null;
  openedAt: number;
  closedAt: number | null;
};

export type WatchtowerView = {
  url: string;
  reachable: boolean;
  bestVersion: number | null;
  error: string | null;
};

export type ChannelView = {
  id: string;
  /** Member addresses from L1 (null until the channel is known there). */
  members: MemberView[];
  l1: ChannelL1View | null;
  l1Error: string | null;
  /** The newest certificate any member holds: the channel as it stands off-chain. */
  version: number | null;
  balances: string[] | null;
  watchtower: WatchtowerView | null;
};

export type RateView = {
  /** What is counted: certified channel versions (each carries at least one payment). */
  unit: string;
  /** One count per second, oldest first, for the last `perSecond.length` complete seconds. */
  perSecond: number[];
  /** Mean of the last few seconds. */
  current: number;
};

export type Snapshot = {
  chainId: string;
  genesisHash: string;
  /** n = 3f+1 replicas; a certificate needs 2f+1 signatures. */
  f: number;
  updatedAtMs: number;
  pollMs: number;
  /** The highest height any reachable replica has executed. */
  l1Height: number | null;
  replicas: ReplicaView[];
  /** Newest first. */
  blocks: BlockView[];
  channels: ChannelView[];
  rate: RateView;
};

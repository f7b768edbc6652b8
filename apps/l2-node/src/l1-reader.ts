// Reading a channel from L1 without trusting one replica (DESIGN §3: members
// use finality proofs instead of one replica's word). Every replica is asked
// for its height and then the channel; a view counts only when f+1 replicas
// (so at least one honest) report the same record, and its height is the
// lowest height among them — a height at which the record was already true,
// so a deadline is never believed reached early. That height is then proven
// by fetching its block, whose commit certificate the client verifies against
// the genesis replica set.
import type { GenesisFile } from '@wedge/api';
import { createClient, type WedgeClient } from '@wedge/client';
import { channelStateHash, type ChannelRecord } from '@wedge/ledger';
import type { L1ChannelView } from '@wedge/channel';

export type VerifiedChannel = { record: ChannelRecord; view: L1ChannelView };

const REQUEST_TIMEOUT_MS = 2_000;

/** What f+1 replicas must agree on: everything in the record but nothing about time of reading. */
function agreementKey(record: ChannelRecord): string {
  return JSON.stringify({
    members: record.members,
    deposits: record.deposits.map(String),
    topology: record.topology,
    challengeBlocks: record.challengeBlocks,
    status: record.status,
    recorded: channelStateHash(record.recorded),
    recordedVersion: record.recorded.version,
    deadline: record.deadline,
    settled: record.settledBalances?.map(String) ?? null,
    deposited: record.deposited.map(String),
    withdrawn: record.withdrawn.map(String),
    floor: record.floor,
    floorState: record.floorCertificate === null ? null : channelStateHash(record.floorCertificate.state),
  });
}

/** The view a member core acts on: the record's status, dispute and splice fields at a proven height. */
export function l1ViewOf(record: ChannelRecord, height: number): L1ChannelView {
  return {
    status: record.status,
    recordedVersion: record.recorded.version,
    deadline: record.deadline,
    height,
    deposited: record.deposited,
    withdrawn: record.withdrawn,
    floor: record.floor,
    floorCertificate: record.floorCertificate,
  };
}

export class L1Reader {
  readonly client: WedgeClient;
  private readonly replicas: WedgeClient[];
  private readonly quorum: number;
  private provenHeight = 0;
  private nextPeek = 0;

  constructor(genesis: GenesisFile) {
    this.client = createClient({ genesis, timeoutMs: REQUEST_TIMEOUT_MS });
    this.replicas = genesis.replicas.map((replica) =>
      createClient({ genesis, urls: [replica.url], resultConfirmations: 1, timeoutMs: REQUEST_TIMEOUT_MS }),
    );
    this.quorum = Math.floor((genesis.replicas.length - 1) / 3) + 1;
  }

  /**
   * The channel as f+1 replicas report it, at a proven height; null when no
   * record has f+1 agreeing replicas right now (unknown channel, replicas in
   * flux or unreachable) or the height could not be proven.
   */
  async channel(channelId: string): Promise<VerifiedChannel | null> {
    const answers = await Promise.all(
      this.replicas.map(async (replica) => {
        try {
          // Height first: the record read after it is at least as new, so the height is a lower bound.
          const { height } = await replica.getStatus();
          const record = await replica.getChannel(channelId);
          return { height, record };
        } catch {
          return null;
        }
      }),
    );
    const groups = new Map<string, { record: ChannelRecord; heights: number[] }>();
    for (const answer of answers) {
      if (answer === null) continue;
      const key = agreementKey(answer.record);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { record: answer.record, heights: [answer.height] });
      else group.heights.push(answer.height);
    }
    // Two groups may both reach f+1 while replicas move from one record to the next: take the newer.
    let best: { record: ChannelRecord; height: number } | null = null;
    for (const group of groups.values()) {
      if (group.heights.length < this.quorum) continue;
      const height = Math.min(...group.heights);
      if (best === null || height > best.height) best = { record: group.record, height };
    }
    if (best === null) return null;
    const height = await this.proven(best.height);
    if (height === null) return null;
    const { record } = best;
    return { record, view: l1ViewOf(record, height) };
  }

  /** One replica's height (each call asks the next replica), or null if it did not answer. A hint, not a proof. */
  async peekHeight(): Promise<number | null> {
    const replica = this.replicas[this.nextPeek]!;
    this.nextPeek = (this.nextPeek + 1) % this.replicas.length;
    try {
      return (await replica.getStatus()).height;
    } catch {
      return null;
    }
  }

  /** `height` once its block's commit certificate verified (heights below a proven one need no new proof). */
  private async proven(height: number): Promise<number | null> {
    if (height <= this.provenHeight) return height;
    try {
      await this.client.getBlock(height);
    } catch {
      return null;
    }
    this.provenHeight = height;
    return height;
  }
}

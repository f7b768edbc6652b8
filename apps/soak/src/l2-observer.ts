// Live checks of the channels while the soak runs. Every member and the
// watchtower are asked for their latest certificate about once a second: two
// certified states of one channel with the same version must be the same
// state (L2-safety), and every certified state's balances must sum to the
// channel's deposits (L2-conservation). A member's own highest signed state
// must not differ from a certificate at that version either.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Certificate } from '@wedge/channel';
import { channelStateHash } from '@wedge/ledger';
import { ChannelViewResponse, WatchedChannelResponse } from '../../../apps/l2-node/src/l2-api.ts';
import { certificateFromWire } from '../../../apps/l2-node/src/wire.ts';
import type { Cluster } from './cluster.ts';
import type { ChannelName } from './schedule.ts';
import type { Violations } from './violations.ts';

const POLL_MS = 1_000;
/** Short, so that one paused process does not hold up the round for the others. */
const REQUEST_TIMEOUT_MS = 2_000;

/** GET /v1/channel of a member, or null when it does not answer in time. */
export async function memberView(url: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ChannelViewResponse | null> {
  try {
    const answer = await fetch(`${url}/v1/channel`, { signal: AbortSignal.timeout(timeoutMs) });
    return answer.status === 200 ? ChannelViewResponse.parse(await answer.json()) : null;
  } catch {
    return null;
  }
}

/** GET /v1/channels/:id of the watchtower, or null when it does not answer in time or does not watch the channel. */
export async function watchedChannel(url: string, channelId: string, timeoutMs = REQUEST_TIMEOUT_MS): Promise<WatchedChannelResponse | null> {
  try {
    const answer = await fetch(`${url}/v1/channels/${channelId}`, { signal: AbortSignal.timeout(timeoutMs) });
    return answer.status === 200 ? WatchedChannelResponse.parse(await answer.json()) : null;
  } catch {
    return null;
  }
}

export class L2Observer {
  /** Per channel: version -> hash of the certified state, and who showed it first. */
  private readonly certified: Record<ChannelName, Map<number, { hash: string; source: string }>> = { star: new Map(), chain: new Map() };
  /** Per channel: the highest version each member holds, as last seen. */
  readonly latestVersion: Record<ChannelName, number[]> = { star: [0, 0], chain: [0, 0, 0] };
  watchtowerBest: Record<ChannelName, number> = { star: 0, chain: 0 };
  private readonly wedgeReported = new Set<string>();
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly violations: Violations,
  ) {}

  start(): void {
    this.stopping = false;
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  /** Records a certified state shown by `source`; a different state at a version already seen is a violation. */
  record(channel: ChannelName, certificate: Certificate, source: string): void {
    const { state } = certificate;
    const hash = channelStateHash(state);
    const first = this.certified[channel].get(state.version);
    if (first === undefined) this.certified[channel].set(state.version, { hash, source });
    else if (first.hash !== hash) {
      this.violations.add('conflicting-certificates', { channel, version: state.version, sources: [first.source, source], hashes: [first.hash, hash] });
    }
    const total = this.cluster.channels[channel].deposits.reduce((sum, deposit) => sum + deposit, 0n);
    const sum = state.balances.reduce((acc, balance) => acc + BigInt(balance), 0n);
    if (sum !== total) this.violations.add('l2-conservation', { channel, version: state.version, source, balances: state.balances.map(String), total: String(total) });
  }

  /** A member's highest signed state must be the certified one at that version, if that version is certified. */
  recordSigned(channel: ChannelName, version: number, stateHash: string | null, source: string): void {
    const certified = this.certified[channel].get(version);
    if (stateHash === null || certified === undefined || certified.hash === stateHash) return;
    this.violations.add('conflicting-certificates', { channel, version, signedBy: source, signedHash: stateHash, certified: certified });
  }

  versionsSeen(channel: ChannelName): number[] {
    return [...this.certified[channel].keys()].sort((a, b) => a - b);
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
      for (const name of ['star', 'chain'] as const) {
        const channel = this.cluster.channels[name];
        await Promise.all(
          channel.members.map(async (member, index) => {
            // Down or paused on purpose: asked again next round.
            const view = await memberView(member.url);
            if (view === null) return;
            this.record(name, certificateFromWire(view.latest), member.name);
            this.recordSigned(name, view.signed.version, view.signed.stateHash, member.name);
            this.latestVersion[name][index] = view.latest.state.version;
            // The soak's faults are shorter than the members' progress timeout: a wedge is a finding (reported once per member).
            if (view.wedged !== null && !this.wedgeReported.has(member.name)) {
              this.wedgeReported.add(member.name);
              this.violations.add('channel-wedged', { channel: name, member: member.name, reason: view.wedged, version: view.latest.state.version });
            }
          }),
        );
        // Down, paused, or not told about the channel yet: asked again next round.
        const watched = await watchedChannel(this.cluster.watchtower.url, channel.id);
        if (watched?.best) {
          this.record(name, certificateFromWire(watched.best), 'watchtower');
          this.watchtowerBest[name] = watched.best.state.version;
        }
      }
      await sleep(POLL_MS);
    }
  }
}

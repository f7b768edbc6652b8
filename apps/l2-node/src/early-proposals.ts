// In a chain, member i gets proposal v+1 from member i-1 but certificate v
// from the tail, over another connection, so the proposal can overtake the
// certificate it extends. The core as first committed drops a proposal that
// does not extend its latest certificate, and nobody resends it: the channel
// would stall until the progress timeout wedges it. So the shell holds a
// proposal that extends exactly the state this member signed last, whose
// certificate it lacks, until that certificate arrives; the sender's request
// is answered only then (unacknowledged, it is resent if this process dies
// meanwhile). Anything else goes to the core at once.
import type { MemberConfig, MemberEvent, MemberState } from '@wedge/channel';

/** Only a faulty proposer sends more than one such proposal. */
const MAX_HELD = 2;

export function isEarlyProposal(config: MemberConfig, state: Readonly<MemberState>, event: MemberEvent): boolean {
  if (event.type !== 'message' || event.message.type !== 'propose') return false;
  const proposer = config.topology === 'star' ? 0 : config.self - 1;
  const proposed = event.message.proposal.state;
  return (
    state.wedged === null &&
    event.from === proposer &&
    state.signedVersion > state.latest.state.version &&
    proposed.version === state.signedVersion + 1 &&
    proposed.prevHash === state.signedHash
  );
}

export class EarlyProposals<Entry extends { readonly event: MemberEvent; readonly done?: () => void }> {
  private readonly held: Entry[] = [];

  /** Holds `entry`; returns the acknowledgement of an older one dropped to stay bounded, if any. */
  hold(entry: Entry): (() => void) | null {
    this.held.push(entry);
    if (this.held.length <= MAX_HELD) return null;
    return this.held.shift()!.done ?? null;
  }

  /** The next held entry that is no longer early, removed; null if none. */
  next(isEarly: (event: MemberEvent) => boolean): Entry | null {
    const index = this.held.findIndex((entry) => !isEarly(entry.event));
    return index === -1 ? null : this.held.splice(index, 1)[0]!;
  }
}

// The replica's protocol state is persisted after every batch, but the blocks
// it refers to (proposals in the log, prepared certificates, view changes) are
// large and never change. So blocks are stored once, by digest, and the
// persisted protocol state carries {$block: digest} in their place.
import { deserialize, serialize } from 'node:v8';
import { assert } from '@wedge/common';
import { blockDigest, type Block, type ConsensusApp, type NewView, type PreparedCertificate, type ViewChange } from '@wedge/consensus';
import type { LedgerState, SignedTx } from '@wedge/ledger';
import type { ReplicaState } from '@wedge/consensus';

type State = ReplicaState<SignedTx, LedgerState>;
type BlockRef = { $block: string };

export class ProtocolCodec {
  private readonly digests = new WeakMap<Block<SignedTx>, string>();
  private readonly persisted = new Set<string>();

  constructor(
    private readonly chainId: string,
    private readonly app: ConsensusApp<SignedTx, LedgerState>,
  ) {}

  /**
   * Serializes the protocol state, collecting blocks not yet persisted into
   * `fresh` and every referenced digest into `referenced`.
   */
  encode(state: State, fresh: Map<string, { height: number; bytes: Uint8Array }>, referenced: Set<string>): Uint8Array {
    const ref = (block: Block<SignedTx>): BlockRef => {
      const digest = this.stored(block, fresh);
      referenced.add(digest);
      return { $block: digest };
    };
    const certificate = (cert: PreparedCertificate<SignedTx>) => ({ ...cert, block: ref(cert.block) });
    const viewChange = (vc: ViewChange<SignedTx>) => ({ ...vc, prepared: vc.prepared.map(certificate) });
    const newView = (nv: NewView<SignedTx> | null) =>
      nv === null
        ? null
        : { ...nv, viewChanges: nv.viewChanges.map(viewChange), prePrepares: nv.prePrepares.map((entry) => ({ ...entry, block: ref(entry.block) })) };
    const stripped = {
      ...state,
      app: null,
      stableSnapshot: null,
      ownCheckpoints: new Map([...state.ownCheckpoints].map(([seq, { root }]) => [seq, { root, state: null }])),
      recentBlocks: new Map(),
      recentlyExecuted: new Set(),
      pending: new Map(),
      proposed: new Set(),
      slots: new Map([...state.slots].map(([key, slot]) => [key, { ...slot, block: slot.block === null ? null : ref(slot.block) }])),
      preparedCertificates: new Map([...state.preparedCertificates].map(([seq, cert]) => [seq, certificate(cert)])),
      readyToExecute: new Map([...state.readyToExecute].map(([seq, committed]) => [seq, { ...committed, block: ref(committed.block) }])),
      viewChanges: new Map([...state.viewChanges].map(([view, byReplica]) => [view, new Map([...byReplica].map(([id, vc]) => [id, viewChange(vc)]))])),
      newView: newView(state.newView),
    };
    return serialize(stripped);
  }

  /** The digest `block` is stored under, adding it to `fresh` unless it is stored already. */
  stored(block: Block<SignedTx>, fresh: Map<string, { height: number; bytes: Uint8Array }>): string {
    let digest = this.digests.get(block);
    if (digest === undefined) {
      digest = blockDigest(this.chainId, block, this.app);
      this.digests.set(block, digest);
    }
    if (!this.persisted.has(digest)) {
      fresh.set(digest, { height: block.height, bytes: serialize(block) });
      this.persisted.add(digest);
    }
    return digest;
  }

  /** After the store dropped unreferenced proposals: forget that they were persisted. */
  pruned(referenced: ReadonlySet<string>): void {
    for (const digest of this.persisted) if (!referenced.has(digest)) this.persisted.delete(digest);
  }

  /** The inverse of `encode`, loading referenced blocks from the store. */
  decode(bytes: Uint8Array, load: (digest: string) => Uint8Array | null): State {
    const cache = new Map<string, Block<SignedTx>>();
    const block = (ref: BlockRef): Block<SignedTx> => {
      let found = cache.get(ref.$block);
      if (found === undefined) {
        const stored = load(ref.$block);
        assert(stored !== null, `block ${ref.$block} referenced by the protocol state is missing`);
        found = deserialize(stored) as Block<SignedTx>;
        cache.set(ref.$block, found);
        this.digests.set(found, ref.$block);
        this.persisted.add(ref.$block);
      }
      return found;
    };
    const raw = deserialize(bytes) as any;
    const certificate = (cert: any) => ({ ...cert, block: block(cert.block) });
    const viewChange = (vc: any) => ({ ...vc, prepared: vc.prepared.map(certificate) });
    for (const slot of raw.slots.values()) if (slot.block !== null) slot.block = block(slot.block);
    raw.preparedCertificates = new Map([...raw.preparedCertificates].map(([seq, cert]: [number, any]) => [seq, certificate(cert)]));
    raw.readyToExecute = new Map([...raw.readyToExecute].map(([seq, committed]: [number, any]) => [seq, { ...committed, block: block(committed.block) }]));
    raw.viewChanges = new Map(
      [...raw.viewChanges].map(([view, byReplica]: [number, Map<number, any>]) => [view, new Map([...byReplica].map(([id, vc]) => [id, viewChange(vc)]))]),
    );
    if (raw.newView !== null) {
      raw.newView = {
        ...raw.newView,
        viewChanges: raw.newView.viewChanges.map(viewChange),
        prePrepares: raw.newView.prePrepares.map((entry: any) => ({ ...entry, block: block(entry.block) })),
      };
    }
    return raw as State;
  }
}

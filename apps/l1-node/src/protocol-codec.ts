// The replica's protocol state is persisted after every batch, but most of it
// does not change from one batch to the next. Two things keep each write small:
// - blocks (proposals in the log, prepared certificates, view changes) are
//   large and never change, so they are stored once, by digest, and the
//   persisted state carries {$block: digest} in their place;
// - the log's slots and prepared certificates, which hold the signed votes of
//   up to a checkpoint interval of blocks, are parts of their own, each
//   written when it changed and deleted when it is gone; the rest (the core
//   part) is small and written whole.
// A slot only ever moves forward — its pre-prepare and block are set, its
// vote maps grow, its flags turn true — and a prepared certificate is
// replaced, never edited, so "changed" is told without serializing: by a
// slot's fields and map sizes, by a certificate's identity.
// (protocol-codec.test.ts decodes what is persisted over simulated runs and
// compares it with the live state.)
import { deserialize, serialize } from 'node:v8';
import { assert } from '@wedge/common';
import {
  blockDigest,
  durableProtocolState,
  type Block,
  type ConsensusApp,
  type DurableProtocolState,
  type NewView,
  type PreparedCertificate,
  type ReplicaState,
  type Slot,
  type ViewChange,
} from '@wedge/consensus';
import type { LedgerState, SignedTx } from '@wedge/ledger';

type State = ReplicaState<SignedTx, LedgerState>;
type BlockRef = { $block: string };

/** What the protocol state is persisted as: the core part whole, and the parts that changed or went away. */
export type EncodedProtocol = {
  readonly core: Uint8Array;
  readonly put: readonly { readonly key: string; readonly bytes: Uint8Array }[];
  readonly removed: readonly string[];
};

/** A slot as last persisted: the object and everything about it that can change. */
type SlotMark = {
  readonly slot: Slot<SignedTx>;
  readonly prePrepare: unknown;
  readonly block: unknown;
  readonly prepares: number;
  readonly commits: number;
  readonly flags: number;
};

function markOf(slot: Slot<SignedTx>): SlotMark {
  return {
    slot,
    prePrepare: slot.prePrepare,
    block: slot.block,
    prepares: slot.prepares.size,
    commits: slot.commits.size,
    flags: (slot.sentPrepare ? 1 : 0) | (slot.prepared ? 2 : 0) | (slot.committed ? 4 : 0),
  };
}

function sameMark(a: SlotMark, b: SlotMark): boolean {
  return a.slot === b.slot && a.prePrepare === b.prePrepare && a.block === b.block && a.prepares === b.prepares && a.commits === b.commits && a.flags === b.flags;
}

const SLOT_PART = 'slot/';
const CERTIFICATE_PART = 'prepared/';

export class ProtocolCodec {
  private readonly digests = new WeakMap<Block<SignedTx>, string>();
  private readonly persisted = new Set<string>();
  /** Parts as last written, by key: a slot's mark or a certificate's object. */
  private readonly slotMarks = new Map<string, SlotMark>();
  private readonly certificateMarks = new Map<string, PreparedCertificate<SignedTx>>();

  constructor(
    private readonly chainId: string,
    private readonly app: ConsensusApp<SignedTx, LedgerState>,
  ) {}

  /**
   * Encodes the protocol state for persisting, collecting blocks not yet
   * persisted into `fresh` and every referenced digest into `referenced`.
   * Afterwards the codec takes the parts as written: the caller persists the
   * result before it encodes again (or the process ends).
   */
  encode(state: State, fresh: Map<string, { height: number; bytes: Uint8Array }>, referenced: Set<string>): EncodedProtocol {
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

    const put: { key: string; bytes: Uint8Array }[] = [];
    const live = new Set<string>();
    for (const [key, slot] of state.slots) {
      const part = SLOT_PART + key;
      live.add(part);
      const block = slot.block === null ? null : ref(slot.block);
      const mark = markOf(slot);
      const last = this.slotMarks.get(part);
      if (last !== undefined && sameMark(last, mark)) continue;
      put.push({ key: part, bytes: serialize({ ...slot, block }) });
      this.slotMarks.set(part, mark);
    }
    for (const [seq, cert] of state.preparedCertificates) {
      const part = CERTIFICATE_PART + seq;
      live.add(part);
      const encoded = certificate(cert);
      if (this.certificateMarks.get(part) === cert) continue;
      put.push({ key: part, bytes: serialize(encoded) });
      this.certificateMarks.set(part, cert);
    }
    const removed: string[] = [];
    for (const marks of [this.slotMarks, this.certificateMarks]) {
      for (const part of marks.keys()) {
        if (live.has(part)) continue;
        removed.push(part);
        marks.delete(part);
      }
    }

    // What the core persists (durableProtocolState leaves out what recovery
    // rebuilds, timers among it: arming a timer alone then changes nothing to
    // write), with the slots and certificates as parts and blocks by digest.
    const core = {
      ...durableProtocolState(state),
      slots: new Map(), // parts
      preparedCertificates: new Map(), // parts
      readyToExecute: new Map([...state.readyToExecute].map(([seq, committed]) => [seq, { ...committed, block: ref(committed.block) }])),
      viewChanges: new Map([...state.viewChanges].map(([view, byReplica]) => [view, new Map([...byReplica].map(([id, vc]) => [id, viewChange(vc)]))])),
      newView: newView(state.newView),
    };
    return { core: serialize(core), put, removed };
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

  /**
   * The inverse of `encode` (the core part and every stored part), loading
   * referenced blocks from the store: the durable protocol state that
   * restoreReplicaState starts from.
   */
  decode(core: Uint8Array, parts: ReadonlyMap<string, Uint8Array>, load: (digest: string) => Uint8Array | null): DurableProtocolState<SignedTx> {
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
    const raw = deserialize(core) as any;
    const certificate = (cert: any) => ({ ...cert, block: block(cert.block) });
    const viewChange = (vc: any) => ({ ...vc, prepared: vc.prepared.map(certificate) });
    // Parts come back in key order; the maps are rebuilt in the order the core keeps them (by seq, then view).
    const slots: Slot<SignedTx>[] = [];
    const certificates: [number, PreparedCertificate<SignedTx>][] = [];
    for (const [part, bytes] of parts) {
      if (part.startsWith(SLOT_PART)) {
        const slot = deserialize(bytes) as Slot<SignedTx>;
        if (slot.block !== null) slot.block = block(slot.block as unknown as BlockRef);
        slots.push(slot);
        this.slotMarks.set(part, markOf(slot));
      } else {
        assert(part.startsWith(CERTIFICATE_PART), `unknown protocol part ${part}`);
        const cert = certificate(deserialize(bytes)) as PreparedCertificate<SignedTx>;
        certificates.push([Number(part.slice(CERTIFICATE_PART.length)), cert]);
        this.certificateMarks.set(part, cert);
      }
    }
    slots.sort((a, b) => a.seq - b.seq || a.view - b.view);
    certificates.sort((a, b) => a[0] - b[0]);
    raw.slots = new Map(slots.map((slot) => [`${slot.view}:${slot.seq}`, slot]));
    raw.preparedCertificates = new Map(certificates);
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
    return raw as DurableProtocolState<SignedTx>;
  }
}

// Proves that what a member process writes to SQLite is what it needs after a
// crash: over random schedules of payments (submitted at any member, so some
// are forwarded to the sequencer), message deliveries and kill-and-restarts,
// in both topologies, the state restored from the store after every batch
// (restoreMemberState over the decoded durable state) equals the live state —
// except the pending payments that clients submitted at that member, which
// are not kept (their requests die with the process; the rule is the core's,
// durable.ts, and this test states it on its own), and the timer, which no
// restart keeps. It also equals what the simulator restores from the same
// state in memory, so both drivers run one recovery. Members restarted from
// the store go on to certify every payment still pending somewhere, and the
// applied ids survive.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMemberState,
  durableMemberState,
  restoreMemberState,
  signPayment,
  stepMember,
  type MemberContext,
  type MemberEffect,
  type MemberMessage,
  type MemberState,
} from '@wedge/channel';
import { toHex, utf8 } from '@wedge/common';
import { createStandInScheme, keyPairFromSeed, sha256 } from '@wedge/crypto';
import type { ChannelTopology } from '@wedge/ledger';
import { openDatabase } from '@wedge/store';
import { MemberCodec } from '../src/member-codec.ts';
import { createMemberStore, type MemberStore } from '../src/member-store.ts';

const root = mkdtempSync(join(tmpdir(), 'wedge-member-codec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let databases = 0;

const scheme = createStandInScheme();
const hexOf = (label: string) => toHex(sha256(utf8(label)));

type Envelope = { from: number; to: number; message: MemberMessage };

/** One member as the process runs it: core state, codec, store; `forwardedHere` is what it must keep. */
class StoredMember {
  state: MemberState;
  codec = new MemberCodec();
  store: MemberStore;
  readonly forwardedHere = new Set<string>();

  constructor(
    readonly ctx: MemberContext,
    readonly path: string,
  ) {
    this.store = createMemberStore(openDatabase(path));
    this.state = createMemberState(ctx);
  }

  /** Steps one event and persists its batch, as MemberNode.drain does. */
  step(event: Parameters<typeof stepMember>[2]): MemberEffect[] {
    const { effects } = stepMember(this.ctx, this.state, event);
    const forwarded = event.type === 'message' && event.message.type === 'forward' ? [event.message.payment.paymentId] : [];
    for (const id of forwarded) this.forwardedHere.add(id);
    this.store.persist({ ...this.codec.batchOf(this.state, effects), outbox: [], l1Jobs: [] });
    return effects;
  }

  /** The state a process restarts with now. */
  decoded(): MemberState {
    const loaded = this.store.load();
    return restoreMemberState(this.ctx, loaded === null ? null : new MemberCodec().decode(loaded));
  }

  /** The state the simulator restarts with now (the durable state kept in memory). */
  restoredInMemory(): MemberState {
    return restoreMemberState(this.ctx, structuredClone(durableMemberState(this.state)));
  }

  /** What must survive: everything but the pending payments submitted here, and no timer runs. */
  durable(): MemberState {
    const pending = new Map([...this.state.pending].filter(([id]) => this.forwardedHere.has(id)));
    return { ...this.state, pending, timerArmed: false };
  }

  /** kill -9 and start again from the data directory. */
  restart(): MemberEffect[] {
    this.store.close();
    this.store = createMemberStore(openDatabase(this.path));
    this.codec = new MemberCodec();
    this.state = restoreMemberState(this.ctx, this.codec.decode(this.store.load()!));
    return this.step({ type: 'start' });
  }
}

function cluster(n: number, topology: ChannelTopology): StoredMember[] {
  const keys = Array.from({ length: n }, (_, index) => keyPairFromSeed(scheme, `codec-member-${index}`));
  return keys.map((key, self) => {
    const ctx: MemberContext = {
      config: {
        chainId: 'wedge-test',
        channelId: hexOf('codec-channel'),
        members: keys.map((member) => ({ publicKey: toHex(member.publicKey) })),
        self,
        topology,
        deposits: keys.map(() => 1_000n),
        maxBatchPayments: 4,
        maxPendingPayments: 100,
        progressTimeoutMs: 1_000,
      },
      scheme,
      secretKey: key.secretKey,
    };
    return new StoredMember(ctx, join(root, `member-${databases++}.sqlite`));
  });
}

type Operation = { op: 'pay'; at: number; amount: number } | { op: 'deliver'; pick: number } | { op: 'restart'; at: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ op: fc.constant('pay' as const), at: fc.nat(4), amount: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ op: fc.constant('deliver' as const), pick: fc.nat(16) }),
  fc.record({ op: fc.constant('deliver' as const), pick: fc.nat(16) }),
  fc.record({ op: fc.constant('restart' as const), at: fc.nat(4) }),
);

describe.each<[ChannelTopology, number]>([
  ['star', 2],
  ['star', 3],
  ['chain', 3],
])('the member store (%s, %i members)', (topology, n) => {
  it('decodes to the live state after every batch, and restarted members finish the work', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 5, maxLength: 40 }), (operations) => {
        const members = cluster(n, topology);
        const queue: Envelope[] = [];
        const route = (from: number, effects: readonly MemberEffect[]) => {
          for (const effect of effects) if (effect.type === 'send') queue.push({ from, to: effect.to, message: structuredClone(effect.message) });
        };
        members.forEach((member, index) => route(index, member.step({ type: 'start' })));
        let paid = 0;
        const check = () => {
          for (const member of members) {
            expect(member.decoded()).toEqual(member.durable());
            expect(member.restoredInMemory()).toEqual(member.durable());
          }
        };
        for (const step of operations) {
          if (step.op === 'pay') {
            const from = step.at % n;
            const seq = paid + 1; // one count for every payer: seqs of a payer increase, with gaps
            const payment = signPayment(scheme, members[from]!.ctx.config, { from, to: (from + 1) % n, amount: BigInt(step.amount), seq, paymentId: hexOf(`p${paid++}`) }, members[from]!.ctx.secretKey);
            route(from, members[from]!.step({ type: 'payment', payment }));
          } else if (step.op === 'deliver' && queue.length > 0) {
            const [envelope] = queue.splice(step.pick % queue.length, 1);
            route(envelope!.to, members[envelope!.to]!.step({ type: 'message', from: envelope!.from, message: envelope!.message }));
          } else if (step.op === 'restart') {
            const at = step.at % n;
            // Messages it had sent are in its outbox in the process; here they stay queued.
            route(at, members[at]!.restart());
          }
          check();
        }
        // Quiet: deliver everything; whatever is still pending anywhere gets certified.
        for (let guard = 0; guard < 10_000 && queue.length > 0; guard++) {
          const envelope = queue.shift()!;
          route(envelope.to, members[envelope.to]!.step({ type: 'message', from: envelope.from, message: envelope.message }));
        }
        check();
        const versions = new Set(members.map((member) => member.state.latest.state.version));
        expect(versions.size).toBe(1);
        for (const member of members) {
          expect(member.state.pending.size).toBe(0);
          expect(member.state.wedged).toBeNull();
          // The payers' applied seqs are exactly those the latest chain of certificates applied, at every member.
          expect(member.decoded().payerSeqs).toEqual(members[0]!.state.payerSeqs);
        }
        for (const member of members) member.store.close();
      }),
      { numRuns: 40 },
    );
  });
});

describe('the member store across versions', () => {
  it('refuses a data directory written by an older Wedge instead of misreading it', () => {
    const path = join(root, 'old.sqlite');
    const db = openDatabase(path);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('channel', '{}');");
    db.close();
    expect(() => createMemberStore(openDatabase(path))).toThrow(/older Wedge/);
  });
});

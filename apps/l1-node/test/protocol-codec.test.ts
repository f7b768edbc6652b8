// Proves the replica's persisted protocol state (core part, parts written only
// when they changed, blocks by digest) decodes to exactly the live state: over
// simulated runs with faults, crashes, view changes and Byzantine replicas,
// every honest replica's state is encoded at every simulator tick into an
// in-memory store the way the shell persists it, and decoding that store
// from scratch gives back the whole durable state (durableProtocolState:
// every field the core does not rebuild on restore).
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { durableProtocolState } from '@wedge/consensus';
import { L1World, l1Scenario } from '@wedge/sim';
import { ProtocolCodec } from '../src/protocol-codec.ts';

type Store = { core: Uint8Array | null; parts: Map<string, Uint8Array>; proposals: Map<string, Uint8Array> };

function runSeed(seed: number): { checks: number; partsWritten: number; partsSkipped: number } {
  const world = new L1World(l1Scenario(seed, { faultPhaseMs: 3_000 }));
  const honest = world.nodes.filter((node) => world.isHonest(node.id));
  const codecs = honest.map((node) => new ProtocolCodec('sim', node.ctx.app));
  const stores: Store[] = honest.map(() => ({ core: null, parts: new Map(), proposals: new Map() }));
  let checks = 0;
  let partsWritten = 0;
  let partsSkipped = 0;
  let ticks = 0;
  world.tickHooks.push(() => {
    ticks += 1;
    honest.forEach((node, index) => {
      const store = stores[index]!;
      const fresh = new Map<string, { height: number; bytes: Uint8Array }>();
      const encoded = codecs[index]!.encode(node.state, fresh, new Set());
      for (const [digest, { bytes }] of fresh) store.proposals.set(digest, bytes);
      store.core = encoded.core;
      for (const { key, bytes } of encoded.put) store.parts.set(key, bytes);
      for (const key of encoded.removed) store.parts.delete(key);
      partsWritten += encoded.put.length;
      partsSkipped += node.state.slots.size + node.state.preparedCertificates.size - encoded.put.length;
      if (ticks % 5 !== 0) return;
      const decoded = new ProtocolCodec('sim', node.ctx.app).decode(store.core, store.parts, (digest) => store.proposals.get(digest) ?? null);
      const live = durableProtocolState(node.state);
      for (const field of new Set([...Object.keys(decoded), ...Object.keys(live)]) as Set<keyof typeof live>) {
        if (!isDeepStrictEqual(decoded[field], live[field])) {
          throw new Error(`seed ${seed}, replica ${node.id}, tick ${ticks}: decoded ${String(field)} differs from the live state`);
        }
      }
      checks += 1;
    });
  });
  world.run();
  return { checks, partsWritten, partsSkipped };
}

describe('protocol codec', () => {
  it('decodes what it persisted to the live state, over simulated runs with faults', () => {
    let total = { checks: 0, partsWritten: 0, partsSkipped: 0 };
    for (let seed = 1; seed <= 12; seed++) {
      const result = runSeed(seed);
      total = { checks: total.checks + result.checks, partsWritten: total.partsWritten + result.partsWritten, partsSkipped: total.partsSkipped + result.partsSkipped };
    }
    expect(total.checks).toBeGreaterThan(100);
    // Most parts are unchanged from one encoding to the next, and are not written again.
    expect(total.partsSkipped).toBeGreaterThan(total.partsWritten);
  });
});

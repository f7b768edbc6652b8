// Proves that a view change does not verify again what a replica verified
// already (verified-votes.ts): a backup checking a new view whose prepared
// certificates hold the prepares it took into its own log verifies only the
// signatures it has not seen (the view changes', the new view's and the
// pre-prepares'), and still refuses a certificate whose prepare differs from
// the one it holds in any field — its signature or its digest — or that it
// does not hold at all and does not verify.
import { describe, expect, it } from 'vitest';
import type { SignatureScheme } from '@wedge/crypto';
import type { SignedTx } from '@wedge/ledger';
import type { PreparedCertificate, Prepare, ViewChange } from '../src/index.ts';
import { complainAboutViewZero, createGroup, deliver, dropped, flush, request, sentOfType, signAs, startAll, transfer, type Effect, type Group } from './group.ts';

const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);

/** Replica `id` from now on verifies through a scheme that counts its verifications. */
function countVerifications(g: Group, id: number): { count: number } {
  const counter = { count: 0 };
  const scheme: SignatureScheme = {
    ...g.scheme,
    verify: (publicKey, message, signature) => {
      counter.count += 1;
      return g.scheme.verify(publicKey, message, signature);
    },
  };
  g.ctxs[id] = { ...g.ctxs[id]!, scheme };
  return counter;
}

/** Blocks 1-3 prepared everywhere, committed nowhere; replicas 0-2 move to view 1 while replica 3 hears nothing. */
function preparedThenViewChange() {
  const g = createGroup({ watermarkBlocks: 8, checkpointBlocks: 4, pipelineBlocks: 3 });
  startAll(g);
  g.block = ({ message }) => message.type === 'commit';
  for (let nonce = 0; nonce < 3; nonce++) request(g, 0, transfer(g, 0, nonce));
  flush(g);
  expect([...g.states[3]!.preparedCertificates.keys()]).toEqual([1, 2, 3]);
  g.block = ({ from, to }) => from === 3 || to === 3;
  complainAboutViewZero(g, [0, 1, 2]);
  flush(g);
  const newView = sentOfType(g.log[1]!, 'new-view')[0]!;
  return { g, newView };
}

function viewChangeWith(g: Group, replica: number, prepared: PreparedCertificate<SignedTx>[]): ViewChange<SignedTx> {
  const genesis = g.states[0]!.stable;
  return signAs<ViewChange<SignedTx>>(g, replica, { type: 'view-change', view: 1, stableSeq: 0, stableRoot: genesis.root, checkpointProof: [], prepared, replica });
}

describe('signatures verified once', () => {
  it('a new view is checked without verifying again the prepares the backup holds', () => {
    const { g, newView } = preparedThenViewChange();
    const certificates = newView.viewChanges.flatMap((viewChange) => viewChange.prepared);
    const prepares = certificates.reduce((sum, certificate) => sum + certificate.prepares.length, 0);
    expect(prepares).toBeGreaterThanOrEqual(18); // 3 view changes x 3 blocks x 2f prepares
    const verifications = countVerifications(g, 3);
    g.block = () => false;
    const effects = deliver(g, 3, 1, newView);
    expect(reasons(effects)).toEqual([]);
    expect(g.states[3]).toMatchObject({ view: 1, status: 'normal' });
    // The new view's signature, each view change's, each certificate's pre-prepare: nothing more.
    expect(verifications.count).toBe(1 + newView.viewChanges.length + certificates.length);
  });

  it('verifies, and refuses, a prepare that differs from the one held in its signature or its digest', () => {
    const { g } = preparedThenViewChange();
    const certificate = g.states[3]!.preparedCertificates.get(1)! as PreparedCertificate<SignedTx>;
    const [first, ...rest] = certificate.prepares as Prepare[];
    const forgedSignature = { ...certificate, prepares: [{ ...first!, signature: '00'.repeat(64) }, ...rest] };
    const otherDigest = { ...certificate, prepares: [{ ...first!, digest: 'ab'.repeat(32) }, ...rest] };
    const verifications = countVerifications(g, 3);
    expect(reasons(deliver(g, 3, 0, viewChangeWith(g, 0, [forgedSignature])))).toEqual(['BAD_PREPARED_CERTIFICATE']);
    expect(reasons(deliver(g, 3, 0, viewChangeWith(g, 0, [otherDigest])))).toEqual(['BAD_PREPARED_CERTIFICATE']);
    expect(verifications.count).toBeGreaterThanOrEqual(4); // view change and pre-prepare, then the odd prepare, each time
    expect(reasons(deliver(g, 3, 0, viewChangeWith(g, 0, [certificate])))).toEqual([]);
  });

  it('verifies a prepare it does not hold, and takes it when it is valid', () => {
    const { g } = preparedThenViewChange();
    const certificate = g.states[3]!.preparedCertificates.get(1)! as PreparedCertificate<SignedTx>;
    // Replica 3 forgets what it verified: every prepare of the certificate is checked.
    for (const slot of g.states[3]!.slots.values()) slot.prepares.clear();
    g.states[3]!.preparedCertificates.clear();
    const verifications = countVerifications(g, 3);
    expect(reasons(deliver(g, 3, 0, viewChangeWith(g, 0, [certificate])))).toEqual([]);
    expect(verifications.count).toBe(2 + certificate.prepares.length);
  });
});

// Proves the normal-case quorums (normal-case.ts, votes/prepare-commit.ts):
// a backup commits once 2f prepares (its own included) match the
// pre-prepare's digest — a prepare for another digest is kept but never
// counts, and the prepared certificate holds only matching prepares; a slot
// commits with 2f+1 commits for its digest, and the block executes with a
// certificate of exactly those signers that verifies from the genesis set.
// Repeats, the primary's prepare, forged signatures and votes outside the
// watermarks are dropped with their reasons.
import { describe, expect, it } from 'vitest';
import { HONEST_RULES, faultsTolerated, verifyCommitCertificate, type Commit, type Prepare } from '../src/index.ts';
import { createGroup, deliver, dropped, request, sentOfType, signAs, startAll, transfer, type Effect } from './group.ts';

const OTHER_DIGEST = 'ab'.repeat(32);

function setup() {
  const g = createGroup();
  startAll(g);
  const prePrepare = sentOfType(request(g, 0, transfer(g, 0, 0)), 'pre-prepare-block')[0]!;
  deliver(g, 1, 0, prePrepare);
  const digest = prePrepare.prePrepare.digest;
  const prepare = (replica: number, voteDigest = digest, signer = replica) =>
    ({ ...signAs<Prepare>(g, signer, { type: 'prepare', view: 0, seq: 1, digest: voteDigest, replica }), replica });
  const commit = (replica: number, voteDigest = digest, seq = 1) => signAs<Commit>(g, replica, { type: 'commit', view: 0, seq, digest: voteDigest, replica });
  return { g, digest, prepare, commit };
}

const reasons = (effects: Effect[]) => dropped(effects).map((effect) => effect.reason);

describe('prepare and commit', () => {
  it('a prepare for another digest is kept but does not count toward the quorum', () => {
    const { g, prepare } = setup();
    const effects = deliver(g, 1, 2, prepare(2, OTHER_DIGEST));
    expect(reasons(effects)).toEqual([]);
    expect(sentOfType(effects, 'commit')).toEqual([]);
    expect(g.states[1]!.slots.get('0:1')!.prepares.size).toBe(2); // its own and replica 2's
    expect(g.states[1]!.slots.get('0:1')!.prepared).toBe(false);
    // Replica 2's second prepare, now for the right digest, is a repeat: the first one counts.
    const again = deliver(g, 1, 2, prepare(2));
    expect(reasons(again)).toEqual(['DUPLICATE']);
    expect(sentOfType(again, 'commit')).toEqual([]);
  });

  it('2f matching prepares make a backup commit, with a certificate of matching prepares only', () => {
    const { g, digest, prepare } = setup();
    deliver(g, 1, 2, prepare(2, OTHER_DIGEST));
    const effects = deliver(g, 1, 3, prepare(3));
    expect(sentOfType(effects, 'commit')).toEqual([expect.objectContaining({ view: 0, seq: 1, digest, replica: 1 })]);
    const certificate = g.states[1]!.preparedCertificates.get(1)!;
    expect(certificate.prepares.map((vote) => vote.replica)).toEqual([1, 3]);
    expect(certificate.prepares.every((vote) => vote.digest === digest)).toBe(true);
  });

  it("drops the primary's prepare, a forged one, and votes outside the watermarks", () => {
    const { g, prepare, commit } = setup();
    expect(reasons(deliver(g, 1, 0, prepare(0)))).toEqual(['PRIMARY_PREPARE']);
    expect(reasons(deliver(g, 1, 2, prepare(3, undefined, 2)))).toEqual(['BAD_SIGNATURE']); // claims replica 3, signed by 2
    expect(reasons(deliver(g, 1, 2, commit(2, undefined, 9)))).toEqual(['OUTSIDE_WATERMARKS']);
    expect(g.states[1]!.slots.get('0:1')!.prepared).toBe(false);
  });

  it('2f+1 commits for the digest commit the block, with a certificate of exactly those signers', () => {
    const { g, digest, prepare, commit } = setup();
    deliver(g, 1, 3, prepare(3)); // prepared: replica 1 sends its commit
    expect(reasons(deliver(g, 1, 2, commit(2, OTHER_DIGEST)))).toEqual([]);
    expect(deliver(g, 1, 3, commit(3)).some((effect) => effect.type === 'committed')).toBe(false); // 2 of 3
    expect(reasons(deliver(g, 1, 3, commit(3)))).toEqual(['DUPLICATE']);
    const effects = deliver(g, 1, 0, commit(0));
    const committed = effects.find((effect) => effect.type === 'committed');
    expect(committed).toBeDefined();
    if (committed?.type !== 'committed') return;
    expect(committed.block.height).toBe(1);
    expect(committed.certificate).toMatchObject({ view: 0, height: 1, digest });
    expect(committed.certificate.signatures.map((signature) => signature.replica)).toEqual([1, 3, 0]);
    const verifier = { config: g.config, scheme: g.scheme, app: g.ctxs[0]!.app, rules: HONEST_RULES };
    expect(verifyCommitCertificate(verifier, committed.certificate, faultsTolerated(g.config))).toBe(true);
    expect(g.states[1]!.executed).toBe(1);
  });

  it('a forged commit does not count', () => {
    const { g, prepare, commit } = setup();
    deliver(g, 1, 3, prepare(3));
    deliver(g, 1, 3, commit(3));
    const forged = { ...commit(2), replica: 0 };
    expect(reasons(deliver(g, 1, 2, forged))).toEqual(['BAD_SIGNATURE']);
    expect(g.states[1]!.executed).toBe(0);
  });
});

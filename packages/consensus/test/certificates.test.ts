// Proves that commit certificates can be verified from the genesis replica set
// alone and cannot be forged: fewer than 2f+1 signers, a duplicated signer, a
// changed digest, height or view, another chain's signatures, or a
// signature moved to another replica all fail. Also checks that message
// signatures are domain-separated by kind.
import { toHex } from '@wedge/common';
import { keyPairFromSeed } from '@wedge/crypto';
import { fastSecp256k1 } from '@wedge/crypto/node';
import { describe, expect, it } from 'vitest';
import {
  HONEST_RULES,
  signMessage,
  verifyCommitCertificate,
  verifyMessage,
  type Commit,
  type CommitCertificate,
  type ConsensusApp,
  type ConsensusConfig,
  type Prepare,
} from '../src/index.ts';

const scheme = fastSecp256k1;
const app = { txHash: (tx: string) => tx } as unknown as ConsensusApp<string, unknown>;

function network(chainId: string, n = 4) {
  const keys = Array.from({ length: n }, (_, id) => keyPairFromSeed(scheme, `cert-test/${id}`));
  const config = {
    chainId,
    replicas: keys.map((key, id) => ({ id, publicKey: toHex(key.publicKey) })),
  } as unknown as ConsensusConfig;
  const signers = keys.map((key) => ({ chainId, scheme, secretKey: key.secretKey, app }));
  return { config, signers, verifier: { config, scheme, app, rules: HONEST_RULES } };
}

function certificate(chainId: string, signerIds: number[], view = 2, height = 17, digest = 'ab'.repeat(32)): CommitCertificate {
  const { signers } = network(chainId);
  return {
    view,
    height,
    digest,
    signatures: signerIds.map((replica) => {
      const commit = signMessage<Commit>(signers[replica]!, { type: 'commit', view, seq: height, digest, replica });
      return { replica, signature: commit.signature };
    }),
  };
}

describe('commit certificates', () => {
  const { verifier } = network('wedge-test');
  const f = 1;

  it('verify with 2f+1 distinct replica signatures', () => {
    expect(verifyCommitCertificate(verifier, certificate('wedge-test', [0, 1, 2]), f)).toBe(true);
    expect(verifyCommitCertificate(verifier, certificate('wedge-test', [3, 1, 0, 2]), f)).toBe(true);
  });

  it('reject fewer than 2f+1 signers or a duplicated signer', () => {
    expect(verifyCommitCertificate(verifier, certificate('wedge-test', [0, 1]), f)).toBe(false);
    expect(verifyCommitCertificate(verifier, certificate('wedge-test', [0, 1, 1]), f)).toBe(false);
  });

  it('reject a changed digest, height or view', () => {
    const good = certificate('wedge-test', [0, 1, 2]);
    expect(verifyCommitCertificate(verifier, { ...good, digest: 'cd'.repeat(32) }, f)).toBe(false);
    expect(verifyCommitCertificate(verifier, { ...good, height: good.height + 1 }, f)).toBe(false);
    expect(verifyCommitCertificate(verifier, { ...good, view: good.view + 1 }, f)).toBe(false);
  });

  it("reject another chain's signatures and signatures attributed to the wrong replica", () => {
    const otherChain = certificate('other-chain', [0, 1, 2]);
    expect(verifyCommitCertificate(verifier, otherChain, f)).toBe(false);
    const good = certificate('wedge-test', [0, 1, 2]);
    const swapped = {
      ...good,
      signatures: [
        { replica: 0, signature: good.signatures[1]!.signature },
        { replica: 1, signature: good.signatures[0]!.signature },
        good.signatures[2]!,
      ],
    };
    expect(verifyCommitCertificate(verifier, swapped, f)).toBe(false);
    expect(verifyCommitCertificate(verifier, { ...good, signatures: [...good.signatures.slice(0, 2), { replica: 9, signature: good.signatures[2]!.signature }] }, f)).toBe(false);
  });

  it('a prepare signature is not valid as a commit (domain separation by kind)', () => {
    const { signers } = network('wedge-test');
    const prepare = signMessage<Prepare>(signers[0]!, { type: 'prepare', view: 0, seq: 1, digest: 'ab'.repeat(32), replica: 0 });
    expect(verifyMessage(verifier, prepare)).toBe(true);
    expect(verifyMessage(verifier, { ...prepare, type: 'commit' } as Commit)).toBe(false);
  });
});

// Signing and verifying consensus messages. Each kind of message has its own
// domain tag (`wedge/<chainId>/pbft.<kind>`), so a signature on a prepare can
// never pass as a commit, nor one chain's messages as another's.
import { fromHex, isHex, toHex } from '@wedge/common';
import { domainTag, hashTaggedHex, signObject, verifyObject, type Canonical, type SignatureScheme } from '@wedge/crypto';
import type {
  Block,
  Checkpoint,
  Commit,
  CommitCertificate,
  Complaint,
  ConsensusApp,
  ConsensusConfig,
  ConsensusRules,
  FetchState,
  Heartbeat,
  NewView,
  PrePrepare,
  Prepare,
  PreparedCertificate,
  ReplicaId,
  ViewChange,
} from './types.ts';

type SignedKind = PrePrepare | Prepare | Commit | Checkpoint | Complaint | Heartbeat | ViewChange<unknown> | NewView<unknown> | FetchState;
type Unsigned<M> = M extends unknown ? Omit<M, 'signature'> : never;

function encodeCertificate(cert: PreparedCertificate<unknown>, app: ConsensusApp<unknown, unknown>): Canonical {
  return {
    prePrepare: cert.prePrepare as unknown as Canonical,
    block: encodeBlock(cert.block, app),
    prepares: cert.prepares as unknown as Canonical,
  };
}

function encodeBlock(block: Block<unknown>, app: ConsensusApp<unknown, unknown>): Canonical {
  return { height: block.height, txs: block.txs.map((tx) => app.txHash(tx)) };
}

/** What a replica signs for a message: every field but the signature; blocks by their tx hashes. */
function signedPayload(message: Unsigned<SignedKind>, app: ConsensusApp<unknown, unknown>): Canonical {
  switch (message.type) {
    case 'view-change':
      return {
        type: message.type,
        replica: message.replica,
        view: message.view,
        stableSeq: message.stableSeq,
        stableRoot: message.stableRoot,
        checkpointProof: message.checkpointProof as unknown as Canonical,
        prepared: message.prepared.map((cert) => encodeCertificate(cert, app)),
      };
    case 'new-view':
      return {
        type: message.type,
        replica: message.replica,
        view: message.view,
        viewChanges: message.viewChanges as unknown as Canonical,
        prePrepares: message.prePrepares.map((entry) => ({
          prePrepare: entry.prePrepare as unknown as Canonical,
          block: encodeBlock(entry.block, app),
        })),
      };
    default:
      return message as unknown as Canonical;
  }
}

export function messageTag(chainId: string, type: SignedKind['type']): string {
  return domainTag(chainId, `pbft.${type}`);
}

export type Signer = {
  readonly chainId: string;
  readonly scheme: SignatureScheme;
  readonly secretKey: Uint8Array;
  readonly app: ConsensusApp<any, any>;
};

export function signMessage<M extends SignedKind>(signer: Signer, message: Unsigned<M>): M {
  const payload = signedPayload(message, signer.app);
  const signature = toHex(signObject(signer.scheme, signer.secretKey, messageTag(signer.chainId, message.type), payload));
  return { ...message, signature } as unknown as M;
}

export type Verifier = {
  readonly config: ConsensusConfig;
  readonly scheme: SignatureScheme;
  readonly app: ConsensusApp<any, any>;
  readonly rules: ConsensusRules;
};

export function verifyMessage(verifier: Verifier, message: SignedKind): boolean {
  const replica = verifier.config.replicas[message.replica];
  if (replica === undefined || !Number.isInteger(message.replica)) return false;
  if (typeof message.signature !== 'string' || !isHex(message.signature)) return false;
  const { signature, ...unsigned } = message;
  const payload = signedPayload(unsigned as Unsigned<SignedKind>, verifier.app);
  return verifyObject(
    verifier.scheme,
    fromHex(replica.publicKey),
    messageTag(verifier.config.chainId, message.type),
    payload,
    fromHex(signature),
  );
}

export function blockDigest(chainId: string, block: Block<unknown>, app: ConsensusApp<any, any>): string {
  return hashTaggedHex(domainTag(chainId, 'block'), encodeBlock(block, app));
}

function distinctReplicas(messages: readonly { replica: ReplicaId }[]): boolean {
  return new Set(messages.map((message) => message.replica)).size === messages.length;
}

/**
 * Verifies a commit certificate from the genesis replica set alone: 2f+1
 * distinct replicas signed commit(view, height, digest). This is what clients
 * and channel members use instead of trusting any single replica.
 */
export function verifyCommitCertificate(verifier: Verifier, certificate: CommitCertificate, f: number): boolean {
  if (certificate.signatures.length < verifier.rules.quorum(f)) return false;
  if (certificate.signatures.length > verifier.config.replicas.length) return false;
  if (!distinctReplicas(certificate.signatures)) return false;
  return certificate.signatures.every(({ replica, signature }) =>
    verifyMessage(verifier, {
      type: 'commit',
      view: certificate.view,
      seq: certificate.height,
      digest: certificate.digest,
      replica,
      signature,
    }),
  );
}

/** `isVerified`: checkpoints the caller verified before (verified-votes.ts), whose signatures are not checked again. */
export function verifyCheckpointProof(
  verifier: Verifier,
  seq: number,
  root: string,
  proof: readonly Checkpoint[],
  f: number,
  isVerified: (checkpoint: Checkpoint) => boolean = () => false,
): boolean {
  if (seq === 0) return true; // genesis: every replica starts from the same state
  if (proof.length < verifier.rules.quorum(f) || proof.length > verifier.config.replicas.length) return false;
  if (!distinctReplicas(proof)) return false;
  return proof.every(
    (checkpoint) =>
      checkpoint.type === 'checkpoint' && checkpoint.seq === seq && checkpoint.root === root && (isVerified(checkpoint) || verifyMessage(verifier, checkpoint)),
  );
}

/**
 * A prepared certificate: a signed pre-prepare of the view's primary, its
 * block, and 2f matching prepares from others. `isVerified`: prepares the
 * caller verified before (verified-votes.ts), whose signatures are not checked again.
 */
export function verifyPreparedCertificate(
  verifier: Verifier,
  certificate: PreparedCertificate<unknown>,
  f: number,
  isVerified: (prepare: Prepare) => boolean = () => false,
): boolean {
  const { prePrepare, block, prepares } = certificate;
  const n = verifier.config.replicas.length;
  if (prePrepare.type !== 'pre-prepare' || prePrepare.replica !== prePrepare.view % n) return false;
  if (block.height !== prePrepare.seq) return false;
  if (blockDigest(verifier.config.chainId, block, verifier.app) !== prePrepare.digest) return false;
  if (!verifyMessage(verifier, prePrepare)) return false;
  const supporting = prepares.filter(
    (prepare) =>
      prepare.type === 'prepare' && prepare.replica !== prePrepare.replica && verifier.rules.prepareMatches(prePrepare, prepare),
  );
  if (supporting.length < verifier.rules.quorum(f) - 1 || !distinctReplicas(supporting)) return false;
  return supporting.every((prepare) => isVerified(prepare) || verifyMessage(verifier, prepare));
}

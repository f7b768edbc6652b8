// A signature scheme that tells its shell about every verification it runs,
// so a process can export how many signature checks its core asked for (and
// how many failed) without the core knowing: the core only ever sees a
// SignatureScheme, and counting is I/O-free bookkeeping of the shell.
import type { SignatureScheme } from '@wedge/crypto';

/** `scheme` with `onVerify(valid)` called after each verification it runs. */
export function countVerifications(scheme: SignatureScheme, onVerify: (valid: boolean) => void): SignatureScheme {
  return {
    name: scheme.name,
    signatureBytes: scheme.signatureBytes,
    publicKeyOf: (secretKey) => scheme.publicKeyOf(secretKey),
    sign: (secretKey, preimage) => scheme.sign(secretKey, preimage),
    verify(publicKey, preimage, signature) {
      const valid = scheme.verify(publicKey, preimage, signature);
      onVerify(valid);
      return valid;
    },
  };
}

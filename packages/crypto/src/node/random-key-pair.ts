// A fresh key pair from the operating system's randomness. Randomness is I/O,
// so this lives behind the Node-only entry: a shell makes keys (the genesis
// tool, the CLI, tests) and hands them to the cores, which never make one.
import { randomBytes } from 'node:crypto';
import { keyPairFromSecret, type KeyPair } from '../keys.ts';
import type { SignatureScheme } from '../scheme.ts';
import { isValidSecretKey } from '../secp256k1.ts';

export function randomKeyPair(scheme: SignatureScheme): KeyPair {
  for (;;) {
    const secretKey = new Uint8Array(randomBytes(32));
    if (isValidSecretKey(secretKey)) return keyPairFromSecret(scheme, secretKey);
  }
}

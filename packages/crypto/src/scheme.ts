// Signing sits behind this small interface (DESIGN §2). Processes always use a
// secp256k1 scheme; the simulator may use `createStandInScheme`, which keeps
// the meaning of a signature (only the holder of a secret key can produce a
// signature that verifies under its public key) at a fraction of the cost.

export interface SignatureScheme {
  readonly name: string;
  /** Byte length of every signature this scheme produces. */
  readonly signatureBytes: number;
  publicKeyOf(secretKey: Uint8Array): Uint8Array;
  /** Signs `preimage` (the scheme hashes it). */
  sign(secretKey: Uint8Array, preimage: Uint8Array): Uint8Array;
  /** Never throws: malformed keys or signatures simply do not verify. */
  verify(publicKey: Uint8Array, preimage: Uint8Array, signature: Uint8Array): boolean;
}

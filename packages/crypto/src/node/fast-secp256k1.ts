// The secp256k1 scheme the processes use: libsecp256k1 where its addon loads,
// else OpenSSL through node:crypto. All three schemes give the same answer on
// every input (see signatures.test.ts), so which one runs changes speed only.
import { nativeSecp256k1 } from './native-secp256k1.ts';
import type { SignatureScheme } from '../scheme.ts';
import { opensslSecp256k1 } from './openssl-secp256k1.ts';

export const fastSecp256k1: SignatureScheme = nativeSecp256k1 ?? opensslSecp256k1;

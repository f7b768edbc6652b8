// Proves countVerifications reports every verification the wrapped scheme
// runs, with its result, and changes no answer: valid signatures still verify,
// a forged one still fails, signing and keys are the scheme's own.
import { describe, expect, it } from 'vitest';
import { fastSecp256k1, randomKeyPair } from '@wedge/crypto/node';
import { countVerifications } from '../src/counted-scheme.ts';

describe('countVerifications', () => {
  it('counts each check with its result and answers as the scheme does', () => {
    const seen: boolean[] = [];
    const scheme = countVerifications(fastSecp256k1, (valid) => seen.push(valid));
    const keys = randomKeyPair(fastSecp256k1);
    const message = new TextEncoder().encode('pay 10');
    const signature = scheme.sign(keys.secretKey, message);
    expect(signature).toEqual(fastSecp256k1.sign(keys.secretKey, message));
    expect(scheme.publicKeyOf(keys.secretKey)).toEqual(keys.publicKey);
    expect(seen).toEqual([]);
    expect(scheme.verify(keys.publicKey, message, signature)).toBe(true);
    const forged = signature.slice();
    forged[10]! ^= 1;
    expect(scheme.verify(keys.publicKey, message, forged)).toBe(false);
    expect(seen).toEqual([true, false]);
    expect(scheme.signatureBytes).toBe(fastSecp256k1.signatureBytes);
  });
});

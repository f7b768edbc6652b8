// @wedge/crypto's Node-only entry, `@wedge/crypto/node`: the fast secp256k1
// schemes (libsecp256k1 as an addon, OpenSSL through node:crypto), the verify
// cache and random keys. Shells (the apps, the simulator, the client, scripts
// and tests) import these and hand a scheme to the cores through their
// contexts; the cores themselves import only the pure entry (../index.ts).
export * from './fast-secp256k1.ts';
export * from './native-secp256k1.ts';
export * from './openssl-secp256k1.ts';
export * from './random-key-pair.ts';
export * from './verify-cache.ts';

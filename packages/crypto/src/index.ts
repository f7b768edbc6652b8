export * from './encoding.ts';
export * from './hash.ts';
export * from './keys.ts';
export * from './scheme.ts';
export * from './secp256k1.ts';
export * from './signing.ts';
export * from './stand-in.ts';
export * from './verify-cache.ts';

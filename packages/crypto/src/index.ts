// @wedge/crypto's pure entry: what the cores may import (DESIGN §1). Nothing
// reachable from here touches Node, the clock or randomness; the purity test
// (test/purity.test.ts at the root) walks this graph and fails otherwise.
// Node-only schemes, the verify cache and random keys are in
// `@wedge/crypto/node` (node/index.ts), which shells import and pass a
// scheme from into the cores.
export * from './encoding.ts';
export * from './hash.ts';
export * from './keys.ts';
export * from './scheme.ts';
export * from './secp256k1.ts';
export * from './signing.ts';
export * from './stand-in.ts';

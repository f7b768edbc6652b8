// One seed of the simulator, as the command line and the tests run it.
import { L1World, type L1SimResult } from './l1-world.ts';
import { l1Scenario } from './l1-scenario.ts';

/** Every 20th seed runs real secp256k1 (OpenSSL verification) instead of the stand-in scheme. */
export function runL1Seed(seed: number): L1SimResult & { replicas: number } {
  const realCrypto = seed % 20 === 7;
  const options = l1Scenario(seed, realCrypto ? { scheme: 'secp256k1', faultPhaseMs: 4_000 } : {});
  const result = new L1World(options).run();
  return { ...result, replicas: options.replicas };
}

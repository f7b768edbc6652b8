// Worker thread of the simulator CLI: runs the seeds it is given, one reply per seed.
import { parentPort } from 'node:worker_threads';
import { runBothSeed } from './run-both.ts';
import { runL1Seed } from './run-seed.ts';

parentPort!.on('message', ({ seed, layers }: { seed: number; layers: 'l1' | 'both' }) => {
  try {
    parentPort!.postMessage({ seed, result: layers === 'both' ? runBothSeed(seed) : runL1Seed(seed) });
  } catch (error) {
    parentPort!.postMessage({ seed, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  }
});

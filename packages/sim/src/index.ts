export * from './byzantine.ts';
export * from './event-queue.ts';
export * from './l1-checkers.ts';
export * from './l1-scenario.ts';
export * from './l1-world.ts';
export * from './prng.ts';
export * from './workload.ts';
export * from './run-seed.ts';

// `npm run sim -- --seeds N [--from S] [--seed S] [--layers l1|both] [--json] [--workers W]`
// Runs N seeds of the simulator (n = 4 and 7, mixed faults, Byzantine
// replicas in about half the runs; with `--layers both`, two payment channels
// with member faults on top) across worker threads. Progress goes to
// stderr; with --json, stdout holds exactly one JSON object (its `dropped`
// counts the inputs honest replicas dropped, by input and reason). Exit code 1 when
// any invariant is violated; 2 on bad arguments. `--seed S` replays one seed.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Violation } from './l1-checkers.ts';
import type { L1SimResult } from './l1-world.ts';

type Options = { seeds: number; from: number; json: boolean; workers: number; layers: 'l1' | 'both' };

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: npm run sim -- --seeds N [--from S] [--layers l1|both] [--json] [--workers W]\n       npm run sim -- --seed S [--layers l1|both] [--json]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const options: Options = { seeds: 100, from: 0, json: false, workers: Math.max(1, Math.min(availableParallelism(), 8)), layers: 'l1' };
  const integer = (flag: string, value: string | undefined, min: number, max: number): number => {
    const parsed = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || parsed < min || parsed > max) usage(`${flag} needs an integer in ${min}..${max}`);
    return parsed;
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--json') options.json = true;
    else if (flag === '--seeds') options.seeds = integer(flag, argv[++index], 1, 1_000_000);
    else if (flag === '--from') options.from = integer(flag, argv[++index], 0, 2 ** 31);
    else if (flag === '--seed') {
      options.from = integer(flag, argv[++index], 0, 2 ** 31);
      options.seeds = 1;
    } else if (flag === '--workers') options.workers = integer(flag, argv[++index], 1, 64);
    else if (flag === '--layers') {
      const layers = argv[++index];
      if (layers !== 'l1' && layers !== 'both') usage(`--layers must be "l1" or "both"`);
      options.layers = layers;
    } else usage(`unknown argument: ${flag}`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const seeds = Array.from({ length: options.seeds }, (_, index) => options.from + index);
  const violations: (Violation & { seed: number })[] = [];
  let committedBlocks = 0;
  let viewChanges = 0;
  let spuriousViewChanges = 0;
  let byzantineRuns = 0;
  let primaryCrashes = 0;
  let snapshotInstalls = 0;
  const dropped: Record<string, number> = {};
  const l2 = { staleRejected: 0, watchtowerChallenges: 0, wedges: 0, deposits: 0, withdrawals: 0, floorRejections: 0 };
  let done = 0;
  const started = Date.now();
  const workerCount = Math.min(options.workers, seeds.length);
  const queue = [...seeds];
  await Promise.all(
    Array.from({ length: workerCount }, () =>
      new Promise<void>((resolve, reject) => {
        // Workers load TypeScript through tsx, like this process.
        const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url));
        const next = (): void => {
          const seed = queue.shift();
          if (seed === undefined) {
            void worker.terminate().then(() => resolve());
            return;
          }
          worker.postMessage({ seed, layers: options.layers });
        };
        worker.on('message', (reply: { seed: number; result?: L1SimResult & Partial<typeof l2>; error?: string }) => {
          done += 1;
          if (reply.error !== undefined) {
            violations.push({ seed: reply.seed, invariant: 'simulator-crash', detail: reply.error });
          } else {
            const result = reply.result!;
            committedBlocks += result.committedBlocks;
            viewChanges += result.viewChanges;
            spuriousViewChanges += result.spuriousViewChanges;
            if (result.byzantine) byzantineRuns += 1;
            primaryCrashes += result.primaryCrashes;
            snapshotInstalls += result.snapshotInstalls;
            for (const [key, count] of Object.entries(result.dropped)) dropped[key] = (dropped[key] ?? 0) + count;
            for (const key of Object.keys(l2) as (keyof typeof l2)[]) l2[key] += result[key] ?? 0;
            for (const violation of result.violations) violations.push({ seed: reply.seed, ...violation });
            if (result.violations.length > 0) {
              process.stderr.write(`seed ${reply.seed}: ${result.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ')}\n`);
              process.stderr.write(`  replay: npm run sim -- --seed ${reply.seed} --layers ${options.layers}\n`);
            }
          }
          if (done % 25 === 0 || done === seeds.length) {
            process.stderr.write(`sim: ${done}/${seeds.length} seeds, ${violations.length} violations, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
          }
          next();
        });
        worker.on('error', reject);
        next();
      }),
    ),
  );
  // Inputs honest replicas dropped, by input and reason, in key order (workers finish in any order).
  const droppedByReason = Object.fromEntries(Object.entries(dropped).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const summary = {
    seeds: seeds.length,
    violations,
    committedBlocks,
    viewChanges,
    spuriousViewChanges,
    byzantineRuns,
    primaryCrashes,
    snapshotInstalls,
    ...(options.layers === 'both' ? l2 : {}),
    dropped: droppedByReason,
  };
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      `${seeds.length} seeds in ${((Date.now() - started) / 1000).toFixed(1)} s: ${committedBlocks} blocks committed, ` +
        `${viewChanges} view changes (${spuriousViewChanges} spurious), ${byzantineRuns} runs with Byzantine replicas, ` +
        (options.layers === 'both'
          ? `${l2.wedges} wedges, ${l2.watchtowerChallenges} watchtower challenges, ${l2.staleRejected} stale states rejected, ` +
            `${l2.deposits} deposits, ${l2.withdrawals} withdrawals, ${l2.floorRejections} below the floor, `
          : '') +
        `${violations.length} violations\n`,
    );
    for (const violation of violations) process.stdout.write(`  seed ${violation.seed} ${violation.invariant}: ${violation.detail}\n`);
  }
  process.exitCode = violations.length > 0 ? 1 : 0;
}

await main();

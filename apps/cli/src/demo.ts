// `npm run demo [-- --seed S] [--json]`
// Until the process-based network exists (issues 3-5), the demo runs a short
// scenario in the deterministic simulator, with the very code the replicas
// will run: four PBFT replicas, one of them a Byzantine primary that
// equivocates, a crash and restart, a lossy network, clients sending
// transfers, and two payment channels — one closed cooperatively, one
// terminated with a stale state, challenged, and settled.
import { HONEST_RULES } from '@wedge/consensus';
import { L1World, l1Scenario, type ByzantineProfile } from '@wedge/sim';

type DemoOptions = { seed: number; json: boolean };

function parseArgs(argv: string[]): DemoOptions {
  const options: DemoOptions = { seed: 2026, json: false };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    if (flag === '--json') options.json = true;
    else if (flag === '--seed' && /^\d+$/.test(argv[index + 1] ?? '')) options.seed = Number(argv[++index]);
    else {
      process.stderr.write(`demo: unknown or malformed argument "${flag}"\nusage: npm run demo -- [--seed N] [--json]\n`);
      process.exit(2);
    }
  }
  return options;
}

const byzantinePrimary: ByzantineProfile = {
  equivocate: true,
  doubleVote: true,
  tamperNewView: false,
  withholdProbability: 0,
  silentPrimary: false,
  forge: true,
  replay: true,
};

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const scenario = l1Scenario(options.seed, {
    replicas: 4,
    rules: HONEST_RULES,
    byzantine: [{ replica: 0, profile: byzantinePrimary }],
    crashes: [],
    partitions: [{ atMs: 2_500, durationMs: 1_500, isolated: [2] }],
    network: { minDelayMs: 1, maxDelayMs: 25, lossProbability: 0.01, duplicateProbability: 0.01 },
    faultPhaseMs: 6_000,
  });
  const withChannels = { ...scenario, workload: { ...scenario.workload, channelPaths: ['cooperative', 'dispute'] as const } };
  const world = new L1World(withChannels);
  const result = world.run();
  const ledger = world.honestLedger();
  const channels = world.workload.channels.map((plan) => {
    const record = ledger.channels.get(plan.id);
    return {
      id: plan.id,
      path: plan.path,
      status: record?.status ?? 'unopened',
      recordedVersion: record?.recorded.version ?? null,
      settledBalances: record?.settledBalances?.map(String) ?? null,
      expectedBalances: plan.expectedPayout?.map(String) ?? null,
    };
  });
  const summary = {
    ok: result.violations.length === 0,
    seed: options.seed,
    replicas: scenario.replicas,
    byzantineReplicas: scenario.byzantine.map((entry) => entry.replica),
    blocks: result.committedBlocks,
    views: result.viewChanges,
    transactions: { submitted: result.submitted, executed: result.executed },
    staleRejected: result.staleRejected,
    channels,
    violations: result.violations,
    virtualMs: result.virtualMs,
    durationMs: Date.now() - started,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    const line = (text = '') => process.stdout.write(`${text}\n`);
    line('Wedge demo — simulated L1 network (deterministic; replay with --seed)');
    line();
    line(`  replicas           ${scenario.replicas} PBFT replicas (f = 1); replica 0, the first primary, is Byzantine:`);
    line('                     it equivocates, votes for everything, forges and replays messages');
    line('  faults             replica 2 cut off for 1.5 s; 1% message loss and duplication');
    line(`  L1 blocks          ${result.committedBlocks} committed in ${(result.virtualMs / 1000).toFixed(1)} s of virtual time`);
    line(`  view changes       reached view ${result.viewChanges} (the Byzantine primary was replaced)`);
    line(`  transactions       ${result.executed} of ${result.submitted} executed`);
    line(`  stale states       ${result.staleRejected} stale channel submission(s) rejected with STALE_STATE`);
    line();
    for (const channel of channels) {
      line(`  channel ${channel.id.slice(0, 12)}…  ${channel.path === 'cooperative' ? 'cooperative close' : 'dispute: stale terminate → challenge → settle'}`);
      line(`      status ${channel.status}, recorded version ${channel.recordedVersion}, paid [${channel.settledBalances?.join(', ') ?? '—'}], expected [${channel.expectedBalances?.join(', ') ?? '—'}]`);
    }
    line();
    line(
      summary.ok
        ? '  invariants         agreement, validity, convergence, conservation, settlement, liveness: all held'
        : `  VIOLATIONS         ${result.violations.map((violation) => `${violation.invariant}: ${violation.detail}`).join('\n                     ')}`,
    );
    line(`  took               ${summary.durationMs} ms`);
  }
  process.exitCode = summary.ok ? 0 : 1;
}

main();

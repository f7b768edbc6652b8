// Proves every built-in scenario passes against a live local network run by
// the CLI (`wedge scenario run NAME --json`): cooperative close, stale
// terminations overridden by the honest members or by a watchtower, wedging
// that survives a restart, a silent member, a Byzantine member signing
// conflicting states, and top-ups and withdrawals (splice-in, splice-out,
// deposit-then-dispute) — each report passes with every check held and the
// balances and versions that prove it. A scenario written by a user as a file
// runs the same way. The scenarios share one network, started in beforeAll
// and stopped (every process, checked by pid) in afterAll.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_SCENARIOS } from '../src/scenarios/index.ts';
import { jsonOf, killSurvivors, runCli } from './run-cli.ts';

type Report = { ok: boolean; name: string; checks: { name: string; ok: boolean; detail: unknown }[]; facts: Record<string, unknown>; error: unknown };

let dir: string;
const startedPids = new Set<number>();

function recordPids(): void {
  if (!existsSync(join(dir, 'pids.json'))) return;
  const file = JSON.parse(readFileSync(join(dir, 'pids.json'), 'utf8')) as { processes: { pid: number }[] };
  for (const entry of file.processes) startedPids.add(entry.pid);
}

async function runScenario(reference: string): Promise<Report> {
  const run = await runCli(['scenario', 'run', reference, '--dir', dir, '--json'], 180_000);
  recordPids();
  const report = jsonOf(run) as Report;
  const failed = report.checks.filter((check) => !check.ok);
  expect({ code: run.code, failed, error: report.error }, run.stderr).toEqual({ code: 0, failed: [], error: null });
  expect(report.ok).toBe(true);
  return report;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wedge-scenarios-'));
  const up = await runCli(['network', 'up', '--dir', dir, '--json']);
  if (up.code !== 0) throw new Error(`network up failed: ${up.stderr}`);
  recordPids();
}, 120_000);

afterAll(async () => {
  const down = await runCli(['network', 'down', '--dir', dir, '--json']);
  recordPids();
  // Every replica, member and watchtower any scenario started is gone — if `down` failed, by SIGKILL, and the test says so.
  const survivors = killSurvivors(startedPids);
  rmSync(dir, { recursive: true, force: true });
  expect(down.code, down.stderr).toBe(0);
  expect(survivors).toEqual([]);
}, 60_000);

describe('wedge scenario run', () => {
  it('lists the nine built-in scenarios', async () => {
    const listed = jsonOf(await runCli(['scenario', 'list', '--json'])) as { scenarios: { name: string }[] };
    expect(listed.scenarios.map((entry) => entry.name)).toEqual([
      'cooperative-close',
      'stale-terminate-challenged',
      'stale-terminate-watchtower',
      'wedge-restart-refuses',
      'silent-member',
      'conflicting-signatures',
      'splice-in',
      'splice-out',
      'deposit-then-dispute',
    ]);
    expect(BUILT_IN_SCENARIOS).toHaveLength(9);
  });

  it('cooperative-close: settles at once at the latest balances', async () => {
    const report = await runScenario('cooperative-close');
    expect(report.facts).toMatchObject({ finalVersion: 4, settledBalances: ['750', '1250'] });
  });

  it('stale-terminate-challenged: the honest members override a stale termination', async () => {
    const report = await runScenario('stale-terminate-challenged');
    expect(report.facts).toMatchObject({ newestVersion: 4, staleChallengeCode: 'STALE_STATE', settledBalances: ['600', '850', '1550'] });
  });

  it('stale-terminate-watchtower: the watchtower answers for the offline member', async () => {
    const report = await runScenario('stale-terminate-watchtower');
    expect(report.facts).toMatchObject({ newestVersion: 3, settledBalances: ['1250', '1250'] });
  });

  it('wedge-restart-refuses: a wedged member still refuses after a restart', async () => {
    const report = await runScenario('wedge-restart-refuses');
    expect(report.facts).toMatchObject({ lastVersion: 2, paymentViaWedgedMember: 'WEDGED', settledBalances: ['900', '1100'] });
  });

  it('silent-member: the others wedge after the progress timeout and settle', async () => {
    const report = await runScenario('silent-member');
    expect(report.facts).toMatchObject({ lastVersion: 2, settledBalances: ['800', '1300', '900'] });
  });

  it('conflicting-signatures: no conflicting certificate forms', async () => {
    const report = await runScenario('conflicting-signatures');
    expect(report.facts).toMatchObject({ lastVersion: 1, l1VerdictA: 'BAD_SIGNATURE', l1VerdictB: 'BAD_SIGNATURE', settledBalances: ['1200', '800', '1000'] });
  });

  it('splice-in: a top-up is spent off-chain, and a dispute settles on the newest state', async () => {
    const report = await runScenario('splice-in');
    expect(report.facts).toMatchObject({ depositVersion: 2, newestVersion: 4, settledBalances: ['2350', '350'] });
  });

  it('splice-out: a withdrawal, then a termination from before it is refused below the floor', async () => {
    const report = await runScenario('splice-out');
    expect(report.facts).toMatchObject({ withdrawalVersion: 2, staleTerminationCode: 'STALE_STATE', settledBalances: ['600', '800'] });
  });

  it('deposit-then-dispute: a deposit no state accounts for is refunded at settlement', async () => {
    const report = await runScenario('deposit-then-dispute');
    expect(report.facts).toMatchObject({ settledBalances: ['750', '1650'] });
  });

  it("a user's scenario file runs like a built-in one", async () => {
    const file = join(dir, 'my-scenario.ts');
    writeFileSync(
      file,
      `export default {
  name: 'my-scenario',
  description: 'one payment, then a cooperative close',
  async run(ctx) {
    const members = await ctx.fundedAccounts(2, 1000n);
    const channel = await ctx.openChannel({ members, deposits: [100n, 100n] });
    const version = await ctx.pay(channel, 0, 1, 30n);
    await ctx.requestClose(channel, 0);
    const record = await ctx.waitForL1(channel, 'closed', (entry) => entry.status === 'closed');
    ctx.fact('paid', record.settledBalances.map(String));
    ctx.check('paid 70 and 130 after one payment', version === 1 && String(record.settledBalances) === '70,130');
  },
};
`,
    );
    const report = await runScenario(file);
    expect(report).toMatchObject({ name: 'my-scenario', facts: { paid: ['70', '130'] } });
  });

  it('a scenario that fails a check exits 1 and says which', async () => {
    const file = join(dir, 'failing-scenario.ts');
    writeFileSync(file, `export const scenario = { name: 'failing', description: 'checks something false', async run(ctx) { ctx.check('one is two', 1 === 2, { one: 1 }); } };\n`);
    const run = await runCli(['scenario', 'run', file, '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL\s+failing/);
    expect(run.stdout).toMatch(/✗ one is two/);
  });
});

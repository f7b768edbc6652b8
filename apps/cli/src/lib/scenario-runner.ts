// Finding and running scenarios: a built-in one by name, or a user's file by
// path (a module exporting a scenario as `default` or `scenario`, checked
// against the scenario shape). A run needs a live network; it passes when the
// scenario finished without an error, recorded at least one check, and every
// check held. Whatever happens, the processes it started are stopped.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILT_IN_SCENARIOS } from '../scenarios/index.ts';
import { ScenarioShape, type Scenario } from '../scenarios/scenario.ts';
import { firstIssue } from './arguments.ts';
import { CliError, UsageError } from './cli-error.ts';
import { readGenesis, type Home } from './home.ts';
import { clientOf } from './network.ts';
import { ScenarioContext, type Check } from './scenario-context.ts';

export type ScenarioReport = {
  ok: boolean;
  name: string;
  description: string;
  durationMs: number;
  checks: Check[];
  facts: Record<string, unknown>;
  error: { code: string; message: string } | null;
};

function looksLikePath(reference: string): boolean {
  return reference.includes('/') || /\.(ts|mts|js|mjs)$/.test(reference);
}

export async function loadScenario(reference: string): Promise<Scenario> {
  const builtIn = BUILT_IN_SCENARIOS.find((scenario) => scenario.name === reference);
  if (builtIn !== undefined) return builtIn;
  if (!looksLikePath(reference)) {
    throw new UsageError(`no scenario named ${reference}; built in: ${BUILT_IN_SCENARIOS.map((scenario) => scenario.name).join(', ')} (or give a file path)`);
  }
  const path = resolve(reference);
  if (!existsSync(path)) throw new UsageError(`no scenario file ${path}`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new CliError('BAD_SCENARIO', `cannot load ${path}: ${(cause as Error).message}`, 1, { cause });
  }
  const parsed = ScenarioShape.safeParse(module.default ?? module.scenario);
  if (!parsed.success) throw new CliError('BAD_SCENARIO', `${path} must export a scenario { name, description, run(ctx) } as default or as "scenario": ${firstIssue(parsed.error)}`);
  return parsed.data;
}

/** Fails with a clear message unless a replica of the directory's network answers. */
async function requireLiveNetwork(home: Home): Promise<void> {
  readGenesis(home);
  try {
    await clientOf(home, 2_000).getStatus();
  } catch {
    throw new CliError('NETWORK_DOWN', `no replica of the network in ${home.dir} answers: run \`wedge network up --dir ${home.dir}\` first`);
  }
}

export async function runScenario(home: Home, scenario: Scenario, progress: (message: string) => void, timeoutMs: number): Promise<ScenarioReport> {
  await requireLiveNetwork(home);
  const genesis = readGenesis(home);
  const ctx = new ScenarioContext(home, clientOf(home), genesis.chainId, randomBytes(3).toString('hex'), progress);
  const started = Date.now();
  let error: ScenarioReport['error'] = null;
  let timer: NodeJS.Timeout | undefined;
  // Ctrl-C still stops the processes the scenario started.
  const onInterrupt = () => void ctx.cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onInterrupt);
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CliError('TIMEOUT', `the scenario did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    await Promise.race([scenario.run(ctx), timeout]);
  } catch (caught) {
    const code = (caught as { code?: unknown }).code;
    error = { code: typeof code === 'string' ? code : 'ERROR', message: caught instanceof Error ? caught.message : String(caught) };
    progress(`  ✗ stopped by an error: ${error.code}: ${error.message}`);
  } finally {
    clearTimeout(timer);
    process.removeListener('SIGINT', onInterrupt);
    await ctx.cleanup();
  }
  const ok = error === null && ctx.checks.length > 0 && ctx.checks.every((check) => check.ok);
  return { ok, name: scenario.name, description: scenario.description, durationMs: Date.now() - started, checks: ctx.checks, facts: ctx.facts, error };
}

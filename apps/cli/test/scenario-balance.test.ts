// ScenarioContext.balance: an answer as of a block before the one asked for is
// not taken — the read is asked again (each call of the client may reach
// another replica) until an answer as of that block or later comes, or the
// wait ends with TIMEOUT naming the block.
import { describe, expect, it } from 'vitest';
import type { AccountView } from '@wedge/api';
import type { WedgeClient } from '@wedge/client';
import { CliError } from '../src/lib/cli-error.ts';
import type { Home } from '../src/lib/home.ts';
import { ScenarioContext } from '../src/lib/scenario-context.ts';

const ADDRESS = 'ab'.repeat(20);

/** A context whose client's successive account answers are as of these heights (the last one repeats). */
function answering(heights: number[]): { ctx: ScenarioContext; calls: () => number } {
  let calls = 0;
  const client = {
    getAccount: async (address: string): Promise<AccountView> => {
      const height = heights[Math.min(calls, heights.length - 1)]!;
      calls += 1;
      return { address, balance: BigInt(height) * 10n, nonce: height, height };
    },
  } as unknown as WedgeClient;
  return { ctx: new ScenarioContext({} as Home, client, 'wedge-test', 'test', () => {}), calls: () => calls };
}

describe('ScenarioContext.balance', () => {
  it('asks again while the answers are as of earlier blocks, and takes the first one as of the block or later', async () => {
    const { ctx, calls } = answering([3, 2, 4, 6, 7]);
    expect(await ctx.balance(ADDRESS, 5)).toBe(60n);
    expect(calls()).toBe(4);
  });

  it('takes the first answer when it is as of the block asked for', async () => {
    const { ctx, calls } = answering([5]);
    expect(await ctx.balance(ADDRESS, 5)).toBe(50n);
    expect(calls()).toBe(1);
  });

  it('ends with TIMEOUT, naming the block, when no answer catches up in time', async () => {
    const { ctx } = answering([2]);
    const error = await ctx.balance(ADDRESS, 9, 300).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('TIMEOUT');
    expect((error as CliError).message).toMatch(/as of block 9 or later/);
  });
});

// accountAt: an answer as of a block before the one asked for is not taken —
// the read is asked again (each call of the client may reach another
// replica) until an answer as of that block or later comes, or the wait ends
// with TIMEOUT and the height it last saw.
import { describe, expect, it } from 'vitest';
import type { AccountView } from '@wedge/api';
import type { WedgeClient } from '@wedge/client';
import { accountAt } from '../src/lib/account-read.ts';
import { CliError } from '../src/lib/cli-error.ts';

const ADDRESS = 'ab'.repeat(20);

/** A client whose successive account answers are as of these heights (the last one repeats). */
function answering(heights: number[]): { client: WedgeClient; calls: () => number } {
  let calls = 0;
  const client = {
    getAccount: async (address: string): Promise<AccountView> => {
      const height = heights[Math.min(calls, heights.length - 1)]!;
      calls += 1;
      return { address, balance: BigInt(height) * 10n, nonce: height, height };
    },
  } as unknown as WedgeClient;
  return { client, calls: () => calls };
}

describe('accountAt', () => {
  it('asks again while the answers are as of earlier blocks, and returns the first one as of the block or later', async () => {
    const { client, calls } = answering([3, 2, 4, 6, 7]);
    const view = await accountAt(client, ADDRESS, 5);
    expect(view).toEqual({ address: ADDRESS, balance: 60n, nonce: 6, height: 6 });
    expect(calls()).toBe(4);
  });

  it('takes the first answer when it is as of the block asked for', async () => {
    const { client, calls } = answering([5]);
    expect((await accountAt(client, ADDRESS, 5)).height).toBe(5);
    expect(calls()).toBe(1);
  });

  it('ends with TIMEOUT, naming the last height seen, when no answer catches up in time', async () => {
    const { client } = answering([2]);
    const error = await accountAt(client, ADDRESS, 9, 250).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('TIMEOUT');
    expect((error as CliError).message).toMatch(/as of height 9 .*as of 2\)/);
  });
});

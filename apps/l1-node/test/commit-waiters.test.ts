import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommitWaiters } from '../src/commit-waiters.ts';

describe('commit waiters', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('answers each waiter once: when its block (or a later one) executes, else when its time is up', () => {
    const waiters = new CommitWaiters(10);
    const log: string[] = [];
    const wait = (name: string, height: number, ms: number) =>
      waiters.wait(height, ms, () => log.push(`${name} ready`), () => log.push(`${name} timed out`));
    wait('a', 5, 1_000);
    wait('b', 6, 1_000);
    wait('c', 9, 300);
    waiters.executed(4);
    expect(log).toEqual([]);
    waiters.executed(6);
    expect(log).toEqual(['a ready', 'b ready']);
    vi.advanceTimersByTime(300);
    expect(log).toEqual(['a ready', 'b ready', 'c timed out']);
    vi.advanceTimersByTime(5_000);
    waiters.executed(100);
    expect(log).toEqual(['a ready', 'b ready', 'c timed out']);
    expect(waiters.size).toBe(0);
  });

  it('a cancelled waiter is never answered, and cancelling twice or after the answer does nothing', () => {
    const waiters = new CommitWaiters(10);
    const log: string[] = [];
    const cancel = waiters.wait(3, 1_000, () => log.push('ready'), () => log.push('timed out'))!;
    cancel();
    cancel();
    waiters.executed(3);
    vi.advanceTimersByTime(2_000);
    expect(log).toEqual([]);
    const cancelLater = waiters.wait(3, 1_000, () => log.push('ready'), () => log.push('timed out'))!;
    waiters.executed(3);
    cancelLater();
    expect(log).toEqual(['ready']);
  });

  it('refuses a waiter beyond its bound, and makes room as waiters end', () => {
    const waiters = new CommitWaiters(2);
    const noop = () => undefined;
    expect(waiters.wait(1, 1_000, noop, noop)).not.toBeNull();
    expect(waiters.wait(2, 1_000, noop, noop)).not.toBeNull();
    expect(waiters.wait(3, 1_000, noop, noop)).toBeNull();
    waiters.executed(1);
    expect(waiters.wait(3, 1_000, noop, noop)).not.toBeNull();
    expect(waiters.size).toBe(2);
  });
});

// What the shell's timers guarantee a core: a timer comes back once, with its
// name and the token it was set with; setting a name again replaces the
// earlier timer (which never fires); clearing cancels; and at most one timer
// per name is ever pending.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenTimers } from '../src/token-timers.ts';

describe('TokenTimers', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('fires once with the name and token it was set with', () => {
    const fired: [string, number][] = [];
    const timers = new TokenTimers<string, number>((name, token) => fired.push([name, token]));
    timers.set('progress', 7, 100);
    timers.set('view-change', 8, 50);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([['view-change', 8]]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([['view-change', 8], ['progress', 7]]);
    vi.advanceTimersByTime(1_000);
    expect(fired).toHaveLength(2);
    expect(timers.size).toBe(0);
  });

  it('replaces a pending timer of the same name: only the newest fires', () => {
    const fired: number[] = [];
    const timers = new TokenTimers<string, number>((_name, token) => fired.push(token));
    timers.set('progress', 1, 100);
    vi.advanceTimersByTime(60);
    timers.set('progress', 2, 100);
    expect(timers.size).toBe(1);
    vi.advanceTimersByTime(60);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(40);
    expect(fired).toEqual([2]);
  });

  it('cancels by name, and all at once', () => {
    const fired: string[] = [];
    const timers = new TokenTimers<string, number>((name) => fired.push(name));
    timers.set('a', 1, 10);
    timers.set('b', 1, 10);
    timers.set('c', 1, 10);
    timers.clear('a');
    timers.clear('missing');
    vi.advanceTimersByTime(5);
    timers.clearAll();
    vi.advanceTimersByTime(100);
    expect(fired).toEqual([]);
    expect(timers.size).toBe(0);
  });
});

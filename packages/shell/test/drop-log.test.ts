// Proves a process's log of its core's dropped inputs counts each input and
// reason, says nothing when nothing was dropped, starts afresh after each line
// while the total since start keeps growing, and stops emitting when stopped.
import { describe, expect, it, vi } from 'vitest';
import { DropLog } from '../src/drop-log.ts';

describe('drop log', () => {
  it('counts per input and reason, one line per interval, nothing when quiet', () => {
    const log = new DropLog();
    expect(log.take()).toBeNull();
    log.add('prepare', 'DUPLICATE');
    log.add('prepare', 'DUPLICATE');
    log.add('complaint', 'BAD_SIGNATURE');
    expect(log.take()).toEqual({ intervalMs: 60_000, dropped: { 'complaint:BAD_SIGNATURE': 1, 'prepare:DUPLICATE': 2 } });
    expect(log.take()).toBeNull();
    log.add('request', 'NONCE_SPENT');
    expect(log.take()).toEqual({ intervalMs: 60_000, dropped: { 'request:NONCE_SPENT': 1 } });
    expect(log.dropped).toBe(4);
  });

  it('with a listener, emits a line per interval only when something was dropped, and stops', () => {
    vi.useFakeTimers();
    try {
      const lines: unknown[] = [];
      const log = new DropLog((line) => lines.push(line), 1_000);
      vi.advanceTimersByTime(1_000);
      expect(lines).toEqual([]);
      log.add('proposal', 'NOT_SEQUENCER');
      vi.advanceTimersByTime(1_000);
      expect(lines).toEqual([{ intervalMs: 1_000, dropped: { 'proposal:NOT_SEQUENCER': 1 } }]);
      log.stop();
      log.add('proposal', 'NOT_SEQUENCER');
      vi.advanceTimersByTime(5_000);
      expect(lines).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

// Proves the replica's log of dropped inputs counts each input and reason,
// says nothing when nothing was dropped, and starts afresh after each line
// while the total since start keeps growing.
import { describe, expect, it } from 'vitest';
import { DropLog } from '../src/drop-log.ts';

describe('drop log', () => {
  it('counts per input and reason, one line per interval, nothing when quiet', () => {
    const log = new DropLog();
    expect(log.take()).toBeNull();
    log.add('prepare', 'DUPLICATE');
    log.add('prepare', 'DUPLICATE');
    log.add('complaint', 'BAD_SIGNATURE');
    expect(log.take()).toEqual({ dropped: { 'complaint:BAD_SIGNATURE': 1, 'prepare:DUPLICATE': 2 } });
    expect(log.take()).toBeNull();
    log.add('request', 'NONCE_SPENT');
    expect(log.take()).toEqual({ dropped: { 'request:NONCE_SPENT': 1 } });
    expect(log.dropped).toBe(4);
  });
});

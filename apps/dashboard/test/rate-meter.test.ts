// Proves the rate meter counts each channel's new certified versions in the
// second they were seen, over a sliding minute: the first sighting of a
// channel counts nothing (its history is unknown), a version that goes
// backwards (a member restarted, another member answered) counts nothing, and
// seconds older than the window are forgotten.
import { describe, expect, it } from 'vitest';
import { RATE_WINDOW_SECONDS, RateMeter } from '../src/rate-meter.ts';

const SECOND = 1_000;
const T0 = 1_700_000_000 * SECOND;

describe('RateMeter', () => {
  it('counts increases per second, per channel, and ends at the last complete second', () => {
    const meter = new RateMeter();
    meter.observe('a', 10, T0);
    meter.observe('b', 3, T0 + 100);
    expect(meter.view(T0 + SECOND).perSecond.every((count) => count === 0)).toBe(true);
    meter.observe('a', 14, T0 + 500);
    meter.observe('b', 5, T0 + 600);
    meter.observe('a', 15, T0 + SECOND + 200);
    const view = meter.view(T0 + 2 * SECOND + 1);
    expect(view.perSecond).toHaveLength(RATE_WINDOW_SECONDS);
    expect(view.perSecond.slice(-2)).toEqual([6, 1]);
    expect(view.current).toBeCloseTo(7 / 3);
  });

  it('ignores versions that go backwards and forgets seconds older than the window', () => {
    const meter = new RateMeter();
    meter.observe('a', 10, T0);
    meter.observe('a', 4, T0 + 100);
    meter.observe('a', 12, T0 + 200);
    expect(meter.view(T0 + SECOND).perSecond.at(-1)).toBe(2);
    meter.observe('a', 13, T0 + (RATE_WINDOW_SECONDS + 5) * SECOND);
    const later = meter.view(T0 + (RATE_WINDOW_SECONDS + 6) * SECOND);
    expect(later.perSecond.reduce((sum, count) => sum + count, 0)).toBe(1);
  });
});

// The rate chart: an inline SVG line of certified updates per second over the
// last minute, scaled to a round maximum so the axis reads easily.
import type { Snapshot } from '../src/snapshot.ts';
import { fill, svg } from './dom.ts';

const WIDTH = 320;
const HEIGHT = 120;
const PAD = { left: 30, right: 6, top: 8, bottom: 18 };

/** 1, 2, 5, 10, 20, 50, ... at or above `value`. */
function roundUp(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

export function renderRate(snapshot: Snapshot): void {
  const values = snapshot.rate.perSecond;
  const top = roundUp(Math.max(...values, 0));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const x = (index: number) => PAD.left + (values.length <= 1 ? 0 : (index / (values.length - 1)) * plotWidth);
  const y = (value: number) => PAD.top + plotHeight - (value / top) * plotHeight;
  const points = values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`);
  const baseline = y(0).toFixed(1);
  const area = `M${x(0).toFixed(1)},${baseline} L${points.join(' L')} L${x(values.length - 1).toFixed(1)},${baseline} Z`;
  const grid = [0, 0.5, 1].map((fraction) => {
    const value = top * fraction;
    return [
      svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: 'grid' }),
      svg('text', { x: PAD.left - 4, y: y(value) + 3, class: 'axis', 'text-anchor': 'end' }, Number.isInteger(value) ? value : value.toFixed(1)),
    ];
  });
  fill(
    'rate-chart',
    svg(
      'svg',
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `${snapshot.rate.unit} per second over the last minute` },
      ...grid.flat(),
      svg('path', { d: area, class: 'area' }),
      svg('polyline', { points: points.join(' '), class: 'line' }),
      svg('text', { x: PAD.left, y: HEIGHT - 4, class: 'axis' }, '60 s ago'),
      svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 4, class: 'axis', 'text-anchor': 'end' }, 'now'),
    ),
  );
  const total = values.reduce((sum, value) => sum + value, 0);
  fill('rate-current', snapshot.rate.current.toFixed(1));
  fill('rate-caption', `${snapshot.rate.unit}/s · ${total} in the last minute`);
}

// A small SVG line chart, written by hand (no plotting dependency): panels
// side by side, each with its own axes (linear or log), one polyline and
// markers per series, and a legend. Enough for the benchmark's growth plots.

export type Series = { readonly name: string; readonly points: readonly (readonly [number, number])[] };
export type Panel = {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly series: readonly Series[];
};

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const PANEL_WIDTH = 360;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 58, right: 14, top: 34, bottom: 92 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function formatTick(value: number): string {
  if (value >= 1_000_000) return `${+(value / 1_000_000).toPrecision(3)}M`;
  if (value >= 1_000) return `${+(value / 1_000).toPrecision(3)}k`;
  return String(+value.toPrecision(3));
}

/** Tick values over [min, max]: powers of ten on a log axis, about five round steps on a linear one. */
function ticks(min: number, max: number, log: boolean): number[] {
  if (log) {
    const values: number[] = [];
    for (let exponent = Math.floor(Math.log10(min)); exponent <= Math.ceil(Math.log10(max)); exponent++) values.push(10 ** exponent);
    return values;
  }
  const span = max - min || 1;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const nice = [1, 2, 5, 10].map((factor) => factor * step).find((candidate) => span / candidate <= 6)!;
  const values: number[] = [];
  for (let value = Math.ceil(min / nice) * nice; value <= max + nice * 1e-9; value += nice) values.push(+value.toPrecision(12));
  return values;
}

function axisRange(values: readonly number[], log: boolean): [number, number] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (log) return [10 ** Math.floor(Math.log10(min)), 10 ** Math.ceil(Math.log10(max))];
  const low = Math.min(0, min);
  return [low, max === low ? low + 1 : max * 1.08];
}

function renderPanel(panel: Panel, offsetX: number): string {
  const plotWidth = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = panel.series.flatMap((series) => series.points.map(([x]) => x));
  const ys = panel.series.flatMap((series) => series.points.map(([, y]) => y));
  const [xMin, xMax] = axisRange(xs, panel.logX ?? false);
  const [yMin, yMax] = axisRange(ys, panel.logY ?? false);
  const scale = (value: number, min: number, max: number, log: boolean): number =>
    log ? (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (value - min) / (max - min);
  const px = (x: number): number => offsetX + MARGIN.left + scale(x, xMin, xMax, panel.logX ?? false) * plotWidth;
  const py = (y: number): number => MARGIN.top + plotHeight - scale(y, yMin, yMax, panel.logY ?? false) * plotHeight;
  const parts: string[] = [];
  parts.push(`<text x="${offsetX + PANEL_WIDTH / 2}" y="18" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`);
  parts.push(`<rect x="${offsetX + MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`);
  for (const tick of ticks(xMin, xMax, panel.logX ?? false)) {
    const x = px(tick).toFixed(1);
    parts.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotHeight}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${MARGIN.top + plotHeight + 14}" text-anchor="middle" font-size="10">${formatTick(tick)}</text>`);
  }
  for (const tick of ticks(yMin, yMax, panel.logY ?? false)) {
    const y = py(tick).toFixed(1);
    parts.push(`<line x1="${offsetX + MARGIN.left}" y1="${y}" x2="${offsetX + MARGIN.left + plotWidth}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${offsetX + MARGIN.left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="10">${formatTick(tick)}</text>`);
  }
  parts.push(`<text x="${offsetX + MARGIN.left + plotWidth / 2}" y="${MARGIN.top + plotHeight + 30}" text-anchor="middle" font-size="11">${escapeXml(panel.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(${offsetX + 14} ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(panel.yLabel)}</text>`,
  );
  panel.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length]!;
    const path = series.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [x, y] of series.points) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`);
    const legendY = MARGIN.top + plotHeight + 46 + index * 14;
    parts.push(`<line x1="${offsetX + MARGIN.left}" y1="${legendY - 4}" x2="${offsetX + MARGIN.left + 16}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${offsetX + MARGIN.left + 22}" y="${legendY}" font-size="10">${escapeXml(series.name)}</text>`);
  });
  return parts.join('\n');
}

/** One SVG document with the panels side by side. */
export function renderSvg(panels: readonly Panel[], caption: string): string {
  const width = PANEL_WIDTH * panels.length;
  const height = PANEL_HEIGHT + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((panel, index) => renderPanel(panel, index * PANEL_WIDTH)),
    `<text x="6" y="${height - 6}" font-size="10" fill="#555">${escapeXml(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

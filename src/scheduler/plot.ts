/** Minimal SVG charts for replay results: no browser or plotting library needed. */

export interface Series {
  readonly label: string;
  /** [x, y] points, drawn in order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Fixed axis ranges; default: the data's extent. */
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
}

export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: ReadonlyArray<{ readonly label: string; readonly values: readonly number[] }>;
}

const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 70, right: 170, top: 40, bottom: 60 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick values: 1, 2 or 5 × a power of ten, about five of them. */
function ticks(min: number, max: number): number[] {
  const span = max - min || 1;
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const result: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) result.push(Math.round(v * 1e6) / 1e6);
  return result;
}

function frame(title: string, xLabel: string, yLabel: string, body: string[]): string {
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
    `<text x="${MARGIN.left + (WIDTH - MARGIN.left - MARGIN.right) / 2}" y="${HEIGHT - 15}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(18 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function legend(labels: readonly string[]): string[] {
  return labels.flatMap((label, i) => {
    const y = MARGIN.top + 10 + i * 20;
    const x = WIDTH - MARGIN.right + 15;
    return [
      `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${COLOURS[i % COLOURS.length]}"/>`,
      `<text x="${x + 20}" y="${y}">${escapeXml(label)}</text>`,
    ];
  });
}

function axes(xTicks: readonly number[], yTicks: readonly number[], sx: (x: number) => number, sy: (y: number) => number): string[] {
  const bottom = HEIGHT - MARGIN.bottom;
  const right = WIDTH - MARGIN.right;
  return [
    ...yTicks.flatMap((v) => [
      `<line x1="${MARGIN.left}" x2="${right}" y1="${sy(v)}" y2="${sy(v)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${sy(v) + 4}" text-anchor="end">${v}</text>`,
    ]),
    ...xTicks.map((v) => `<text x="${sx(v)}" y="${bottom + 18}" text-anchor="middle">${v}</text>`),
    `<line x1="${MARGIN.left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}" stroke="black"/>`,
  ];
}

export function renderLineChart(chart: LineChart): string {
  const xs = chart.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = chart.series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = chart.xRange ?? [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = chart.yRange ?? [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * (WIDTH - MARGIN.left - MARGIN.right);
  const sy = (y: number): number => HEIGHT - MARGIN.bottom - ((y - y0) / (y1 - y0 || 1)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const lines = chart.series.map((s, i) => {
    const d = s.points
      .filter(([x, y]) => x >= x0 && x <= x1 && y >= y0 && y <= y1)
      .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
      .join(' ');
    return `<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2"/>`;
  });
  return frame(chart.title, chart.xLabel, chart.yLabel, [
    ...axes(ticks(x0, x1), ticks(y0, y1), sx, sy),
    ...lines,
    ...legend(chart.series.map((s) => s.label)),
  ]);
}

export function renderBarChart(chart: BarChart): string {
  const max = Math.max(1e-9, ...chart.series.flatMap((s) => s.values));
  const y1 = ticks(0, max).at(-1) ?? max;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const groupWidth = plotWidth / Math.max(1, chart.groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);
  const sy = (y: number): number => HEIGHT - MARGIN.bottom - (y / y1) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const bars = chart.series.flatMap((s, i) =>
    s.values.map((v, g) => {
      const x = MARGIN.left + g * groupWidth + groupWidth * 0.1 + i * barWidth;
      return `<rect x="${x.toFixed(1)}" y="${sy(v).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(sy(0) - sy(v)).toFixed(1)}" fill="${COLOURS[i % COLOURS.length]}"><title>${escapeXml(`${s.label}: ${v}`)}</title></rect>`;
    }),
  );
  const labels = chart.groups.map(
    (g, i) => `<text x="${(MARGIN.left + (i + 0.5) * groupWidth).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${escapeXml(g)}</text>`,
  );
  return frame(chart.title, '', chart.yLabel, [...axes([], ticks(0, y1), () => 0, sy), ...bars, ...labels, ...legend(chart.series.map((s) => s.label))]);
}

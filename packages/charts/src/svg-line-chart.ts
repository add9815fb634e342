import { formatTick, linearTicks, logTicks, niceLinearDomain, niceLogDomain } from './chart-ticks.js';

/**
 * How an axis maps values to positions.
 *
 * @example
 * ```ts
 * const panel: ChartPanel = { xScale: 'log' as AxisScale, series: [{ x: [1e-3, 1e-1], y: [1, 0.5] }] };
 * ```
 */
export type AxisScale = 'linear' | 'log';

/**
 * One line of a {@link ChartPanel}.
 *
 * @example
 * ```ts
 * const lr: LineSeries = { label: 'lr', x: [0, 1, 2], y: [0.1, 0.5, 0.2], dashed: false };
 * ```
 */
export interface LineSeries {
  /** The name shown in the legend (the legend appears when a panel has two or more named series). */
  readonly label?: string;
  /** The x values; default `0, 1, 2, …` (the index of each y value). */
  readonly x?: readonly number[];
  /** The y values. Non-finite values (and values ≤ 0 on a log axis) break the line. */
  readonly y: readonly number[];
  /** A CSS colour; default the next colour of the palette. */
  readonly color?: string;
  /** Draw the line dashed. */
  readonly dashed?: boolean;
}

/**
 * A labelled point drawn on top of a panel's lines (for example the suggested learning rate).
 *
 * @example
 * ```ts
 * const valley: PointMarker = { x: 1e-2, y: 0.45, label: 'valley' };
 * ```
 */
export interface PointMarker {
  /** The x value. */
  readonly x: number;
  /** The y value. */
  readonly y: number;
  /** A text shown next to the point. */
  readonly label?: string;
  /** A CSS colour; default red. */
  readonly color?: string;
}

/**
 * One plot of a {@link lineChartSvg} figure; several panels are laid out side by side.
 *
 * @example
 * ```ts
 * const panel: ChartPanel = { title: 'loss', xLabel: 'lr', xScale: 'log', series: [{ x: lrs, y: losses }] };
 * lineChartSvg([panel]);
 * ```
 */
export interface ChartPanel {
  /** The panel's title, above the plot. */
  readonly title?: string;
  /** The x-axis label. */
  readonly xLabel?: string;
  /** The y-axis label. */
  readonly yLabel?: string;
  /** `'linear'` (default) or `'log'`. */
  readonly xScale?: AxisScale;
  /** `'linear'` (default) or `'log'`. */
  readonly yScale?: AxisScale;
  /** A fixed x range; default the data's range, widened to round ticks. */
  readonly xDomain?: readonly [number, number];
  /** A fixed y range; default the data's range, widened to round ticks. */
  readonly yDomain?: readonly [number, number];
  /** The lines. */
  readonly series: readonly LineSeries[];
  /** Labelled points. */
  readonly markers?: readonly PointMarker[];
}

/**
 * Size and look of a {@link lineChartSvg} figure.
 *
 * @example
 * ```ts
 * lineChartSvg([panel], { panelWidth: 420, height: 300, title: "1cycle" } satisfies LineChartOptions);
 * ```
 */
export interface LineChartOptions {
  /** Width of each panel in pixels (default 420). */
  readonly panelWidth?: number;
  /** Height of the panels in pixels (default 300). */
  readonly height?: number;
  /** A title above all panels. */
  readonly title?: string;
  /** Font size in pixels (default 12). */
  readonly fontSize?: number;
  /** Font family (default a system sans-serif stack). */
  readonly fontFamily?: string;
  /** Background colour (default white; `'none'` for transparent). */
  readonly background?: string;
  /** The series colour palette (default the ten classic plotting colours). */
  readonly colors?: readonly string[];
  /** Prefix of the element ids (clip paths), to keep several charts on one page apart (default `'lc'`). */
  readonly idPrefix?: string;
}

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

const MARGIN = { left: 64, right: 16, bottom: 44 };

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

interface Axis {
  readonly domain: [number, number];
  readonly ticks: number[];
  readonly map: (value: number) => number;
  readonly valid: (value: number) => boolean;
  readonly format: (value: number) => string;
}

function makeAxis(
  values: number[],
  scale: AxisScale,
  fixed: readonly [number, number] | undefined,
  range: [number, number],
  tickCount: number,
): Axis {
  const isLog = scale === 'log';
  const valid = isLog ? (v: number) => Number.isFinite(v) && v > 0 : (v: number) => Number.isFinite(v);
  let domain: [number, number];
  if (fixed) {
    domain = [fixed[0], fixed[1]];
  } else {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      if (!valid(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min > max) [min, max] = isLog ? [1, 10] : [0, 1];
    domain = isLog ? niceLogDomain(min, max) : niceLinearDomain(min, max, tickCount);
  }
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const t0 = isLog ? Math.log10(d0) : d0;
  const t1 = isLog ? Math.log10(d1) : d1;
  const k = t1 === t0 ? 0 : (r1 - r0) / (t1 - t0);
  const map = isLog ? (v: number) => r0 + (Math.log10(v) - t0) * k : (v: number) => r0 + (v - t0) * k;
  const lo = Math.min(d0, d1);
  const hi = Math.max(d0, d1);
  const ticks = (isLog ? logTicks(lo, hi) : linearTicks(lo, hi, tickCount)).filter(
    (t) => t >= lo - Math.abs(hi - lo) * 1e-9 && t <= hi + Math.abs(hi - lo) * 1e-9,
  );
  const exponential = isLog && hi / lo > 1e3;
  return { domain, ticks, map, valid, format: (v: number) => formatTick(v, exponential) };
}

function linePath(xs: readonly number[], ys: readonly number[], xAxis: Axis, yAxis: Axis): string {
  let d = '';
  let pen = false;
  const count = Math.min(xs.length, ys.length);
  for (let i = 0; i < count; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (!xAxis.valid(x) || !yAxis.valid(y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${num(xAxis.map(x))} ${num(yAxis.map(y))}`;
    pen = true;
  }
  return d;
}

function renderPanel(
  panel: ChartPanel,
  index: number,
  width: number,
  height: number,
  fontSize: number,
  colors: readonly string[],
  idPrefix: string,
): string {
  const top = panel.title ? fontSize * 2.5 : fontSize;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - top - MARGIN.bottom;
  const xs: number[] = [];
  const ys: number[] = [];
  const seriesX = panel.series.map((s) => s.x ?? s.y.map((_, i) => i));
  panel.series.forEach((s, i) => {
    xs.push(...seriesX[i]!);
    ys.push(...s.y);
  });
  for (const m of panel.markers ?? []) {
    xs.push(m.x);
    ys.push(m.y);
  }
  const xAxis = makeAxis(xs, panel.xScale ?? 'linear', panel.xDomain, [0, plotW], Math.max(2, plotW / 80));
  const yAxis = makeAxis(ys, panel.yScale ?? 'linear', panel.yDomain, [plotH, 0], Math.max(2, plotH / 50));
  const clipId = `${idPrefix}-clip-${index}`;
  const out: string[] = [];
  out.push(`<g transform="translate(${num(index * width + MARGIN.left)},${num(top)})">`);
  out.push(
    `<clipPath id="${escapeXml(clipId)}"><rect width="${num(plotW)}" height="${num(plotH)}"/></clipPath>`,
  );
  // grid and ticks
  for (const t of xAxis.ticks) {
    const x = num(xAxis.map(t));
    out.push(`<line x1="${x}" x2="${x}" y1="0" y2="${num(plotH)}" stroke="#e6e6e6"/>`);
    out.push(`<line x1="${x}" x2="${x}" y1="${num(plotH)}" y2="${num(plotH + 5)}" stroke="#333"/>`);
    out.push(
      `<text x="${x}" y="${num(plotH + 7 + fontSize)}" text-anchor="middle" fill="#333">${escapeXml(xAxis.format(t))}</text>`,
    );
  }
  for (const t of yAxis.ticks) {
    const y = num(yAxis.map(t));
    out.push(`<line x1="0" x2="${num(plotW)}" y1="${y}" y2="${y}" stroke="#e6e6e6"/>`);
    out.push(`<line x1="-5" x2="0" y1="${y}" y2="${y}" stroke="#333"/>`);
    out.push(
      `<text x="-8" y="${y}" dy="0.35em" text-anchor="end" fill="#333">${escapeXml(yAxis.format(t))}</text>`,
    );
  }
  out.push(`<rect width="${num(plotW)}" height="${num(plotH)}" fill="none" stroke="#333"/>`);
  // lines
  out.push(
    `<g clip-path="url(#${escapeXml(clipId)})" fill="none" stroke-width="1.75" stroke-linejoin="round">`,
  );
  panel.series.forEach((s, i) => {
    const d = linePath(seriesX[i]!, s.y, xAxis, yAxis);
    if (!d) return;
    const color = s.color ?? colors[i % colors.length]!;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path d="${d}" stroke="${escapeXml(color)}"${dash}/>`);
  });
  out.push('</g>');
  // markers
  for (const m of panel.markers ?? []) {
    if (!xAxis.valid(m.x) || !yAxis.valid(m.y)) continue;
    const x = xAxis.map(m.x);
    const y = yAxis.map(m.y);
    if (x < -0.5 || x > plotW + 0.5 || y < -0.5 || y > plotH + 0.5) continue;
    const color = escapeXml(m.color ?? '#d62728');
    out.push(`<circle cx="${num(x)}" cy="${num(y)}" r="4" fill="${color}" stroke="#fff" stroke-width="1"/>`);
    if (m.label) {
      const right = x > plotW * 0.7;
      out.push(
        `<text x="${num(right ? x - 7 : x + 7)}" y="${num(y - 7)}" text-anchor="${right ? 'end' : 'start'}" fill="${color}">${escapeXml(m.label)}</text>`,
      );
    }
  }
  // legend
  const named = panel.series
    .map((s, i) => ({ label: s.label, color: s.color ?? colors[i % colors.length]!, dashed: s.dashed }))
    .filter((s) => s.label);
  if (named.length >= 2) {
    const rowH = fontSize * 1.4;
    const boxW = 30 + Math.max(...named.map((s) => s.label!.length)) * fontSize * 0.6;
    const boxH = named.length * rowH + fontSize * 0.5;
    out.push(`<g transform="translate(${num(plotW - boxW - 6)},6)">`);
    out.push(
      `<rect width="${num(boxW)}" height="${num(boxH)}" fill="#fff" fill-opacity="0.85" stroke="#ccc"/>`,
    );
    named.forEach((s, i) => {
      const y = num(fontSize * 0.25 + rowH * (i + 0.5));
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      out.push(
        `<line x1="6" x2="24" y1="${y}" y2="${y}" stroke="${escapeXml(s.color)}" stroke-width="2"${dash}/>`,
      );
      out.push(`<text x="30" y="${y}" dy="0.35em" fill="#333">${escapeXml(s.label!)}</text>`);
    });
    out.push('</g>');
  }
  // labels
  if (panel.title) {
    out.push(
      `<text x="${num(plotW / 2)}" y="${num(-fontSize)}" text-anchor="middle" font-weight="bold" fill="#222">${escapeXml(panel.title)}</text>`,
    );
  }
  if (panel.xLabel) {
    out.push(
      `<text x="${num(plotW / 2)}" y="${num(plotH + 10 + fontSize * 2.2)}" text-anchor="middle" fill="#222">${escapeXml(panel.xLabel)}</text>`,
    );
  }
  if (panel.yLabel) {
    out.push(
      `<text transform="translate(${num(-MARGIN.left + fontSize)},${num(plotH / 2)}) rotate(-90)" text-anchor="middle" fill="#222">${escapeXml(panel.yLabel)}</text>`,
    );
  }
  out.push('</g>');
  return out.join('');
}

/**
 * A dependency-free SVG line chart: one or more panels side by side, each with any number of
 * lines, linear or log axes with round ticks, grid, axis labels, a legend and labelled point
 * markers. Used for the 1cycle schedule plot, the learning-rate finder plot and the recorder's
 * plots, so they all look alike.
 *
 * @param panels - One panel or an array of panels, drawn left to right.
 * @param options - Size, title, font and colours.
 * @returns A complete `<svg>` document as a string (write it to a `.svg` file or put it in HTML).
 * @throws RangeError if there is no panel or a size is not a positive number.
 * @example
 * ```ts
 * import { lineChartSvg } from '@onecycle/charts';
 * const lrs = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1];
 * const svg = lineChartSvg(
 *   {
 *     xLabel: 'learning rate',
 *     yLabel: 'loss',
 *     xScale: 'log',
 *     series: [{ x: lrs, y: [0.7, 0.68, 0.5, 0.3, 2.1] }],
 *     markers: [{ x: 1e-3, y: 0.5, label: 'suggested' }],
 *   },
 *   { title: 'LR finder' },
 * );
 * ```
 */
export function lineChartSvg(
  panels: ChartPanel | readonly ChartPanel[],
  options: LineChartOptions = {},
): string {
  const list: readonly ChartPanel[] = Array.isArray(panels) ? panels : [panels as ChartPanel];
  if (list.length === 0) throw new RangeError('lineChartSvg: panels must hold at least one panel (got none)');
  const panelWidth = options.panelWidth ?? 420;
  const height = options.height ?? 300;
  const fontSize = options.fontSize ?? 12;
  for (const [name, value] of [
    ['panelWidth', panelWidth],
    ['height', height],
    ['fontSize', fontSize],
  ] as const) {
    if (!(value > 0 && Number.isFinite(value))) {
      throw new RangeError(`lineChartSvg: options.${name} must be a positive number (got ${String(value)})`);
    }
  }
  const colors = options.colors && options.colors.length > 0 ? options.colors : PALETTE;
  const fontFamily =
    options.fontFamily ?? 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';
  const titleH = options.title ? fontSize * 2.2 : 0;
  const width = panelWidth * list.length;
  const total = height + titleH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(total)}" viewBox="0 0 ${num(width)} ${num(total)}" font-family="${escapeXml(fontFamily)}" font-size="${num(fontSize)}">`,
  );
  const background = options.background ?? '#fff';
  if (background !== 'none') parts.push(`<rect width="100%" height="100%" fill="${escapeXml(background)}"/>`);
  if (options.title) {
    parts.push(
      `<text x="${num(width / 2)}" y="${num(fontSize * 1.5)}" text-anchor="middle" font-size="${num(fontSize * 1.25)}" font-weight="bold" fill="#222">${escapeXml(options.title)}</text>`,
    );
  }
  parts.push(`<g transform="translate(0,${num(titleH)})">`);
  list.forEach((panel, i) => {
    parts.push(renderPanel(panel, i, panelWidth, height, fontSize, colors, options.idPrefix ?? 'lc'));
  });
  parts.push('</g></svg>');
  return parts.join('\n');
}

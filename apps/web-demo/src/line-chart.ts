/**
 * A small wrapper around uPlot for the demo's charts: live data (redrawn at most once per frame),
 * a log or linear x axis, one or two y scales, labelled vertical markers, click-to-pick and a width
 * that follows its container.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { decadeLabel, legendValue } from './axis-format.js';
import type { Columns } from './chart-data.js';

/**
 * One line of a chart.
 *
 * @example
 * ```ts
 * const s: SeriesSpec = { label: 'momentum', color: '#d97706', scale: 'y2' };
 * ```
 */
export interface SeriesSpec {
  label: string;
  color: string;
  /** The y scale: 'y' (left axis, default) or 'y2' (right axis). */
  scale?: 'y' | 'y2';
  /** Draw points only (for sparse series such as accuracy per epoch). */
  points?: boolean;
}

/**
 * A labelled vertical line at an x value.
 *
 * @example
 * ```ts
 * chart.setMarkers([{ x: 3e-3, label: 'valley', color: '#059669' }]);
 * ```
 */
export interface Marker {
  x: number;
  label: string;
  color: string;
}

/**
 * How to build a {@link LineChart}.
 *
 * @example
 * ```ts
 * const o: LineChartOptions = { xLabel: 'lr', yLabel: 'loss', logX: true, series: [{ label: 'loss', color: '#2563eb' }] };
 * ```
 */
export interface LineChartOptions {
  xLabel: string;
  yLabel: string;
  y2Label?: string;
  series: SeriesSpec[];
  logX?: boolean;
  /** Fixed or computed y range; default: fit the data. */
  yRange?: (min: number, max: number) => [number, number];
  y2Range?: [number, number];
  height?: number;
  /** Called with the x value under the pointer when the plot is clicked. */
  onPick?: (x: number) => void;
}

const AXIS_STROKE = '#4b5563';

const GRID = { stroke: '#e5e7eb', width: 1 };

/**
 * A live line chart.
 *
 * @example
 * ```ts
 * const chart = new LineChart(el, { xLabel: 'batch', yLabel: 'loss', series: [{ label: 'loss', color: '#2563eb' }] });
 * chart.setData([[0, 1, 2], [0.7, 0.5, 0.4]]);
 * ```
 */
export class LineChart {
  private readonly plot: uPlot;
  private markers: Marker[] = [];
  private pending: Columns | null = null;
  private frame = 0;
  private readonly resizer: ResizeObserver;
  private points = 0;

  constructor(
    private readonly container: HTMLElement,
    options: LineChartOptions,
  ) {
    const width = Math.max(240, container.clientWidth);
    const scales: uPlot.Scales = {
      x: options.logX ? { time: false, distr: 3, log: 10 } : { time: false },
      y: options.yRange ? { range: (_u, min, max) => options.yRange!(min, max) } : {},
    };
    const axes: uPlot.Axis[] = [
      {
        label: options.xLabel,
        stroke: AXIS_STROKE,
        grid: GRID,
        ticks: GRID,
        ...(options.logX ? { values: (_u: uPlot, splits: number[]) => splits.map(decadeLabel) } : {}),
      },
      { label: options.yLabel, stroke: AXIS_STROKE, grid: GRID, ticks: GRID, size: 56 },
    ];
    if (options.y2Label) {
      scales.y2 = options.y2Range ? { range: options.y2Range } : {};
      axes.push({
        scale: 'y2',
        side: 1,
        label: options.y2Label,
        stroke: AXIS_STROKE,
        grid: { show: false },
        size: 56,
      });
    }
    const series: uPlot.Series[] = [
      { label: options.xLabel, value: (_u, v) => legendValue(v) },
      ...options.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          value: (_u: uPlot, v: number | null) => legendValue(v),
          width: 2,
          scale: s.scale ?? 'y',
          spanGaps: false,
          ...(s.points
            ? { paths: () => null, points: { show: true, size: 9, fill: s.color } }
            : { points: { show: false } }),
        }),
      ),
    ];
    const opts: uPlot.Options = {
      width,
      height: options.height ?? 240,
      scales,
      axes,
      series,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      hooks: { draw: [(u) => this.drawMarkers(u)] },
    };
    this.plot = new uPlot(opts, [[], ...options.series.map(() => [])] as uPlot.AlignedData, container);
    if (options.onPick) {
      const pick = options.onPick;
      this.plot.over.style.cursor = 'crosshair';
      this.plot.over.addEventListener('click', () => {
        const left = this.plot.cursor.left;
        if (left === undefined || left < 0) return;
        const x = this.plot.posToVal(left, 'x');
        if (Number.isFinite(x)) pick(x);
      });
    }
    // Resize on the next frame, not inside the observer's callback: resizing there changes the
    // layout the observer is reporting on (a "ResizeObserver loop" error).
    let resizeFrame = 0;
    this.resizer = new ResizeObserver(() => {
      if (resizeFrame !== 0) return;
      resizeFrame = requestAnimationFrame(() => {
        resizeFrame = 0;
        const w = Math.max(240, this.container.clientWidth);
        if (w !== this.plot.width) this.plot.setSize({ width: w, height: this.plot.height });
      });
    });
    this.resizer.observe(container);
    container.dataset.points = '0';
  }

  /** Replaces the data; the redraw happens on the next animation frame. */
  setData(columns: Columns): void {
    this.pending = columns;
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => this.flush());
    }
  }

  /** Draws pending data now (e.g. at the end of a run). */
  flush(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.pending === null) return;
    const data = this.pending;
    this.pending = null;
    this.plot.setData(data as uPlot.AlignedData);
    this.points = data[0].length;
    // Read by the end-to-end test to check that the chart really holds data.
    this.container.dataset.points = String(this.points);
  }

  /** Number of x values drawn. */
  get pointCount(): number {
    return this.points;
  }

  /** Sets the labelled vertical markers. */
  setMarkers(markers: Marker[]): void {
    this.markers = markers;
    this.plot.redraw(false);
  }

  /** Removes the chart. */
  destroy(): void {
    this.resizer.disconnect();
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.plot.destroy();
  }

  private drawMarkers(u: uPlot): void {
    if (this.markers.length === 0) return;
    const ctx = u.ctx;
    const { top, height } = u.bbox;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.font = `${12 * dpr}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    this.markers.forEach((m, i) => {
      const x = u.valToPos(m.x, 'x', true);
      if (!Number.isFinite(x)) return;
      ctx.strokeStyle = m.color;
      ctx.fillStyle = m.color;
      ctx.lineWidth = 1.5 * dpr;
      ctx.setLineDash([5 * dpr, 4 * dpr]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      // Labels go right of their line, or left of it near the right edge of the plot.
      const width = ctx.measureText(m.label).width;
      const right = u.bbox.left + u.bbox.width;
      const lx = x + 4 * dpr + width > right ? x - 4 * dpr - width : x + 4 * dpr;
      ctx.fillText(m.label, lx, top + (4 + 16 * i) * dpr);
    });
    ctx.restore();
  }
}

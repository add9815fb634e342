import { type ChartPanel, type LineChartOptions, type LineSeries, lineChartSvg } from '@onecycle/charts';
import type { RecorderData } from './recorder.js';

/**
 * Options of {@link plotLrSvg} (and `Recorder.plotLr`).
 *
 * @example
 * ```ts
 * const opts: PlotLrOptions = { showMoms: true };
 * ```
 */
export interface PlotLrOptions {
  /** Add a second panel with the momentum (default false). */
  showMoms?: boolean;
  /** Size, title and colours of the figure. */
  chart?: LineChartOptions;
}

/**
 * Options of {@link plotLossesSvg} (and `Recorder.plotLosses`).
 *
 * @example
 * ```ts
 * const opts: PlotLossesOptions = { showRaw: true, skipStart: 5 };
 * ```
 */
export interface PlotLossesOptions {
  /** Also draw the raw (unsmoothed) batch losses (default false). */
  showRaw?: boolean;
  /** Leave out the first batches (default 0). */
  skipStart?: number;
  /** Leave out the last batches (default 0). */
  skipEnd?: number;
  /** Size, title and colours of the figure. */
  chart?: LineChartOptions;
}

/**
 * Options of {@link plotMetricsSvg} (and `Recorder.plotMetrics`).
 *
 * @example
 * ```ts
 * const opts: PlotMetricsOptions = { names: ['accuracy'] };
 * ```
 */
export interface PlotMetricsOptions {
  /** Which metrics (default all, one panel each). */
  names?: string[];
  /** Size, title and colours of the figure. */
  chart?: LineChartOptions;
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

/**
 * The learning rate per training batch (every parameter group when there are several), and the
 * momentum in a second panel when `showMoms`, as an SVG string.
 *
 * @example
 * ```ts
 * fs.writeFileSync('lr.svg', plotLrSvg(recorder.toJSON(), { showMoms: true }));
 * ```
 */
export function plotLrSvg(data: RecorderData, options: PlotLrOptions = {}): string {
  if (data.lrs.length === 0) throw new Error('plotLr: nothing recorded yet (no training batch ran)');
  const nGroups = Math.max(1, ...data.groupLrs.map((g) => g.length));
  const iters = range(data.lrs.length);
  const series: LineSeries[] =
    nGroups > 1
      ? range(nGroups).map((g) => ({
          label: `group ${g}`,
          x: iters,
          y: data.groupLrs.map((l) => l[g] ?? Number.NaN),
        }))
      : [{ x: iters, y: data.lrs }];
  const panels: ChartPanel[] = [{ title: 'learning rate', xLabel: 'iteration', yLabel: 'lr', series }];
  if (options.showMoms) {
    panels.push({
      title: 'momentum',
      xLabel: 'iteration',
      yLabel: 'mom',
      series: [{ x: iters, y: data.moms }],
    });
  }
  return lineChartSvg(panels, options.chart);
}

/**
 * The training loss per batch (smoothed; raw too when `showRaw`) and the validation loss at the
 * end of each epoch, against the iteration, as an SVG string (fastai's `plot_losses`).
 *
 * @example
 * ```ts
 * fs.writeFileSync('losses.svg', plotLossesSvg(recorder.toJSON()));
 * ```
 */
export function plotLossesSvg(data: RecorderData, options: PlotLossesOptions = {}): string {
  const n = data.losses.length;
  if (n === 0) throw new Error('plotLosses: nothing recorded yet (no training batch ran)');
  const skipStart = options.skipStart ?? 0;
  const skipEnd = options.skipEnd ?? 0;
  for (const [k, v] of [
    ['skipStart', skipStart],
    ['skipEnd', skipEnd],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`plotLosses: ${k} must be an integer ≥ 0, got ${v}`);
  }
  if (skipStart + skipEnd >= n) {
    throw new RangeError(
      `plotLosses: skipStart + skipEnd (${skipStart + skipEnd}) leaves none of the ${n} batches`,
    );
  }
  const iters = range(n - skipStart - skipEnd, skipStart);
  const series: LineSeries[] = [];
  if (options.showRaw) {
    series.push({
      label: 'train (raw)',
      x: iters,
      y: data.losses.slice(skipStart, n - skipEnd),
      color: '#aec7e8',
    });
  }
  series.push({
    label: 'train',
    x: iters,
    y: data.smoothLosses.slice(skipStart, n - skipEnd),
    color: '#1f77b4',
  });
  const valid = data.epochs.filter((e) => typeof e.validLoss === 'number' && Number.isFinite(e.validLoss));
  const markers = valid.map((e) => ({ x: e.iteration, y: e.validLoss, color: '#ff7f0e' }));
  if (valid.length > 0) {
    series.push({
      label: 'valid',
      x: valid.map((e) => e.iteration),
      y: valid.map((e) => e.validLoss),
      color: '#ff7f0e',
    });
  }
  return lineChartSvg(
    { title: 'losses', xLabel: 'iteration', yLabel: 'loss', series, markers },
    options.chart,
  );
}

/**
 * Each metric against the epoch, one panel per metric, as an SVG string (fastai's `plot_metrics`).
 *
 * @example
 * ```ts
 * fs.writeFileSync('metrics.svg', plotMetricsSvg(recorder.toJSON()));
 * ```
 */
export function plotMetricsSvg(data: RecorderData, options: PlotMetricsOptions = {}): string {
  const names = options.names ?? data.metricNames;
  if (names.length === 0) throw new Error('plotMetrics: there are no metrics to plot');
  for (const name of names) {
    if (!data.metricNames.includes(name)) {
      throw new RangeError(
        `plotMetrics: unknown metric "${name}"; recorded: ${data.metricNames.join(', ') || 'none'}`,
      );
    }
  }
  const epochs = data.epochs.map((e) => e.epoch);
  const panels: ChartPanel[] = names.map((name) => {
    const y = data.epochs.map((e) => {
      const v = e.metrics[name];
      return typeof v === 'number' ? v : Number.NaN;
    });
    return {
      title: name,
      xLabel: 'epoch',
      yLabel: name,
      series: [{ x: epochs, y }],
      markers: epochs.map((x, i) => ({ x, y: y[i]!, color: '#1f77b4' })),
    };
  });
  return lineChartSvg(panels, options.chart);
}

import {
  type ChartPanel,
  type LineChartOptions,
  type LineSeries,
  lineChartSvg,
  type PointMarker,
} from '@onecycle/charts';
import type { Suggestions } from './suggest-lrs.js';

/**
 * Options of {@link lrFindPlotSvg} (and `LRFindResult.plot`).
 *
 * @example
 * ```ts
 * const o: LrFindPlotOptions = { skipStart: 0, skipEnd: 5, suggestions: ['valley'] };
 * ```
 */
export interface LrFindPlotOptions {
  /** Points left out at the start (default: the suggestions' window start). */
  skipStart?: number;
  /** Points left out at the end (default 5, as fastai's plot). */
  skipEnd?: number;
  /** Which suggestions to mark (default all that exist). */
  suggestions?: readonly (keyof Suggestions)[];
  /** Also draw the raw (unsmoothed) losses (default false). */
  showRaw?: boolean;
  /** Size, title and colours of the figure. */
  chart?: LineChartOptions;
}

/**
 * The data {@link lrFindPlotSvg} draws (an `LRFindResult` is one).
 *
 * @example
 * ```ts
 * const c: LrFindCurve = { lrs: [1e-4, 1e-3, 1e-2], losses: [0.7, 0.5, 0.9] };
 * ```
 */
export interface LrFindCurve {
  /** Learning rate per iteration. */
  lrs: readonly number[];
  /** Smoothed loss per iteration. */
  losses: readonly number[];
  /** Raw loss per iteration. */
  rawLosses?: readonly number[];
  /** Validation-batch loss per iteration, if measured. */
  validLosses?: readonly number[];
  /** The suggestions to mark. */
  suggestions?: Suggestions;
  /** Default window start. */
  skipStart?: number;
}

const COLORS: Record<keyof Suggestions, string> = {
  valley: '#ff7f0e',
  slide: '#2ca02c',
  steep: '#d62728',
  minimum: '#9467bd',
};

/**
 * The LR-finder plot as an SVG string: the smoothed loss against the learning rate on a log axis
 * (plus the validation-batch losses when measured), each suggestion marked and labelled with its
 * learning rate.
 *
 * @example
 * ```ts
 * fs.writeFileSync('lr-find.svg', lrFindPlotSvg(result));
 * ```
 */
export function lrFindPlotSvg(curve: LrFindCurve, options: LrFindPlotOptions = {}): string {
  const n = curve.lrs.length;
  if (n === 0) throw new Error('lrFindPlot: the curve is empty (the range test ran no iteration)');
  const skipStart = options.skipStart ?? curve.skipStart ?? 0;
  let skipEnd = options.skipEnd ?? 5;
  for (const [k, v] of [
    ['skipStart', skipStart],
    ['skipEnd', skipEnd],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`lrFindPlot: ${k} must be an integer ≥ 0, got ${v}`);
  }
  if (skipStart >= n)
    throw new RangeError(`lrFindPlot: skipStart (${skipStart}) leaves none of the ${n} points`);
  // A short curve (the range test diverged early) is still drawn: skipEnd never removes everything.
  skipEnd = Math.min(skipEnd, n - skipStart - 1);
  const cut = (xs: readonly number[]) => xs.slice(skipStart, n - skipEnd);
  const x = cut(curve.lrs);
  const series: LineSeries[] = [];
  if (options.showRaw && curve.rawLosses)
    series.push({ label: 'raw', x, y: cut(curve.rawLosses), color: '#aec7e8' });
  series.push({ label: 'train (smoothed)', x, y: cut(curve.losses), color: '#1f77b4' });
  if (curve.validLosses && curve.validLosses.length === n) {
    series.push({ label: 'valid batch', x, y: cut(curve.validLosses), color: '#7f7f7f', dashed: true });
  }
  const markers: PointMarker[] = [];
  const which = options.suggestions ?? (['valley', 'slide', 'steep', 'minimum'] as const);
  for (const name of which) {
    const s = curve.suggestions?.[name];
    if (!s) continue;
    markers.push({ x: s.pointLr, y: s.loss, label: `${name} ${s.lr.toExponential(2)}`, color: COLORS[name] });
  }
  const panel: ChartPanel = {
    title: 'learning rate finder',
    xLabel: 'learning rate',
    yLabel: 'loss',
    xScale: 'log',
    series,
    markers,
  };
  return lineChartSvg(panel, options.chart);
}

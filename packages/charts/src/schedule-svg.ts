import {
  HYPERPARAMETER_NAMES,
  type HyperparameterName,
  type HyperValues,
  type Schedule,
} from '@onecycle/annealing';
import { type ChartPanel, type LineChartOptions, type LineSeries, lineChartSvg } from './svg-line-chart.js';

/**
 * Options of {@link scheduleSvg}.
 *
 * @example
 * ```ts
 * import type { ScheduleSvgOptions } from '@onecycle/charts';
 * const options: ScheduleSvgOptions = { logLr: true, maxPoints: 200, title: '1cycle' };
 * ```
 */
export interface ScheduleSvgOptions extends LineChartOptions {
  /** At most this many points per line (evenly spaced steps, always with the first and last); default 1000. */
  readonly maxPoints?: number;
  /** Plot the learning rate on a log axis. */
  readonly logLr?: boolean;
  /** Names of the parameter groups for the legend (default `group 0`, `group 1`, …). */
  readonly groupNames?: readonly string[];
}

const TITLES: Record<HyperparameterName, string> = {
  lr: 'learning rate',
  mom: 'momentum',
  beta: 'beta',
  wd: 'weight decay',
};

/** A step's values by hyperparameter; a schedule of numbers (or one per group) is a learning rate. */
function asRecord(value: number | readonly number[] | HyperValues): HyperValues {
  return typeof value === 'number' || Array.isArray(value)
    ? { lr: value as number | readonly number[] }
    : (value as HyperValues);
}

/**
 * An SVG figure of any schedule over the steps `0 … totalSteps − 1`: one panel per
 * hyperparameter the schedule drives (learning rate, momentum, beta, weight decay, in that order),
 * one line per parameter group. A schedule of plain numbers (or of one number per group) is drawn
 * as a learning rate.
 *
 * @param schedule - Any schedule of numbers, of arrays (one per group) or of `{ lr, mom, … }` records.
 * @param options - Size, title, log axis, group names; see {@link ScheduleSvgOptions}.
 * @returns A complete `<svg>` document.
 * @throws RangeError if `maxPoints` is not an integer ≥ 2.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { scheduleSvg } from '@onecycle/charts';
 * import { oneCycle } from '@onecycle/one-cycle';
 * writeFileSync('schedule.svg', scheduleSvg(oneCycle({ lrMax: 5e-2, totalSteps: 386 })));
 * ```
 */
export function scheduleSvg(
  schedule: Schedule<number | readonly number[] | HyperValues>,
  options: ScheduleSvgOptions = {},
): string {
  const maxPoints = options.maxPoints ?? 1000;
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`scheduleSvg: maxPoints must be an integer ≥ 2 (got ${String(maxPoints)})`);
  }
  const last = schedule.totalSteps - 1;
  const steps: number[] = [];
  if (last + 1 <= maxPoints) {
    for (let s = 0; s <= last; s++) steps.push(s);
  } else {
    for (let i = 0; i < maxPoints; i++) steps.push(Math.round((i * last) / (maxPoints - 1)));
  }
  const values = steps.map((s) => asRecord(schedule.at(s)));
  const panels: ChartPanel[] = [];
  for (const name of HYPERPARAMETER_NAMES) {
    if (!values.some((v) => v[name] !== undefined)) continue;
    const first = values.find((v) => v[name] !== undefined)![name]!;
    const groups = typeof first === 'number' ? 1 : first.length;
    const series: LineSeries[] = [];
    for (let g = 0; g < groups; g++) {
      const label = groups > 1 ? (options.groupNames?.[g] ?? `group ${g}`) : undefined;
      series.push({
        x: steps,
        y: values.map((v) => {
          const x = v[name];
          return x === undefined ? Number.NaN : typeof x === 'number' ? x : x[g]!;
        }),
        ...(label === undefined ? {} : { label }),
      });
    }
    panels.push({
      title: TITLES[name],
      xLabel: 'iteration',
      yLabel: TITLES[name],
      series,
      ...(name === 'lr' && options.logLr ? { yScale: 'log' as const } : {}),
    });
  }
  const { maxPoints: _m, logLr: _l, groupNames: _g, ...chart } = options;
  return lineChartSvg(panels, { idPrefix: 'schedule', ...chart });
}

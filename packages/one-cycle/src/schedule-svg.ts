import { type ChartPanel, type LineChartOptions, type LineSeries, lineChartSvg } from '@onecycle/annealing';
import type { HyperSchedule } from './schedule-types.js';

/**
 * Options of {@link scheduleSvg}.
 *
 * @example
 * ```ts
 * scheduleSvg(oneCycle({ lrMax: 1e-2, totalSteps: 386 }), { logLr: true, maxPoints: 200 });
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

/**
 * An SVG figure of a schedule: the learning rate (left) and the momentum (right) over the
 * training steps `0 … totalSteps − 1`, one line per parameter group. The momentum panel is left
 * out when the schedule does not drive momentum. Drawn with `lineChartSvg` from
 * `@onecycle/annealing`.
 *
 * @param schedule - Any schedule with `totalSteps` and `at(step)`.
 * @param options - Size, title, log axis, group names; see {@link ScheduleSvgOptions}.
 * @returns A complete `<svg>` document.
 * @throws RangeError if `maxPoints` is not an integer ≥ 2.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { oneCycle, scheduleSvg } from '@onecycle/one-cycle';
 * writeFileSync('schedule.svg', scheduleSvg(oneCycle({ lrMax: 5e-2, totalSteps: 386 })));
 * ```
 */
export function scheduleSvg(schedule: HyperSchedule, options: ScheduleSvgOptions = {}): string {
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
  const values = steps.map((s) => schedule.at(s));
  const first = values[0]!;
  const groups = Array.isArray(first.lr) ? first.lr.length : 1;
  const lrSeries: LineSeries[] = [];
  for (let g = 0; g < groups; g++) {
    const label = groups > 1 ? (options.groupNames?.[g] ?? `group ${g}`) : undefined;
    lrSeries.push({
      x: steps,
      y: values.map((v) => (Array.isArray(v.lr) ? v.lr[g]! : (v.lr as number))),
      ...(label === undefined ? {} : { label }),
    });
  }
  const panels: ChartPanel[] = [
    {
      title: 'learning rate',
      xLabel: 'iteration',
      yLabel: 'learning rate',
      series: lrSeries,
      ...(options.logLr ? { yScale: 'log' as const } : {}),
    },
  ];
  if (values.some((v) => v.mom !== undefined)) {
    panels.push({
      title: 'momentum',
      xLabel: 'iteration',
      yLabel: 'momentum',
      series: [{ x: steps, y: values.map((v) => v.mom ?? Number.NaN) }],
    });
  }
  const { maxPoints: _m, logLr: _l, groupNames: _g, ...chart } = options;
  return lineChartSvg(panels, { idPrefix: 'schedule', ...chart });
}

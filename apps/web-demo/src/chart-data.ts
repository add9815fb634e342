/**
 * Shapes training records into the column arrays the charts draw (uPlot takes `[xs, ...ys]`).
 * Pure functions: no DOM, no tfjs.
 */

/**
 * One x column and one or more y columns; `null` leaves a gap.
 *
 * @example
 * ```ts
 * const c: Columns = [[0, 1], [0.7, null]]; // x, then one y column with a gap
 * ```
 */
export type Columns = [number[], ...(number | null)[][]];

/**
 * A value a chart can draw: finite numbers pass, NaN and ±Infinity become gaps.
 *
 * @example
 * ```ts
 * finiteOrNull(Number.NaN); // null
 * ```
 */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * What a 1cycle schedule gives at a step (the lr may be per layer group: the last group is drawn).
 *
 * @example
 * ```ts
 * const p: SchedulePoint = { lr: [1e-3, 1e-2], mom: 0.9 };
 * ```
 */
export interface SchedulePoint {
  lr: number | readonly number[];
  mom: number;
}

/**
 * The lr of the last parameter group (the head, whose lr is the one chosen as lrMax).
 *
 * @example
 * ```ts
 * headLr([1e-4, 1e-3]); // 1e-3
 * ```
 */
export function headLr(lr: number | readonly number[]): number {
  if (typeof lr === 'number') return lr;
  const last = lr[lr.length - 1];
  if (last === undefined) throw new RangeError('lr must hold at least one parameter group');
  return last;
}

/**
 * Samples a schedule at up to `maxPoints` evenly spaced steps from 0 to `totalSteps` (both ends
 * included) and returns `[steps, lr, mom]`.
 *
 * @example
 * ```ts
 * const [steps, lrs, moms] = sampleSchedule((s) => ({ lr: s / 10, mom: 0.9 }), 10, 3);
 * // steps = [0, 5, 10], lrs = [0, 0.5, 1]
 * ```
 */
export function sampleSchedule(
  at: (step: number) => SchedulePoint,
  totalSteps: number,
  maxPoints = 400,
): [number[], number[], number[]] {
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) {
    throw new RangeError(`totalSteps must be a positive integer, got ${totalSteps}`);
  }
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2)) {
    throw new RangeError(`maxPoints must be an integer ≥ 2, got ${maxPoints}`);
  }
  const n = Math.min(maxPoints, totalSteps + 1);
  const steps: number[] = [];
  const lrs: number[] = [];
  const moms: number[] = [];
  let previous = -1;
  for (let i = 0; i < n; i++) {
    const step = Math.round((i * totalSteps) / (n - 1));
    if (step === previous) continue;
    previous = step;
    const p = at(step);
    steps.push(step);
    lrs.push(headLr(p.lr));
    moms.push(p.mom);
  }
  return [steps, lrs, moms];
}

/**
 * The LR finder's curve for a log-x chart: drops `skipStart` first and `skipEnd` last points (as
 * fastai's plot does) and points whose lr is not positive; losses that are not finite become gaps.
 *
 * @example
 * ```ts
 * lrFinderColumns([1e-5, 1e-4, 1e-3], [0.7, 0.6, NaN], 0, 0); // [[1e-5, 1e-4, 1e-3], [0.7, 0.6, null]]
 * ```
 */
export function lrFinderColumns(
  lrs: readonly number[],
  losses: readonly number[],
  skipStart = 0,
  skipEnd = 0,
): Columns {
  if (lrs.length !== losses.length) {
    throw new RangeError(`lrs and losses must have the same length, got ${lrs.length} and ${losses.length}`);
  }
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  const end = Math.max(skipStart, lrs.length - skipEnd);
  for (let i = skipStart; i < end; i++) {
    const lr = lrs[i]!;
    if (!(lr > 0 && Number.isFinite(lr))) continue;
    xs.push(lr);
    ys.push(finiteOrNull(losses[i]!));
  }
  return [xs, ys];
}

/**
 * A y range for a loss curve that keeps the interesting part visible when the loss explodes at the
 * end of a range test: from the smallest loss to at most `headroom` times the first finite loss.
 * Returns null when there is no finite loss.
 *
 * @example
 * ```ts
 * lossRange([0.7, 0.5, 0.3, 40]); // ≈ [0.26, 1.09]: 0.3 up to 0.7 × 1.5, padded by 5%
 * ```
 */
export function lossRange(losses: readonly (number | null)[], headroom = 1.5): [number, number] | null {
  const finite = losses.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return null;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const cap = finite[0]! * headroom;
  const top = Math.max(Math.min(max, cap), min);
  const pad = top === min ? Math.abs(min) * 0.1 || 0.1 : (top - min) * 0.05;
  return [min - pad, top + pad];
}

/**
 * A growing series for live charts: appends points and hands out columns for the chart.
 *
 * @example
 * ```ts
 * const s = new LiveSeries(2);
 * s.push(0, [0.7, 0.01]);
 * s.columns(); // [[0], [0.7], [0.01]]
 * ```
 */
export class LiveSeries {
  private readonly xs: number[] = [];
  private readonly ys: (number | null)[][];

  constructor(readonly nSeries: number) {
    if (!(Number.isInteger(nSeries) && nSeries >= 1)) {
      throw new RangeError(`nSeries must be a positive integer, got ${nSeries}`);
    }
    this.ys = Array.from({ length: nSeries }, () => []);
  }

  /** Number of points so far. */
  get length(): number {
    return this.xs.length;
  }

  /** Appends one x and one value per series (non-finite values become gaps). */
  push(x: number, values: readonly number[]): void {
    if (values.length !== this.nSeries) {
      throw new RangeError(`values must hold ${this.nSeries} numbers, got ${values.length}`);
    }
    this.xs.push(x);
    values.forEach((v, i) => {
      this.ys[i]!.push(finiteOrNull(v));
    });
  }

  /** Removes every point. */
  clear(): void {
    this.xs.length = 0;
    for (const y of this.ys) y.length = 0;
  }

  /** The columns for the chart (copies, so the chart may keep them). */
  columns(): Columns {
    return [this.xs.slice(), ...this.ys.map((y) => y.slice())];
  }
}

/**
 * Series over a fixed range of steps `0..nSteps-1`, filled in any order (for runs that share the x
 * axis, e.g. a 1cycle run and a constant-lr run drawn on one chart). Unset values are gaps.
 *
 * @example
 * ```ts
 * const s = new StepSeries(3, 2);
 * s.set(0, 1, 0.5);
 * s.columns(); // [[0, 1, 2], [null, 0.5, null], [null, null, null]]
 * ```
 */
export class StepSeries {
  private readonly ys: (number | null)[][];
  private filled = 0;

  constructor(
    readonly nSteps: number,
    readonly nSeries: number,
  ) {
    if (!(Number.isInteger(nSteps) && nSteps >= 1))
      throw new RangeError(`nSteps must be a positive integer, got ${nSteps}`);
    if (!(Number.isInteger(nSeries) && nSeries >= 1)) {
      throw new RangeError(`nSeries must be a positive integer, got ${nSeries}`);
    }
    this.ys = Array.from({ length: nSeries }, () => new Array<number | null>(nSteps).fill(null));
  }

  /** Number of values set (finite or not). */
  get count(): number {
    return this.filled;
  }

  /** Sets series `series` at `step` (non-finite values become gaps). */
  set(series: number, step: number, value: number): void {
    const column = this.ys[series];
    if (column === undefined) throw new RangeError(`series must be in [0, ${this.nSeries}), got ${series}`);
    if (!(Number.isInteger(step) && step >= 0 && step < this.nSteps)) {
      throw new RangeError(`step must be an integer in [0, ${this.nSteps}), got ${step}`);
    }
    column[step] = finiteOrNull(value);
    this.filled++;
  }

  /** Fills a whole series from a function of the step. */
  fill(series: number, f: (step: number) => number): void {
    for (let step = 0; step < this.nSteps; step++) this.set(series, step, f(step));
  }

  /** The columns for the chart (copies). */
  columns(): Columns {
    return [Array.from({ length: this.nSteps }, (_, i) => i), ...this.ys.map((y) => y.slice())];
  }
}

import type { HyperparameterName } from '@onecycle/annealing';
import {
  type PlotLossesOptions,
  type PlotLrOptions,
  type PlotMetricsOptions,
  plotLossesSvg,
  plotLrSvg,
  plotMetricsSvg,
} from './recorder-plots.js';
import type { Callback, HyperparamTarget, TrainState } from './types.js';

/**
 * What the {@link Recorder} keeps about one epoch.
 *
 * @example
 * ```ts
 * const e: EpochRecord = recorder.epochs[0]!;
 * console.log(e.epoch, e.smoothLoss, e.validLoss, e.metrics.accuracy, e.seconds);
 * ```
 */
export interface EpochRecord {
  /** The epoch, 0-based. */
  epoch: number;
  /** Mean training loss of the epoch. */
  trainLoss: number;
  /** Smoothed training loss at the end of the epoch (fastai's `train_loss` column). */
  smoothLoss: number;
  /** Validation loss (NaN, `null` in JSON, when validation was skipped). */
  validLoss: number;
  /** Metric values by name (empty when validation was skipped). */
  metrics: Record<string, number>;
  /** Wall-clock seconds the epoch took, validation included. */
  seconds: number;
  /** Training batches run in this epoch. */
  batches: number;
  /** Training batches run since the start of the run, at the end of this epoch. */
  iteration: number;
}

/**
 * The {@link Recorder}'s data as plain, serialisable JSON (NaN becomes `null` when stringified).
 *
 * @example
 * ```ts
 * const data: RecorderData = recorder.toJSON();
 * JSON.stringify(data);
 * ```
 */
export interface RecorderData {
  /** Learning rate of parameter group 0, per training batch. */
  lrs: number[];
  /** Learning rates of every parameter group, per training batch. */
  groupLrs: number[][];
  /** Momentum (SGD) or beta1 (Adam) of group 0, per training batch (NaN if the optimizer has none). */
  moms: number[];
  /** Raw training loss per batch. */
  losses: number[];
  /** Smoothed training loss per batch. */
  smoothLosses: number[];
  /** One record per epoch that ended. */
  epochs: EpochRecord[];
  /** Names of the metrics, in the order they first appeared. */
  metricNames: string[];
  /** Why a callback stopped the run, if one did. */
  stopReason?: string;
}

/**
 * Options of {@link Recorder}.
 *
 * @example
 * ```ts
 * new Recorder({ now: () => Date.now() });
 * ```
 */
export interface RecorderOptions {
  /** A clock in milliseconds (default `performance.now()`). */
  now?: () => number;
}

function readGroup(opt: HyperparamTarget, name: HyperparameterName): number[] {
  try {
    const v = opt.get(name);
    return Array.isArray(v) ? [...v] : [Number.NaN];
  } catch {
    return [Number.NaN];
  }
}

function defaultNow(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * Records a training run: per training batch the learning rates (group 0 and every group), the
 * momentum, the raw and smoothed loss; per epoch the mean and smoothed training loss, the
 * validation loss, the metrics and the time. It starts afresh at every `onTrainBegin`. Runs at
 * order −10 and reads the hyperparameters on `onBatchEnd`, so it sees the values the batch
 * was trained with, before a scheduler sets the next ones. The plots (`plotLr`, `plotLosses`,
 * `plotMetrics`) are SVG strings.
 *
 * @example
 * ```ts
 * const recorder = new Recorder();
 * await runTrainingLoop({ ...hooks, callbacks: [recorder, new ParamScheduler(schedule)] });
 * recorder.lrs.length === recorder.losses.length; // true
 * fs.writeFileSync('losses.svg', recorder.plotLosses());
 * ```
 */
export class Recorder implements Callback {
  readonly name = 'recorder';
  readonly order = -10;
  /** Learning rate of group 0 per training batch. */
  lrs: number[] = [];
  /** Learning rates of every group per training batch. */
  groupLrs: number[][] = [];
  /** Momentum (or Adam's beta1) of group 0 per training batch. */
  moms: number[] = [];
  /** Raw training loss per batch. */
  losses: number[] = [];
  /** Smoothed training loss per batch. */
  smoothLosses: number[] = [];
  /** One record per finished epoch. */
  epochs: EpochRecord[] = [];
  /** Metric names in order of appearance. */
  metricNames: string[] = [];
  /** Why the run was stopped by a callback, if it was. */
  stopReason: string | undefined;

  private readonly now: () => number;
  private epochStart = 0;
  private epochBatches = 0;

  /**
   * @param options - An injectable clock (for tests).
   * @example
   * ```ts
   * const recorder = new Recorder();
   * ```
   */
  constructor(options: RecorderOptions = {}) {
    this.now = options.now ?? defaultNow;
  }

  /**
   * Clears everything recorded.
   * @example
   * ```ts
   * recorder.reset();
   * ```
   */
  reset(): void {
    this.lrs = [];
    this.groupLrs = [];
    this.moms = [];
    this.losses = [];
    this.smoothLosses = [];
    this.epochs = [];
    this.metricNames = [];
    this.stopReason = undefined;
  }

  /**
   * Starts a new record (clears the previous run).
   * @example
   * ```ts
   * recorder.onTrainBegin();
   * ```
   */
  onTrainBegin(): void {
    this.reset();
  }

  /**
   * Starts the epoch's clock.
   * @example
   * ```ts
   * recorder.onEpochBegin();
   * ```
   */
  onEpochBegin(): void {
    this.epochStart = this.now();
    this.epochBatches = 0;
  }

  /**
   * Records a training batch's hyperparameters and losses.
   * @example
   * ```ts
   * recorder.onBatchEnd(state);
   * ```
   */
  onBatchEnd(state: TrainState): void {
    if (!state.train) return;
    const lrs = readGroup(state.host.opt, 'lr');
    this.groupLrs.push(lrs);
    this.lrs.push(lrs[0] ?? Number.NaN);
    this.moms.push(readGroup(state.host.opt, 'mom')[0] ?? Number.NaN);
    this.losses.push(state.lastLoss);
    this.smoothLosses.push(state.smoothLoss);
    this.epochBatches += 1;
  }

  /**
   * Records the epoch: losses, metrics, seconds.
   * @example
   * ```ts
   * recorder.onEpochEnd(state);
   * ```
   */
  onEpochEnd(state: TrainState): void {
    const metrics = state.skipValidate ? {} : { ...state.metrics };
    for (const k of Object.keys(metrics)) if (!this.metricNames.includes(k)) this.metricNames.push(k);
    this.epochs.push({
      epoch: state.epoch,
      trainLoss: state.trainLoss,
      smoothLoss: state.smoothLoss,
      validLoss: state.skipValidate ? Number.NaN : state.validLoss,
      metrics,
      seconds: (this.now() - this.epochStart) / 1000,
      batches: this.epochBatches,
      iteration: this.losses.length,
    });
  }

  /**
   * Keeps the reason a callback stopped the run.
   * @example
   * ```ts
   * recorder.onTrainEnd(state);
   * ```
   */
  onTrainEnd(state: TrainState): void {
    this.stopReason = state.stopReason;
  }

  /**
   * Validation loss per finished epoch (NaN where validation was skipped).
   * @example
   * ```ts
   * recorder.validLosses; // [0.31, 0.22]
   * ```
   */
  get validLosses(): number[] {
    return this.epochs.map((e) => e.validLoss);
  }

  /**
   * One metric's values per finished epoch (NaN where it is missing).
   * @example
   * ```ts
   * recorder.metric('accuracy'); // [0.95, 0.97]
   * ```
   */
  metric(name: string): number[] {
    return this.epochs.map((e) => e.metrics[name] ?? Number.NaN);
  }

  /**
   * The recorded data as plain JSON-ready objects (copies).
   * @example
   * ```ts
   * JSON.stringify({ recorder }); // uses toJSON
   * ```
   */
  toJSON(): RecorderData {
    const data: RecorderData = {
      lrs: [...this.lrs],
      groupLrs: this.groupLrs.map((g) => [...g]),
      moms: [...this.moms],
      losses: [...this.losses],
      smoothLosses: [...this.smoothLosses],
      epochs: this.epochs.map((e) => ({ ...e, metrics: { ...e.metrics } })),
      metricNames: [...this.metricNames],
    };
    if (this.stopReason !== undefined) data.stopReason = this.stopReason;
    return data;
  }

  /**
   * The learning rate per batch (and the momentum with `showMoms`) as an SVG string.
   * @example
   * ```ts
   * fs.writeFileSync('lr.svg', recorder.plotLr({ showMoms: true }));
   * ```
   */
  plotLr(options: PlotLrOptions = {}): string {
    return plotLrSvg(this.toJSON(), options);
  }

  /**
   * Smoothed (and optionally raw) training losses and the validation losses as an SVG string.
   * @example
   * ```ts
   * fs.writeFileSync('losses.svg', recorder.plotLosses({ showRaw: true }));
   * ```
   */
  plotLosses(options: PlotLossesOptions = {}): string {
    return plotLossesSvg(this.toJSON(), options);
  }

  /**
   * The metrics by epoch, one panel each, as an SVG string.
   * @example
   * ```ts
   * fs.writeFileSync('metrics.svg', recorder.plotMetrics());
   * ```
   */
  plotMetrics(options: PlotMetricsOptions = {}): string {
    return plotMetricsSvg(this.toJSON(), options);
  }

  /**
   * A Recorder holding the given data (for example parsed back from JSON, where NaN was `null`).
   * @example
   * ```ts
   * const r = Recorder.fromJSON(JSON.parse(text).recorder);
   * r.plotLosses();
   * ```
   */
  static fromJSON(data: RecorderData): Recorder {
    if (data == null || !Array.isArray(data.losses) || !Array.isArray(data.epochs)) {
      throw new TypeError('Recorder.fromJSON: data must be RecorderData (with losses and epochs arrays)');
    }
    const num = (x: number | null | undefined): number => (typeof x === 'number' ? x : Number.NaN);
    const r = new Recorder();
    r.lrs = (data.lrs ?? []).map(num);
    r.groupLrs = (data.groupLrs ?? []).map((g) => g.map(num));
    r.moms = (data.moms ?? []).map(num);
    r.losses = data.losses.map(num);
    r.smoothLosses = (data.smoothLosses ?? []).map(num);
    r.epochs = data.epochs.map((e) => ({
      ...e,
      trainLoss: num(e.trainLoss),
      smoothLoss: num(e.smoothLoss),
      validLoss: num(e.validLoss),
      seconds: num(e.seconds),
      metrics: Object.fromEntries(Object.entries(e.metrics ?? {}).map(([k, v]) => [k, num(v)])),
    }));
    r.metricNames = [...(data.metricNames ?? [])];
    r.stopReason = data.stopReason;
    return r;
  }
}

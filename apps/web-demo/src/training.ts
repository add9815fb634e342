/**
 * The page's training runs, on @onecycle/learner: the LR range test, fitOneCycle, a constant-lr fit
 * and the timing of one full epoch, each on a fresh simpleCnn([3, 16, 16, 2]); a callback reports
 * every batch and epoch to the page and yields to the browser so the charts update live.
 */
import type { Callback, TrainState } from '@onecycle/callbacks';
import { accuracy, Learner } from '@onecycle/learner';
import { simpleCnn } from '@onecycle/models';
import * as tf from '@tensorflow/tfjs-core';
import { type Columns, headLr, lrFinderColumns } from './chart-data.js';
import type { DemoData } from './data.js';
import { MNIST_SIDE } from './digit-preprocess.js';
import { pctStartOption } from './one-cycle-schedule.js';
import type { EpochRow } from './results-table.js';
import type { OneCycleInputs } from './settings.js';
import { yieldToBrowser } from './yield-to-browser.js';

/** One training batch, as the page sees it. */
export interface BatchEvent {
  iteration: number;
  epoch: number;
  nEpochs: number;
  numBatch: number;
  nBatches: number;
  /** Loss of this batch. */
  loss: number;
  smoothLoss: number;
  /** lr and momentum of the head layer group for this batch. */
  lr: number;
  mom: number;
}

/** One finished epoch. */
export type EpochEvent = EpochRow;

/** How the page follows and stops a run. */
export interface RunControl {
  onBatch(e: BatchEvent): void;
  onEpoch(e: EpochEvent): void;
  shouldStop(): boolean;
}

/** What a fit gives back. */
export interface RunResult {
  rows: EpochRow[];
  iterations: number;
  stopped: boolean;
}

/** A suggested learning rate of the range test. */
export interface LrSuggestion {
  name: string;
  lr: number;
  description: string;
}

/** What the range test gives back. */
export interface LrFindResult {
  columns: Columns;
  suggestions: LrSuggestion[];
  iterations: number;
  stoppedEarly: boolean;
}

/** The timing of one full epoch. */
export interface EpochTiming {
  seconds: number;
  trainSeconds: number;
  validSeconds: number;
  accuracy: number;
  trainImages: number;
  validImages: number;
  stopped: boolean;
}

/** The model of the demo: fastai's simple_cnn((3, 16, 16, 2)), seeded. */
function makeModel(seed: number) {
  return simpleCnn([3, 16, 16, 2], undefined, undefined, false, { seed });
}

/** Timestamps of a run, taken by {@link liveCallback}. */
interface RunClock {
  epochStart: number;
  lastBatchEnd: number;
  trainSeconds: number[];
  validSeconds: number[];
}

/**
 * The page's callback: reports batches and epochs, stops on request or on a NaN loss (remembered
 * in `nan`), and yields to the browser after every batch.
 */
function liveCallback(
  control: RunControl,
  rows: EpochRow[],
  clock: RunClock,
  nan: { at?: { iteration: number; lr: number } },
): Callback {
  return {
    name: 'web-demo-live',
    order: 100,
    onEpochBegin: () => {
      clock.epochStart = performance.now();
    },
    onBatchEnd: async (s: TrainState) => {
      const lr = headLr(s.host.opt.get('lr'));
      const moms = s.host.opt.get('mom');
      const mom = moms[moms.length - 1] ?? Number.NaN;
      control.onBatch({
        iteration: s.iteration,
        epoch: s.epoch,
        nEpochs: s.nEpochs,
        numBatch: s.numBatch,
        nBatches: s.nBatches,
        loss: s.lastLoss,
        smoothLoss: s.smoothLoss,
        lr,
        mom,
      });
      if (!Number.isFinite(s.lastLoss)) {
        nan.at = { iteration: s.iteration, lr };
        s.stopTraining = true;
      }
      if (control.shouldStop()) s.stopTraining = true;
      clock.lastBatchEnd = performance.now();
      await yieldToBrowser();
    },
    onEpochEnd: (s: TrainState) => {
      const end = performance.now();
      clock.trainSeconds.push((clock.lastBatchEnd - clock.epochStart) / 1000);
      clock.validSeconds.push((end - clock.lastBatchEnd) / 1000);
      const row: EpochRow = {
        epoch: s.epoch,
        trainLoss: s.trainLoss,
        validLoss: s.validLoss,
        accuracy: s.metrics.accuracy ?? Number.NaN,
        seconds: (end - clock.epochStart) / 1000,
      };
      rows.push(row);
      control.onEpoch(row);
    },
  };
}

function checkNan(nan: { at?: { iteration: number; lr: number } }): void {
  if (nan.at) {
    throw new Error(
      `the training loss became NaN at batch ${nan.at.iteration + 1} (lr ${nan.at.lr.toExponential(2)}); training stopped`,
    );
  }
}

/**
 * Runs the demo's trainings and keeps the last 1cycle-trained learner for predictions.
 *
 * @example
 * ```ts
 * const trainer = new DemoTrainer(data, 'wasm · SIMD · threads: 2');
 * const { rows } = await trainer.fitOneCycle(inputs, control);
 * const probs = await trainer.predict(image28);
 * ```
 */
export class DemoTrainer {
  private trained: Learner | null = null;

  constructor(
    private readonly data: DemoData,
    /** What the backend is, for messages. */
    readonly backendSummary: string,
  ) {}

  /** Class names. */
  get classes(): string[] {
    return this.data.classes;
  }

  /** Training batches per epoch of the data the steps use. */
  get stepsPerEpoch(): number {
    return this.data.bunch.train.length;
  }

  /** Training batches per epoch of all of MNIST_SAMPLE. */
  get fullStepsPerEpoch(): number {
    return this.data.full.train.length;
  }

  private learner(full = false): Learner {
    return new Learner(full ? this.data.full : this.data.bunch, makeModel(0), { metrics: [accuracy] });
  }

  /**
   * The LR range test on a fresh model: `iterations` batches from 1e-7 to 10, reporting the
   * smoothed loss of every batch.
   */
  async lrFind(
    iterations: number,
    onPoint: (i: number, lr: number, smoothLoss: number) => void,
  ): Promise<LrFindResult> {
    const learn = this.learner();
    try {
      const live: Callback = {
        name: 'web-demo-lr-find',
        order: 100,
        onBatchEnd: async (s) => {
          onPoint(s.iteration, headLr(s.host.opt.get('lr')), s.smoothLoss);
          await yieldToBrowser();
        },
      };
      const result = await learn.lrFind({ numIt: iterations, callbacks: [live] });
      return {
        // The curve as fastai plots it: without the first and last points, which the suggestions skip too.
        columns: lrFinderColumns(result.lrs, result.losses, result.skipStart, result.skipEnd),
        suggestions: result
          .suggestionList()
          .map((s) => ({ name: s.name, lr: s.lr, description: s.description })),
        iterations: result.lrs.length,
        stoppedEarly: result.stoppedEarly,
      };
    } finally {
      learn.dispose();
    }
  }

  /** fitOneCycle on a fresh model with the page's inputs; the learner is kept for predictions. */
  async fitOneCycle(inputs: OneCycleInputs, control: RunControl): Promise<RunResult> {
    const learn = this.learner();
    const rows: EpochRow[] = [];
    const nan: { at?: { iteration: number; lr: number } } = {};
    const clock: RunClock = { epochStart: 0, lastBatchEnd: 0, trainSeconds: [], validSeconds: [] };
    try {
      const r = await learn.fitOneCycle(inputs.epochs, inputs.lrMax, {
        moms: inputs.moms,
        divFactor: inputs.divFactor,
        ...pctStartOption(inputs),
        variant: inputs.variant,
        callbacks: [liveCallback(control, rows, clock, nan)],
      });
      checkNan(nan);
      this.trained?.dispose();
      this.trained = learn;
      return { rows, iterations: r.iterations, stopped: control.shouldStop() };
    } catch (error) {
      learn.dispose();
      throw error;
    }
  }

  /** A plain fit at a constant lr on a fresh model (for comparison). */
  async fitConstant(lr: number, epochs: number, control: RunControl): Promise<RunResult> {
    const learn = this.learner();
    const rows: EpochRow[] = [];
    const nan: { at?: { iteration: number; lr: number } } = {};
    const clock: RunClock = { epochStart: 0, lastBatchEnd: 0, trainSeconds: [], validSeconds: [] };
    try {
      const r = await learn.fit(epochs, lr, { callbacks: [liveCallback(control, rows, clock, nan)] });
      checkNan(nan);
      return { rows, iterations: r.iterations, stopped: control.shouldStop() };
    } finally {
      learn.dispose();
    }
  }

  /** Times fitOneCycle(1, lrMax) on all of MNIST_SAMPLE with a fresh model. */
  async timeFullEpoch(inputs: OneCycleInputs, control: RunControl): Promise<EpochTiming> {
    const learn = this.learner(true);
    const rows: EpochRow[] = [];
    const nan: { at?: { iteration: number; lr: number } } = {};
    const clock: RunClock = { epochStart: 0, lastBatchEnd: 0, trainSeconds: [], validSeconds: [] };
    try {
      await learn.fitOneCycle(1, inputs.lrMax, {
        moms: inputs.moms,
        divFactor: inputs.divFactor,
        ...pctStartOption(inputs),
        variant: inputs.variant,
        callbacks: [liveCallback(control, rows, clock, nan)],
      });
      checkNan(nan);
      const row = rows[0];
      return {
        seconds: row?.seconds ?? Number.NaN,
        trainSeconds: clock.trainSeconds[0] ?? Number.NaN,
        validSeconds: clock.validSeconds[0] ?? Number.NaN,
        accuracy: row?.accuracy ?? Number.NaN,
        trainImages: this.data.full.train.size,
        validImages: this.data.full.valid.size,
        stopped: row === undefined || control.shouldStop(),
      };
    } finally {
      learn.dispose();
    }
  }

  /** Class probabilities of a 28×28 grey image (values in [0, 1]) by the last 1cycle-trained model. */
  async predict(image: Float32Array): Promise<number[]> {
    const learn = this.trained;
    if (!learn) throw new Error('no trained model yet: train one in step 3');
    if (image.length !== MNIST_SIDE * MNIST_SIDE) {
      throw new RangeError(`image must hold ${MNIST_SIDE * MNIST_SIDE} values, got ${image.length}`);
    }
    const x = tf.tidy(() => tf.tile(tf.tensor3d(image, [MNIST_SIDE, MNIST_SIDE, 1]), [1, 1, 3]));
    try {
      const { probs } = await learn.predict(x as tf.Tensor3D);
      return probs;
    } finally {
      x.dispose();
    }
  }
}

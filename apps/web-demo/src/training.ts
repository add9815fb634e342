/**
 * The page's training runs, on @onecycle/learner: the LR range test, fitOneCycle, a constant-lr fit
 * and the timing of one full epoch, each on a fresh simpleCnn([3, 16, 16, 2]); a callback reports
 * every batch and epoch to the page and yields to the browser so the charts update live.
 */
import type { Callback } from '@onecycle/callbacks';
import { accuracy, Learner } from '@onecycle/learner';
import { simpleCnn } from '@onecycle/models';
import * as tf from '@tensorflow/tfjs-core';
import { type Columns, headLr, lrFinderColumns } from './chart-data.js';
import type { DemoData } from './data.js';
import { MNIST_SIDE } from './digit-preprocess.js';
import { LiveRun, type RunControl } from './live-run.js';
import { pctStartOption } from './one-cycle-schedule.js';
import type { EpochRow } from './results-table.js';
import type { OneCycleInputs } from './settings.js';
import { yieldToBrowser } from './yield-to-browser.js';

export type { BatchEvent, EpochEvent, RunControl } from './live-run.js';

/**
 * What a fit gives back.
 *
 * @example
 * ```ts
 * const { rows, stopped } = await trainer.fitOneCycle(inputs, control);
 * ```
 */
export interface RunResult {
  rows: EpochRow[];
  iterations: number;
  stopped: boolean;
}

/**
 * A suggested learning rate of the range test.
 *
 * @example
 * ```ts
 * const s: LrSuggestion = { name: 'valley', lr: 1.6e-3, description: 'about halfway down the longest valley' };
 * ```
 */
export interface LrSuggestion {
  name: string;
  lr: number;
  description: string;
}

/**
 * What the range test gives back.
 *
 * @example
 * ```ts
 * const { columns, suggestions } = await trainer.lrFind(100, () => {});
 * ```
 */
export interface LrFindResult {
  columns: Columns;
  suggestions: LrSuggestion[];
  iterations: number;
  stoppedEarly: boolean;
}

/**
 * The timing of one full epoch.
 *
 * @example
 * ```ts
 * const { seconds, trainSeconds } = await trainer.timeFullEpoch(inputs, control);
 * ```
 */
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
    const live = new LiveRun(control);
    try {
      const r = await learn.fitOneCycle(inputs.epochs, inputs.lrMax, {
        moms: inputs.moms,
        divFactor: inputs.divFactor,
        ...pctStartOption(inputs),
        variant: inputs.variant,
        callbacks: [live.callback()],
      });
      live.throwIfNan();
      this.trained?.dispose();
      this.trained = learn;
      return { rows: live.rows, iterations: r.iterations, stopped: control.shouldStop() };
    } catch (error) {
      learn.dispose();
      throw error;
    }
  }

  /** A plain fit at a constant lr on a fresh model (for comparison). */
  async fitConstant(lr: number, epochs: number, control: RunControl): Promise<RunResult> {
    const learn = this.learner();
    const live = new LiveRun(control);
    try {
      const r = await learn.fit(epochs, lr, { callbacks: [live.callback()] });
      live.throwIfNan();
      return { rows: live.rows, iterations: r.iterations, stopped: control.shouldStop() };
    } finally {
      learn.dispose();
    }
  }

  /** Times fitOneCycle(1, lrMax) on all of MNIST_SAMPLE with a fresh model. */
  async timeFullEpoch(inputs: OneCycleInputs, control: RunControl): Promise<EpochTiming> {
    const learn = this.learner(true);
    const live = new LiveRun(control);
    try {
      await learn.fitOneCycle(1, inputs.lrMax, {
        moms: inputs.moms,
        divFactor: inputs.divFactor,
        ...pctStartOption(inputs),
        variant: inputs.variant,
        callbacks: [live.callback()],
      });
      live.throwIfNan();
      const row = live.rows[0];
      return {
        seconds: row?.seconds ?? Number.NaN,
        trainSeconds: live.trainSeconds[0] ?? Number.NaN,
        validSeconds: live.validSeconds[0] ?? Number.NaN,
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

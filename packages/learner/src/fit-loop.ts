import {
  accumulationOf,
  type Callback,
  runTrainingLoop,
  stepsPerEpoch,
  type TrainingLoopResult,
} from '@onecycle/callbacks';
import * as tf from '@tensorflow/tfjs-core';
import type { LearnerBatch } from './data-contract.js';
import type { FitOptions, FitResult } from './fit-options.js';
import { trainableVariables } from './layer-groups.js';
import type { Learner } from './learner.js';
import { type RunConfig, type RunPosition, RunTracker } from './run-tracker.js';
import type { StepGradients } from './step-gradients.js';

/** Where a learner's runs are: the last run's position, and whether `load` restored it. */
export interface RunState {
  /** Where the last run stopped (or ended). */
  position: RunPosition | undefined;
  /** True after `load`/`loadState` restored an unfinished run that the next fit may resume. */
  loadedRun: boolean;
  /** The gradients of the step being prepared (the learner's `host.gradients`). */
  readonly grads: StepGradients;
}

/** What one training run is asked to do: its config, per-group lrs and wd, and its schedulers. */
export interface RunRequest {
  config: RunConfig;
  lrs: number[];
  wd: number[];
  schedulers: Callback[];
  options: FitOptions;
}

/**
 * Runs the training loop of `learn` (the body of every fit method): resumes an unfinished run
 * when asked (see {@link FitOptions.resume}), keeps `state.position` up to date, disposes every
 * batch and gradient.
 */
export async function runFit(learn: Learner, state: RunState, request: RunRequest): Promise<FitResult> {
  const { lrs, wd, schedulers, options } = request;
  const callbacks = [...learn.callbacks, ...(options.callbacks ?? [])];
  const nAcc = accumulationOf(callbacks);
  const config: RunConfig = nAcc > 1 ? { ...request.config, accumulate: nAcc } : request.config;
  const resumeFrom = resumePosition(learn, state, config, options.resume, options.callbacks ?? []);
  const vars = trainableVariables(learn.layerGroups());
  if (vars.length === 0)
    throw new Error('fit: the model has no trainable parameters (all layer groups frozen?)');
  const optimizer = learn.opt;
  optimizer.set('lr', lrs);
  optimizer.set('wd', wd);
  const nBatches = learn.data.train.length;
  const tracker = new RunTracker(
    config,
    stepsPerEpoch(nBatches, nAcc),
    resumeFrom ? { ...resumeFrom } : undefined,
  );
  state.position = tracker.position;
  const model = learn.model;
  const lossFunc = learn.lossFunc;
  const grads = state.grads;
  const dataLoader = learn.data.train;
  const skipTo = resumeFrom ? { epoch: resumeFrom.epoch, batch: resumeFrom.batch } : undefined;
  let result: TrainingLoopResult;
  try {
    result = await runTrainingLoop<LearnerBatch>({
      host: learn.host,
      nEpochs: config.nEpochs,
      nBatches,
      startEpoch: resumeFrom?.epoch ?? 0,
      callbacks: [tracker, learn.recorder, ...schedulers, ...callbacks],
      batches: (epoch) => {
        model.train();
        const it = dataLoader.batches(epoch);
        return skipTo && epoch === skipTo.epoch && skipTo.batch > 0
          ? skipBatches(it, skipTo.batch * nAcc)
          : it;
      },
      forwardBackward: async (batch, _state, part) => {
        const { value, grads: g } = tf.variableGrads(() => lossFunc(model.forward(batch.x), batch.y), vars);
        grads.add(g, part);
        try {
          return (await value.data())[0]!;
        } finally {
          value.dispose();
        }
      },
      step: () => {
        if (grads.grads) optimizer.step(grads.grads);
      },
      endBatch: (batch) => {
        batch.x.dispose();
        batch.y.dispose();
        grads.clear();
      },
      validate: () => learn.validate(),
    });
  } finally {
    state.position = tracker.position;
  }
  const out: FitResult = {
    iterations: tracker.position.iteration - (resumeFrom?.iteration ?? 0),
    stoppedEarly: result.stoppedEarly,
    validLoss: result.state.validLoss,
    metrics: { ...result.state.metrics },
  };
  if (result.stopReason !== undefined) out.stopReason = result.stopReason;
  return out;
}

function resumePosition(
  learn: Learner,
  state: RunState,
  config: RunConfig,
  resume: boolean | undefined,
  callbacks: readonly Callback[],
): RunPosition | undefined {
  const p = state.position;
  const loaded = state.loadedRun;
  state.loadedRun = false;
  if (resume === false) return undefined;
  const usable = p !== undefined && !p.finished;
  const matches = usable && JSON.stringify(p.config) === JSON.stringify(config);
  if (resume === true) {
    if (!usable) throw new Error('resume: there is no unfinished run to resume');
    if (!matches) {
      throw new Error(
        `resume: the unfinished run was ${JSON.stringify(p.config)}, this call is ${JSON.stringify(config)}`,
      );
    }
  } else if (!(loaded && matches)) return undefined;
  const steps = learnerStepsPerEpoch(learn, callbacks);
  if (p!.nBatches !== steps) {
    throw new Error(`resume: the run had ${p!.nBatches} training steps per epoch, the data now has ${steps}`);
  }
  return p;
}

/**
 * Training iterations (optimizer steps) per epoch of `learn` with the gradient accumulation of its
 * callbacks and the call's.
 */
export function learnerStepsPerEpoch(learn: Learner, callbacks: readonly Callback[] = []): number {
  return stepsPerEpoch(learn.data.train.length, accumulationOf([...learn.callbacks, ...callbacks]));
}

/** Throws unless `epochs` is an integer ≥ 1. */
export function checkEpochs(method: string, epochs: number): void {
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`${method}: epochs must be an integer ≥ 1, got ${epochs}`);
  }
}

function* skipBatches(batches: Iterable<LearnerBatch>, n: number): Generator<LearnerBatch> {
  let i = 0;
  for (const b of batches) {
    if (i++ < n) {
      b.x.dispose();
      b.y.dispose();
      continue;
    }
    yield b;
  }
}

import type { Callback, RecorderData, TrainState } from '@onecycle/callbacks';
import type { Learner } from '@onecycle/learner';
import type { Output } from './output.js';

/** Where a stage of `fine-tune` was stopped early. */
export interface StageStop {
  /** The stage's name. */
  stage: string;
  /** The epoch (from 1) and the training batches of it done. */
  epoch: number;
  batch: number;
  nEpochs: number;
  nBatches: number;
}

/** A stage of `fine-tune`: its short name and the line that heads its results table. */
export interface Stage {
  name: string;
  label: string;
}

/**
 * Labels the stages of `Learner.fineTune` in the output (each stage prints its own results
 * table), keeps each stage's recorder data and notes where a stage was stopped early.
 */
export class FineTuneStages implements Callback {
  readonly name = 'fineTuneStages';
  /** The recorder data of each stage that trained, in order. */
  readonly recorded: { stage: string; data: RecorderData }[] = [];
  /** The first stage stopped before its last epoch's end, if any. */
  stopped: StageStop | undefined;
  private index = 0;

  /**
   * @param stages - The stages, in the order `fineTune` runs them.
   * @param learn - The learner, whose recorder holds the stage that just ran.
   */
  constructor(
    private readonly stages: readonly Stage[],
    private readonly learn: Learner,
    private readonly out: Output,
  ) {}

  /**
   * Prints the label of the stage that begins, unless a signal already stopped the command (list
   * the StopOnSignal callback before this one).
   */
  onTrainBegin(state: TrainState): void {
    if (!state.stopTraining) this.out.info(`\n${this.stages[this.index]!.label}`);
  }

  /** Records the stage that ended. */
  onTrainEnd(state: TrainState): void {
    const stage = this.stages[this.index++]!.name;
    const data = this.learn.recorder.toJSON();
    if (data.losses.length > 0) this.recorded.push({ stage, data });
    const done = state.epoch + 1 >= state.nEpochs && !state.skipValidate;
    if (state.stopTraining && this.stopped === undefined && !done && data.losses.length > 0) {
      this.stopped = {
        stage,
        epoch: state.epoch + 1,
        batch: state.numBatch + 1,
        nEpochs: state.nEpochs,
        nBatches: state.nBatches,
      };
    }
  }
}

import * as tf from '@tensorflow/tfjs-core';
import type { LearnerBatch, LearnerDataLoader } from './data-contract.js';
import type { Learner } from './learner.js';
import { metricName } from './metrics.js';

/**
 * The result of {@link Learner.validate}.
 *
 * @example
 * ```ts
 * const { loss, metrics } = await learn.validate();
 * ```
 */
export interface ValidationResult {
  /** Mean loss over the items. */
  loss: number;
  /** Metric values by name (means over the items). */
  metrics: Record<string, number>;
}

/**
 * Loss and metrics of `learn`'s model on `loader` in eval mode, averaged over the items; one
 * read-back per pass. The model's mode is restored afterwards. ({@link Learner.validate})
 */
export async function validateModel(learn: Learner, loader: LearnerDataLoader): Promise<ValidationResult> {
  const model = learn.model;
  const wasTraining = model.training;
  model.eval();
  const names = learn.metrics.map(metricName);
  let sums: tf.Tensor | undefined;
  let count = 0;
  try {
    for (const { x, y } of loader.batches()) {
      try {
        const n = x.shape[0]!;
        const next = tf.tidy(() => {
          const out = model.forward(x);
          const values = [learn.lossFunc(out, y), ...learn.metrics.map((m) => m(out, y))].map((v, i) => {
            if (v.rank !== 0) {
              throw new RangeError(
                `validate: ${i === 0 ? 'the loss' : `metric ${names[i - 1]}`} must return a scalar, got shape [${v.shape}]`,
              );
            }
            return v;
          });
          const weighted = tf.mul(tf.stack(values), tf.scalar(n));
          return sums ? tf.add(sums, weighted) : weighted;
        });
        sums?.dispose();
        sums = next;
        count += n;
      } finally {
        x.dispose();
        y.dispose();
      }
    }
    if (!sums || count === 0) return { loss: Number.NaN, metrics: {} };
    const totals = await sums.data();
    const metrics: Record<string, number> = {};
    names.forEach((name, i) => {
      metrics[name] = totals[i + 1]! / count;
    });
    return { loss: totals[0]! / count, metrics };
  } finally {
    sums?.dispose();
    model.train(wasTraining);
  }
}

/** Where {@link validationBatchLoss} is in the validation set (it cycles through it). */
export interface ValidationCursor {
  iter: Iterator<LearnerBatch> | undefined;
}

/** The loss of `learn`'s model, in eval mode, on the validation batch after the cursor's. */
export async function validationBatchLoss(learn: Learner, cursor: ValidationCursor): Promise<number> {
  let r = cursor.iter?.next();
  if (r === undefined || r.done) {
    cursor.iter = learn.data.valid.batches()[Symbol.iterator]();
    r = cursor.iter.next();
    if (r.done) throw new Error('validationBatchLoss: the validation loader has no batches');
  }
  const { x, y } = r.value;
  const model = learn.model;
  const wasTraining = model.training;
  model.eval();
  try {
    const loss = tf.tidy(() => learn.lossFunc(model.forward(x), y));
    const v = (await loss.data())[0]!;
    loss.dispose();
    return v;
  } finally {
    x.dispose();
    y.dispose();
    model.train(wasTraining);
  }
}

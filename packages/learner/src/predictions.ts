import * as tf from '@tensorflow/tfjs-core';
import type { Learner } from './learner.js';
import { crossEntropy } from './loss.js';

/**
 * One prediction of {@link Learner.predict}.
 *
 * @example
 * ```ts
 * const { label, index, probs } = await learn.predict(image);
 * ```
 */
export interface Prediction {
  /** The predicted class index. */
  index: number;
  /** Its class name. */
  label: string;
  /** Probability of every class. */
  probs: number[];
}

/**
 * Options of {@link Learner.getPreds}.
 *
 * @example
 * ```ts
 * const { preds, targets } = await learn.getPreds({ split: 'valid', activation: 'none' });
 * ```
 */
export interface GetPredsOptions {
  /** Which loader (default 'valid'; 'train' is read in epoch-0 order, last partial batch dropped). */
  split?: 'valid' | 'train';
  /** 'softmax' (default with cross-entropy) or 'none' (default with any other loss): raw outputs. */
  activation?: 'softmax' | 'none';
}

/** `learn`'s outputs on a whole split, with the targets ({@link Learner.getPreds}). */
export async function getPredictions(
  learn: Learner,
  options: GetPredsOptions,
): Promise<{ preds: tf.Tensor2D; targets: tf.Tensor1D }> {
  const split = options.split ?? 'valid';
  if (split !== 'valid' && split !== 'train') {
    throw new RangeError(`getPreds: split must be 'valid' or 'train', got ${String(split)}`);
  }
  const activation = options.activation ?? (learn.lossFunc === crossEntropy ? 'softmax' : 'none');
  if (activation !== 'softmax' && activation !== 'none') {
    throw new RangeError(`getPreds: activation must be 'softmax' or 'none', got ${String(activation)}`);
  }
  const loader = split === 'valid' ? learn.data.valid : learn.data.train;
  const model = learn.model;
  const wasTraining = model.training;
  model.eval();
  const outs: tf.Tensor[] = [];
  const ys: tf.Tensor[] = [];
  try {
    for (const { x, y } of loader.batches(0)) {
      try {
        outs.push(
          tf.tidy(() => {
            const out = model.forward(x);
            return activation === 'softmax' ? tf.softmax(out) : out;
          }),
        );
        ys.push(tf.clone(y));
      } finally {
        x.dispose();
        y.dispose();
      }
    }
    if (outs.length === 0) throw new Error(`getPreds: the ${split} loader has no batches`);
    return {
      preds: tf.concat(outs, 0) as tf.Tensor2D,
      targets: tf.concat(ys, 0) as tf.Tensor1D,
    };
  } finally {
    tf.dispose(outs);
    tf.dispose(ys);
    model.train(wasTraining);
  }
}

/** The predicted class of one item or of a batch ({@link Learner.predict}). */
export async function predictClasses(learn: Learner, x: tf.Tensor3D | tf.Tensor4D): Promise<Prediction[]> {
  if (!(x instanceof tf.Tensor) || (x.rank !== 3 && x.rank !== 4)) {
    throw new RangeError('predict: x must be a tensor [H, W, C] (one item) or [N, H, W, C] (a batch)');
  }
  const model = learn.model;
  const wasTraining = model.training;
  model.eval();
  let probs: tf.Tensor;
  try {
    probs = tf.tidy(() => {
      const out = model.forward(x.rank === 3 ? tf.expandDims(x, 0) : x);
      return learn.lossFunc === crossEntropy ? tf.softmax(out) : out;
    });
  } finally {
    model.train(wasTraining);
  }
  const [n, c] = probs.shape as [number, number];
  const values = await probs.data();
  probs.dispose();
  const preds: Prediction[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(values.subarray(i * c, (i + 1) * c));
    let best = 0;
    for (let j = 1; j < c; j++) if (row[j]! > row[best]!) best = j;
    preds.push({ index: best, label: learn.data.classes[best] ?? String(best), probs: row });
  }
  return preds;
}

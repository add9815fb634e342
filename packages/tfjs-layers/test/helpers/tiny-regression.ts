// Test helper: a one-neuron linear model (y = w·x + b) trained with model.fit on 8 fixed samples,
// and tfjs-core 4.22's update rules written out in float64, to check what the optimizer applied.
import * as tf from '@tensorflow/tfjs';

export const X = [
  [0.5, -1.0],
  [1.5, 0.25],
  [-0.75, 0.5],
  [1.0, 1.0],
  [-1.25, -0.5],
  [0.25, 2.0],
  [2.0, -0.75],
  [-0.5, -1.5],
];
export const Y = X.map(([a, b]) => 2 * a! - 3 * b! + 1);
export const W0 = [0.5, -0.3, 0.1]; // kernel (2), bias (1)
export const BATCH = 4;

/** The model with weights W0, compiled with `optimizer` and MSE. */
export function tinyModel(optimizer: tf.Optimizer): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  model.layers[0]!.setWeights([tf.tensor2d([[W0[0]!], [W0[1]!]]), tf.tensor1d([W0[2]!])]);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}

/** The three weights of the model. */
export function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((w) => [...w.dataSync()]);
}

/** Gradient of the batch's MSE with respect to [w0, w1, b]. */
function gradient(w: number[], batch: number): number[] {
  const g: [number, number, number] = [0, 0, 0];
  for (let i = batch * BATCH; i < (batch + 1) * BATCH; i++) {
    const [a, b] = X[i]!;
    const r = w[0]! * a! + w[1]! * b! + w[2]! - Y[i]!;
    g[0] += (2 / BATCH) * r * a!;
    g[1] += (2 / BATCH) * r * b!;
    g[2] += (2 / BATCH) * r;
  }
  return g;
}

export type Rule = 'sgd' | 'momentum' | 'adam' | 'adamax' | 'rmsprop' | 'adagrad' | 'adadelta';

/**
 * The weights after each of `steps` batches (batches 0, 1, 0, 1, … of the unshuffled data) when
 * batch k is trained with `values(k)`; tfjs-core 4.22's formulas, Adam/Adamax with the exact bias
 * correction 1 − β₁⁽¹⁾…β₁⁽ᵏ⁾.
 */
export function referenceRun(
  rule: Rule,
  steps: number,
  values: (k: number) => { lr: number; mom: number },
  consts: { beta2?: number; decay?: number; eps?: number } = {},
): number[][] {
  const w = [...W0];
  const s1 = [0, 0, 0]; // momentum accumulation, Adam m, RMSProp mean square, Adagrad/Adadelta squared gradients
  const s2 = [0, 0, 0]; // Adam v, Adamax u, RMSProp moment, Adadelta squared updates
  let prod1 = 1;
  let prod2 = 1;
  const eps = consts.eps ?? 1e-7;
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const { lr, mom } = values(k);
    const g = gradient(w, k % (X.length / BATCH));
    prod1 *= mom;
    prod2 *= consts.beta2 ?? 0.999;
    for (let j = 0; j < 3; j++) {
      const gj = g[j]!;
      if (rule === 'sgd') w[j] = w[j]! - lr * gj;
      else if (rule === 'momentum') {
        s1[j] = mom * s1[j]! + gj;
        w[j] = w[j]! - lr * s1[j]!;
      } else if (rule === 'adam') {
        const b2 = consts.beta2 ?? 0.999;
        s1[j] = mom * s1[j]! + (1 - mom) * gj;
        s2[j] = b2 * s2[j]! + (1 - b2) * gj * gj;
        w[j] = w[j]! - (lr * (s1[j]! / (1 - prod1))) / (Math.sqrt(s2[j]! / (1 - prod2)) + eps);
      } else if (rule === 'adamax') {
        const b2 = consts.beta2 ?? 0.999;
        s1[j] = mom * s1[j]! + (1 - mom) * gj;
        s2[j] = Math.max(b2 * s2[j]!, Math.abs(gj));
        w[j] = w[j]! - (lr / (1 - prod1)) * (s1[j]! / (s2[j]! + eps));
      } else if (rule === 'adagrad') {
        if (k === 0) s1[j] = 0.1; // tfjs's initialAccumulatorValue
        s1[j] = s1[j]! + gj * gj;
        w[j] = w[j]! - (lr * gj) / Math.sqrt(s1[j]! + eps);
      } else if (rule === 'adadelta') {
        const rho = consts.decay ?? 0.95;
        // tfjs-core 4.22 divides by the squared-gradient average before this step's update
        const update = (Math.sqrt(s2[j]! + eps) / Math.sqrt(s1[j]! + eps)) * gj;
        s1[j] = rho * s1[j]! + (1 - rho) * gj * gj;
        s2[j] = rho * s2[j]! + (1 - rho) * update * update;
        w[j] = w[j]! - lr * update;
      } else {
        const d = consts.decay ?? 0.9;
        s1[j] = d * s1[j]! + (1 - d) * gj * gj;
        s2[j] = mom * s2[j]! + (lr * gj) / Math.sqrt(s1[j]! + eps);
        w[j] = w[j]! - s2[j]!;
      }
    }
    out.push([...w]);
  }
  return out;
}

/** Largest absolute difference between two runs' weights. */
export function maxDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((row, i) => {
    row.forEach((v, j) => {
      m = Math.max(m, Math.abs(v - b[i]![j]!));
    });
  });
  return m;
}

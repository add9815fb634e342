// Test helper: softmax cross-entropy and a plain SGD step on a module (what a learner does, minimally).
import * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../../src/index.js';

/** Mean softmax cross-entropy of logits [N, C] against int class indices [N]. */
export function crossEntropy(logits: tf.Tensor, y: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits as tf.Tensor2D);
    const onehot = tf.oneHot(y, logits.shape[1]!);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
  });
}

/** Loss and gradients (by parameter name) of the trainable parameters; the caller disposes the grads. */
export function lossAndGrads(
  model: Module,
  x: tf.Tensor,
  y: tf.Tensor1D,
): { loss: number; grads: Map<string, tf.Tensor> } {
  const params = model.parameters().filter((p) => p.variable.trainable);
  const { value, grads } = tf.variableGrads(
    () => crossEntropy(model.forward(x), y),
    params.map((p) => p.variable),
  );
  const loss = value.dataSync()[0]!;
  value.dispose();
  return { loss, grads: new Map(params.map((p) => [p.name, grads[p.variable.name]!])) };
}

/** One SGD step; returns the loss before the update. */
export function sgdStep(model: Module, x: tf.Tensor, y: tf.Tensor1D, lr: number): number {
  return tf.tidy(() => {
    const params = model.parameters().filter((p) => p.variable.trainable);
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.forward(x), y),
      params.map((p) => p.variable),
    );
    for (const p of params) p.variable.assign(tf.sub(p.variable, tf.mul(grads[p.variable.name]!, lr)));
    return value.dataSync()[0]!;
  });
}

/** Loss of the model on (x, y) without gradients. */
export function evalLoss(model: Module, x: tf.Tensor, y: tf.Tensor1D): number {
  return tf.tidy(() => crossEntropy(model.forward(x), y).dataSync()[0]!);
}

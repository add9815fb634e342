// This example runs in CI; its output is printed below it.
import { writeFileSync } from 'node:fs';
import { fitOneCycle, lrFind } from '@onecycle/tfjs-layers';
import * as tf from '@tensorflow/tfjs';

// Two classes of points in 8 dimensions (which side of a hyperplane), 1024 samples.
const x = tf.randomNormal([1024, 8], 0, 1, 'float32', 7);
const y = tf.tidy(() => tf.oneHot(tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32') as tf.Tensor1D, 2));

const model = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [8],
      units: 32,
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: 1 }),
    }),
    tf.layers.dense({
      units: 2,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    }),
  ],
});
const optimizer = tf.train.adam();
model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

// The range test: the weights and Adam's state are put back afterwards.
const res = await lrFind(model, x, y, { batchSize: 32, shuffle: false });
console.log(`range test: ${res.lrs.length} batches, ended by ${res.stoppedBy}`);
for (const s of res.suggestionList()) console.log(`  ${s.name.padEnd(7)} ${s.lr.toExponential(2)}`);
writeFileSync('lr-find.svg', res.plot());

// Train at the valley suggestion with the 1cycle policy. Adam's beta1 follows the momentum of the
// cycle (0.95 → 0.85 → 0.95): `learningRate` and `beta1` are the fields its applyGradients reads.
const adam = optimizer as unknown as { learningRate: number; beta1: number };
const applied: string[] = [];
const probe = new tf.CustomCallback({
  onBatchBegin: async (batch) => {
    if (batch === 0) applied.push(`lr ${adam.learningRate.toExponential(2)}, beta1 ${adam.beta1.toFixed(4)}`);
  },
});
const history = await fitOneCycle(model, x, y, {
  epochs: 4,
  lrMax: res.suggestions.valley!.lr,
  batchSize: 32,
  shuffle: false,
  verbose: 0,
  callbacks: [probe],
});
for (const [epoch, acc] of (history.history.acc ?? []).entries()) {
  console.log(`epoch ${epoch + 1}: ${applied[epoch]}; accuracy ${Number(acc).toFixed(4)}`);
}
tf.dispose([x, y]);
model.dispose();

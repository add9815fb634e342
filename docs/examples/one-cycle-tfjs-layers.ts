// This example runs in CI; its output is printed below it.
import { oneCycle } from '@onecycle/one-cycle';
import { scheduleCallback } from '@onecycle/tfjs-layers';
import * as tf from '@tensorflow/tfjs';

// A small regression problem: y = 2·x0 − 3·x1 + 1, 512 samples.
const x = tf.randomUniform([512, 2], -1, 1, 'float32', 42);
const y = x.matMul(tf.tensor2d([[2], [-3]])).add(1);

const model = tf.sequential({
  layers: [
    tf.layers.dense({
      inputShape: [2],
      units: 16,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ],
});
const optimizer = tf.train.momentum(0.01, 0.9); // SGD with momentum: both are driven
model.compile({ optimizer, loss: 'meanSquaredError' });

const epochs = 6;
const batchSize = 32;
const schedule = oneCycle({ lrMax: 0.05, totalSteps: epochs * Math.ceil(512 / batchSize) });

// What the optimizer really applies in each epoch's first batch, read where applyGradients reads
// it: tfjs's MomentumOptimizer multiplies the gradient by its scalar `c` (−lr) and the
// accumulation by its scalar `m` (the momentum).
const applied = optimizer as unknown as { c: tf.Scalar; m: tf.Scalar };
const firstBatch: string[] = [];
const probe = new tf.CustomCallback({
  onBatchBegin: async (batch) => {
    if (batch > 0) return;
    const lr = -applied.c.dataSync()[0]!;
    const mom = applied.m.dataSync()[0]!;
    firstBatch.push(`lr ${lr.toFixed(5)}, momentum ${mom.toFixed(4)}`);
  },
});

const history = await model.fit(x, y, {
  epochs,
  batchSize,
  shuffle: false,
  verbose: 0,
  callbacks: [scheduleCallback(schedule), probe],
});

for (const [epoch, loss] of (history.history.loss ?? []).entries()) {
  console.log(`epoch ${epoch + 1}: ${firstBatch[epoch]}; loss ${Number(loss).toFixed(4)}`);
}
tf.dispose([x, y]);
model.dispose();

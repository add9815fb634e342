// This example runs in CI; its output is printed below it.
import { oneCycle } from '@onecycle/one-cycle';
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
const optimizer = tf.train.momentum(0.01, 0.95); // SGD with momentum: both are driven below
model.compile({ optimizer, loss: 'meanSquaredError' });

const epochs = 6;
const batchSize = 32;
const schedule = oneCycle({ lrMax: 0.05, totalSteps: epochs * Math.ceil(512 / batchSize) });

let step = 0; // model.fit's batch index restarts every epoch: count across epochs
const history = await model.fit(x, y, {
  epochs,
  batchSize,
  shuffle: false,
  verbose: 0,
  callbacks: {
    onBatchBegin: async () => {
      const { lr, mom } = schedule.at(step);
      optimizer.setLearningRate(lr);
      optimizer.setMomentum(mom);
    },
    onBatchEnd: async () => {
      step++;
    },
  },
});

console.log(`trained ${step} of ${schedule.totalSteps} steps`);
for (const [epoch, loss] of (history.history.loss ?? []).entries()) {
  console.log(`epoch ${epoch + 1}: loss ${Number(loss).toFixed(4)}`);
}
tf.dispose([x, y]);
model.dispose();

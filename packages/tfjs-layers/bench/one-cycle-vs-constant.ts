// 1cycle against a constant learning rate for a tf.sequential convnet on MNIST_SAMPLE (WASM backend):
// the same model, optimizer (Adam), batch size and number of epochs, over 3 seeds (the weights'
// initialisation; model.fit shuffles with Math.random). Prints the validation accuracies.
// usage: pnpm --filter @onecycle/tfjs-layers compare
import { setupBackend } from '@onecycle/backends';
import * as tf from '@tensorflow/tfjs';
import { it } from 'vitest';
import { fitOneCycle } from '../src/index.js';
import { accuracy, convnet, mnistSampleTensors } from '../test/helpers/mnist-sample-tensors.js';

const EPOCHS = 2;
const BATCH = 64;
const LR = 1e-2;

it(`1cycle vs constant lr, ${EPOCHS} epochs, 3 seeds`, async () => {
  await setupBackend('wasm');
  const data = await mnistSampleTensors();
  const runs: Record<string, (model: tf.LayersModel) => Promise<unknown>> = {
    [`fitOneCycle lrMax ${LR}`]: (m) =>
      fitOneCycle(m, data.xTrain, data.yTrain, { epochs: EPOCHS, lrMax: LR, batchSize: BATCH, verbose: 0 }),
    [`constant lr ${LR}`]: (m) =>
      m.fit(data.xTrain, data.yTrain, { epochs: EPOCHS, batchSize: BATCH, verbose: 0 }),
    'constant lr 0.001 (Adam default)': (m) =>
      m.fit(data.xTrain, data.yTrain, { epochs: EPOCHS, batchSize: BATCH, verbose: 0 }),
  };
  const lrOf = (name: string) => (name.includes('0.001') ? 1e-3 : LR);
  const table: Record<string, number[]> = {};
  for (const seed of [0, 1, 2]) {
    for (const [name, run] of Object.entries(runs)) {
      const model = convnet(seed);
      model.compile({ optimizer: tf.train.adam(lrOf(name)), loss: 'categoricalCrossentropy' });
      await run(model);
      table[name] = [...(table[name] ?? []), accuracy(model, data)];
      model.dispose();
    }
  }
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  console.log(`validation accuracy after ${EPOCHS} epochs (seeds 0, 1, 2; mean):`);
  for (const [name, accs] of Object.entries(table)) {
    console.log(
      `  ${name.padEnd(34)} ${accs.map((a) => a.toFixed(4)).join('  ')}   mean ${mean(accs).toFixed(4)}`,
    );
  }
  tf.dispose([data.xTrain, data.yTrain, data.xValid, data.yValid]);
}, 1_800_000);

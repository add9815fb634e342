/**
 * The page layers.html: @onecycle/tfjs-layers driving tfjs-layers' model.fit on the WASM backend.
 * It runs a diverging LR finder on a small tf.sequential classifier, checks that the weights and the
 * tensor count are back, trains with fitOneCycle while reading the two scalars tfjs's momentum
 * optimizer multiplies by at every batch, and shows the outcome as JSON (read by the e2e test).
 */
import { fitOneCycle, lrFind } from '@onecycle/tfjs-layers';
import * as tf from '@tensorflow/tfjs';
import { startWasmBackend } from './backend.js';

/** What the page reports. */
export interface LayersPageResult {
  backend: string;
  lrFind: {
    iterations: number;
    stoppedBy: string;
    valley: number | null;
    restored: boolean;
    tensorsKept: boolean;
  };
  lrMax: number;
  /** The learning rate and momentum the optimizer applied at each batch of fitOneCycle. */
  applied: { lr: number; mom: number }[];
  accuracy: number;
}

/** FNV-1a over the bits of every weight. */
function weightsHash(model: tf.LayersModel): number {
  let h = 2166136261;
  for (const w of model.weights) {
    for (const u of new Uint32Array((w.read().dataSync() as Float32Array).slice().buffer)) {
      h = Math.imul(h ^ u, 16777619) >>> 0;
    }
  }
  return h;
}

async function run(): Promise<LayersPageResult> {
  await startWasmBackend();
  const x = tf.randomNormal([512, 8], 0, 1, 'float32', 7);
  const y = tf.tidy(() => tf.oneHot(tf.cast(tf.greater(tf.sum(x, 1), 0), 'int32') as tf.Tensor1D, 2));
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [8],
        units: 16,
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
  const optimizer = tf.train.momentum(0.01, 0.9);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const before = weightsHash(model);
  const tensors = tf.memory().numTensors;
  const found = await lrFind(model, x, y, {
    batchSize: 32,
    numIt: 100,
    startLr: 1e-3,
    endLr: 100,
    shuffle: false,
  });
  const lrFindResult = {
    iterations: found.lrs.length,
    stoppedBy: found.stoppedBy,
    valley: found.suggestions.valley?.lr ?? null,
    restored: weightsHash(model) === before,
    tensorsKept: tf.memory().numTensors === tensors,
  };

  const scalars = optimizer as unknown as { c: tf.Scalar; m: tf.Scalar };
  const applied: { lr: number; mom: number }[] = [];
  const probe = new tf.CustomCallback({
    onBatchBegin: async () => {
      applied.push({ lr: -scalars.c.dataSync()[0]!, mom: scalars.m.dataSync()[0]! });
    },
  });
  const lrMax = 0.05;
  const history = await fitOneCycle(model, x, y, {
    epochs: 4,
    lrMax,
    batchSize: 32,
    shuffle: false, // model.fit shuffles with Math.random: off, so that the page repeats exactly
    verbose: 0,
    callbacks: [probe],
  });
  const acc = history.history.acc ?? [];
  const result: LayersPageResult = {
    backend: tf.getBackend(),
    lrFind: lrFindResult,
    lrMax,
    applied,
    accuracy: Number(acc[acc.length - 1]),
  };
  tf.dispose([x, y]);
  model.dispose();
  return result;
}

const out = document.querySelector<HTMLPreElement>('#layers-result')!;
run().then(
  (result) => {
    out.textContent = JSON.stringify(result, null, 1);
    out.dataset.state = 'done';
  },
  (error: unknown) => {
    out.textContent = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
    out.dataset.state = 'error';
  },
);

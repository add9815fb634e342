import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupBackend } from '@onecycle/backends';
import { accuracy, Learner } from '@onecycle/learner';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersLearnerModel } from '../src/learner/index.js';
import { convnet } from './helpers/mnist-sample-tensors.js';

let data: ImageDataBunch;

beforeAll(async () => {
  await setupBackend('wasm');
  const path = await untarData(URLs.MNIST_SAMPLE, { dest: join(tmpdir(), 'onecycle-tfjs-layers-data') });
  data = await ImageDataBunch.fromFolder(path, { bs: 64, seed: 0, channels: 1, onWarning: () => {} });
}, 300_000);

const bits = (vs: tf.Variable[]) =>
  vs.map((v) => [...new Uint32Array((v.dataSync() as Float32Array).slice().buffer)]);

describe('the Learner trains a tf.sequential model through layersLearnerModel', () => {
  it('names the weights by layer, finds the softmax, splits parameters and buffers', () => {
    const bn = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3 }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const m = layersLearnerModel(bn);
    expect(m.parameters().map((p) => `${p.name}:${p.kind}`)).toEqual([
      '0.kernel:weight',
      '0.bias:bias',
      '1.gamma:norm',
      '1.beta:norm',
      '2.kernel:weight',
      '2.bias:bias',
    ]);
    expect(m.buffers().map((b) => b.name)).toEqual(['1.moving_mean', '1.moving_variance']);
    // log-probabilities: a softmax of them gives the model's own probabilities back
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    m.eval();
    const p = bn.predict(x) as tf.Tensor;
    const fromLogits = tf.softmax(m.forward(x));
    expect(tf.max(tf.abs(tf.sub(p, fromLogits))).dataSync()[0]).toBeLessThan(1e-6);
    expect(() => layersLearnerModel(bn, { output: 'odds' as 'logits' })).toThrow(
      /output must be 'auto', 'logits' or 'probabilities', got 'odds'/,
    );
    tf.dispose([x, p, fromLogits]);
    bn.dispose();
  });

  it('fitOneCycle, lrFind, validate, save and load on MNIST_SAMPLE', async () => {
    const model = convnet(2);
    const learn = new Learner(data, layersLearnerModel(model), { metrics: [accuracy] });
    const weights = () => bits(learn.model.parameters().map((p) => p.variable));
    const before = weights();
    const res = await learn.lrFind({ numIt: 50 });
    expect(res.lrs.length).toBeGreaterThan(10);
    expect(weights()).toEqual(before); // the Learner's own snapshot restores the tfjs-layers weights
    await learn.fitOneCycle(1, 1e-2);
    const { metrics } = await learn.validate();
    console.log(
      `Learner.fitOneCycle(1, 1e-2) on a tf.sequential convnet: accuracy ${metrics!.accuracy!.toFixed(4)}`,
    );
    expect(metrics!.accuracy).toBeGreaterThanOrEqual(0.98);
    const dir = mkdtempSync(join(tmpdir(), 'onecycle-tfjs-layers-'));
    try {
      // saveState/loadState are what Learner.save/load write and read (those import their Node file
      // helpers dynamically, which vitest cannot follow across packages' sources)
      writeFileSync(join(dir, 'model.safetensors'), learn.saveState());
      const trained = weights();
      const other = new Learner(data, layersLearnerModel(convnet(3)), { metrics: [accuracy] });
      other.loadState(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
      expect(bits(other.model.parameters().map((p) => p.variable))).toEqual(trained);
      // the tfjs-layers model itself holds the loaded weights: the adapter shares its variables
      const m3 = (other.model as ReturnType<typeof layersLearnerModel>).layersModel;
      expect(bits(m3.trainableWeights.map((w) => w.read() as tf.Variable))).toEqual(trained);
      m3.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    model.dispose();
  }, 300_000);
});

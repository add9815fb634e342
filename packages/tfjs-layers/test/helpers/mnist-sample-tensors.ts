// Test and benchmark helper: MNIST_SAMPLE (3s and 7s, shipped by @onecycle/mnist-sample) loaded with
// @onecycle/vision-data as whole tensors for model.fit, and a small tf.sequential convnet.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';
import * as tf from '@tensorflow/tfjs';

export interface MnistSampleTensors {
  /** Training images [12352, 28, 28, 1] in [0, 1] (one shuffled pass; the last partial batch is dropped). */
  xTrain: tf.Tensor4D;
  /** One-hot labels [12352, 2]. */
  yTrain: tf.Tensor2D;
  /** Validation images [2038, 28, 28, 1]. */
  xValid: tf.Tensor4D;
  /** One-hot labels [2038, 2]. */
  yValid: tf.Tensor2D;
}

function stack(batches: Iterable<{ x: tf.Tensor4D; y: tf.Tensor1D }>): [tf.Tensor4D, tf.Tensor2D] {
  const xs: Float32Array[] = [];
  const ys: number[] = [];
  for (const { x, y } of batches) {
    xs.push(x.dataSync() as Float32Array);
    ys.push(...y.dataSync());
    tf.dispose([x, y]);
  }
  const all = new Float32Array(xs.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of xs) {
    all.set(a, at);
    at += a.length;
  }
  const x = tf.tensor4d(all, [ys.length, 28, 28, 1]);
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(ys, 'int32'), 2), 'float32')) as tf.Tensor2D;
  return [x, y];
}

/** MNIST_SAMPLE as tensors, extracted once into the system's temporary folder. */
export async function mnistSampleTensors(): Promise<MnistSampleTensors> {
  const path = await untarData(URLs.MNIST_SAMPLE, { dest: join(tmpdir(), 'onecycle-tfjs-layers-data') });
  const data = await ImageDataBunch.fromFolder(path, { bs: 64, seed: 0, channels: 1, onWarning: () => {} });
  const [xTrain, yTrain] = stack(data.train.batches(0));
  const [xValid, yValid] = stack(data.valid.batches());
  return { xTrain, yTrain, xValid, yValid };
}

/**
 * A small convnet built with tfjs-layers: three 3×3 convolutions of stride 2, then a softmax. No
 * max pooling: on tfjs 4.22's WASM backend a step with two max-pooling layers took 161 ms of CPU per
 * batch of 64, most of it in MaxPoolGrad, against 6.9 ms strided.
 */
export function convnet(seed: number): tf.Sequential {
  const conv = (filters: number, k: number, first = false) =>
    tf.layers.conv2d({
      ...(first ? { inputShape: [28, 28, 1] } : {}),
      filters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.heNormal({ seed: seed * 10 + k }),
    });
  return tf.sequential({
    layers: [
      conv(8, 1, true),
      conv(16, 2),
      conv(32, 3),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 10 + 4 }),
      }),
    ],
  });
}

/** Validation accuracy of the model. */
export function accuracy(model: tf.LayersModel, d: MnistSampleTensors): number {
  return tf.tidy(() => {
    const pred = (model.predict(d.xValid, { batchSize: 256 }) as tf.Tensor).argMax(1);
    return tf.mean(tf.cast(tf.equal(pred, d.yValid.argMax(1)), 'float32')).dataSync()[0]!;
  });
}

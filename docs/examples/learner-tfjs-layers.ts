import { writeFileSync } from 'node:fs';
import { setupBackend } from '@onecycle/backends';
import { accuracy, Learner } from '@onecycle/learner';
import { layersLearnerModel } from '@onecycle/tfjs-layers/learner';
import { ImageDataBunch, URLs, untarData } from '@onecycle/vision-data/node';
import * as tf from '@tensorflow/tfjs';

// A tf.sequential model trained by the Learner on MNIST_SAMPLE (WASM backend).
await setupBackend();

// MNIST_SAMPLE as one-channel 28×28 images, and your own tf.sequential model.
const data = await ImageDataBunch.fromFolder(await untarData(URLs.MNIST_SAMPLE), { bs: 64, channels: 1 });
const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, strides: 2, activation: 'relu' }),
    tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, activation: 'relu' }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 2, activation: 'softmax' }),
  ],
});

// The Learner owns the optimizer (Adam, weight decay) and the loop: no model.compile needed.
const learn = new Learner(data, layersLearnerModel(model), { metrics: [accuracy] });
const res = await learn.lrFind();
await learn.fitOneCycle(1, res.suggestedLr ?? 1e-2);
console.log((await learn.validate()).metrics);
writeFileSync('model.safetensors', learn.saveState());

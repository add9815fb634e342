import { fileURLToPath } from 'node:url';
import { type Sequential, Sequential as SequentialModule } from '@onecycle/models';
import { loadWeights } from '@onecycle/models/node';
import { MNIST8_BODY_LAYERS, mnist8Cnn } from './mnist8-cnn.js';

/**
 * Absolute path of the shipped weights (safetensors, PyTorch names and layouts) of
 * {@link mnist8Cnn}, trained by `scripts/train.mjs` of this package on MNIST's training images
 * of the digits {@link MNIST8_DIGITS}.
 *
 * @example
 * ```ts
 * import { statSync } from 'node:fs';
 * statSync(mnist8WeightsFile).size; // about 400 kB
 * ```
 */
export const mnist8WeightsFile: string = fileURLToPath(
  new URL('../data/mnist8-cnn.safetensors', import.meta.url),
);

/**
 * The pretrained model: {@link mnist8Cnn} (8 classes) with the shipped weights. Node only.
 *
 * @example
 * ```ts
 * const model = await loadMnist8Cnn();
 * model.eval();
 * const digit = MNIST8_DIGITS[tf.tidy(() => model.forward(x).argMax(1).dataSync()[0]!)];
 * ```
 */
export async function loadMnist8Cnn(): Promise<Sequential> {
  const model = mnist8Cnn();
  await loadWeights(model, mnist8WeightsFile);
  return model;
}

/**
 * The pretrained body alone (the head cut off): the first {@link MNIST8_BODY_LAYERS} layers, which
 * map `[N, 28, 28, 3]` images to `[N, 2, 2, 128]` features. What `createCnnLearner` puts a new head
 * on. Node only.
 *
 * @example
 * ```ts
 * const body = await loadMnist8Body();
 * const model = new Sequential(...body.layers(), new PoolFlatten(), new Linear(MNIST8_FEATURES, 2));
 * ```
 */
export async function loadMnist8Body(): Promise<Sequential> {
  const full = await loadMnist8Cnn();
  const layers = full.layers();
  for (const head of layers.slice(MNIST8_BODY_LAYERS)) head.dispose();
  return new SequentialModule(...layers.slice(0, MNIST8_BODY_LAYERS));
}

/**
 * A small CNN pretrained on MNIST's digits 0, 1, 2, 4, 5, 6, 8 and 9 — a backbone to fine-tune on
 * other digit data with `createCnnLearner(data, 'mnist8-cnn')` of @onecycle/learner. Node only.
 *
 * @packageDocumentation
 */
export {
  MNIST8_BODY_LAYERS,
  MNIST8_DIGITS,
  MNIST8_FEATURES,
  type Mnist8CnnOptions,
  mnist8Cnn,
} from './mnist8-cnn.js';
export { loadMnist8Body, loadMnist8Cnn, mnist8WeightsFile } from './pretrained.js';

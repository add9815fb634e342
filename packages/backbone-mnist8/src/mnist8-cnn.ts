import { convLayer, Linear, PoolFlatten, Sequential } from '@onecycle/models';

/**
 * The digits the backbone was trained on: MNIST without 3 and 7, so that fine-tuning on
 * MNIST_SAMPLE (3 vs 7) measures transfer to digits it never saw. Class `i` of its head is
 * `MNIST8_DIGITS[i]`.
 *
 * @example
 * ```ts
 * MNIST8_DIGITS.indexOf(4); // 3
 * ```
 */
export const MNIST8_DIGITS: readonly number[] = [0, 1, 2, 4, 5, 6, 8, 9];

/**
 * Layers of the body (the feature extractor) at the start of {@link mnist8Cnn}'s model; the rest
 * is the head.
 *
 * @example
 * ```ts
 * const body = new Sequential(...mnist8Cnn().layers().slice(0, MNIST8_BODY_LAYERS));
 * ```
 */
export const MNIST8_BODY_LAYERS = 4;

/**
 * Channels of the body's output (the input features of a head).
 *
 * @example
 * ```ts
 * const head = new Linear(MNIST8_FEATURES, 2);
 * ```
 */
export const MNIST8_FEATURES = 128;

/**
 * Options of {@link mnist8Cnn}.
 *
 * @example
 * ```ts
 * const o: Mnist8CnnOptions = { nClasses: 2, seed: 1 };
 * ```
 */
export interface Mnist8CnnOptions {
  /** Outputs of the head (default 8, one per digit of {@link MNIST8_DIGITS}). */
  nClasses?: number;
  /** Seed of the initialisation (default 0). */
  seed?: number;
}

/**
 * The backbone's architecture, randomly initialised: four {@link convLayer}s (3×3, stride 2, ReLU,
 * batch norm; 3→16→32→64→128 channels, 28×28 → 2×2) then the head, global average pooling and a
 * linear layer. 98 k parameters; on 28×28 images (3 channels, values in [0, 1]) as
 * `ImageDataBunch.fromFolder` gives them.
 *
 * @example
 * ```ts
 * const model = mnist8Cnn({ nClasses: 2, seed: 0 });
 * const logits = tf.tidy(() => model.forward(tf.zeros([1, 28, 28, 3]))); // [1, 2]
 * ```
 */
export function mnist8Cnn(options: Mnist8CnnOptions = {}): Sequential {
  const nClasses = options.nClasses ?? MNIST8_DIGITS.length;
  if (!Number.isInteger(nClasses) || nClasses < 1) {
    throw new RangeError(`mnist8Cnn: nClasses must be an integer ≥ 1, got ${String(nClasses)}`);
  }
  const seed = options.seed ?? 0;
  const channels = [3, 16, 32, 64, MNIST8_FEATURES];
  const body = channels
    .slice(1)
    .map((nf, i) => convLayer(channels[i]!, nf, { stride: 2, bn: true, seed: seed * 100 + i }));
  return new Sequential(
    ...body,
    new PoolFlatten(),
    new Linear(MNIST8_FEATURES, nClasses, { seed: seed * 100 + 99 }),
  );
}

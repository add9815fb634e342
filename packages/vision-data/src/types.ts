import type * as tf from '@tensorflow/tfjs-core';

/**
 * One mini-batch: images and their class indices. The receiver owns both tensors and disposes them.
 *
 * @example
 * ```ts
 * for (const { x, y } of data.train.batches(0)) {
 *   console.log(x.shape, y.shape); // [64, 28, 28, 3] [64]
 *   x.dispose();
 *   y.dispose();
 * }
 * ```
 */
export interface Batch {
  /** Images, NHWC, float32 (in [0, 1] unless normalised or augmented with lighting). */
  x: tf.Tensor4D;
  /** Class indices, int32. */
  y: tf.Tensor1D;
}

/**
 * A source of mini-batches over a fixed set of items.
 *
 * Training loaders shuffle with a generator seeded by `(seed, epoch)` and drop the last partial
 * batch; validation loaders keep the order and the last partial batch.
 *
 * @example
 * ```ts
 * const dl: DataLoader = data.valid;
 * console.log(dl.size, dl.batchSize, dl.length); // 2038 64 32
 * for (const b of dl.batches()) { b.x.dispose(); b.y.dispose(); }
 * ```
 */
export interface DataLoader {
  /** Items per batch (the last validation batch may be smaller). */
  readonly batchSize: number;
  /** Batches per pass. */
  readonly length: number;
  /** Items in the loader. */
  readonly size: number;
  /**
   * The batches of one pass. Training: shuffled deterministically by `(seed, epoch)`, last partial
   * batch dropped; validation: in order, last partial batch kept. The caller disposes `x` and `y`.
   */
  batches(epoch?: number): Iterable<Batch>;
}

/**
 * Training and validation loaders plus the class names.
 *
 * @example
 * ```ts
 * const data: DataBunch = await ImageDataBunch.fromFolder(path);
 * console.log(data.classes, data.c); // ['3', '7'] 2
 * ```
 */
export interface DataBunch {
  /** Training loader (shuffled, last partial batch dropped). */
  readonly train: DataLoader;
  /** Validation loader (in order, last partial batch kept). */
  readonly valid: DataLoader;
  /** Class names; a label `i` means `classes[i]`. */
  readonly classes: string[];
  /** Number of classes (`classes.length`). */
  readonly c: number;
}

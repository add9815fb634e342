import type * as tf from '@tensorflow/tfjs-core';

/**
 * One mini-batch (the shape of `@onecycle/vision-data`'s `Batch`): the learner disposes both tensors.
 *
 * @example
 * ```ts
 * const b: LearnerBatch = { x: tf.zeros([2, 28, 28, 3]), y: tf.tensor1d([0, 1], 'int32') };
 * ```
 */
export interface LearnerBatch {
  /** Inputs (NHWC images for the vision models). */
  x: tf.Tensor;
  /** Targets (int32 class indices for classification). */
  y: tf.Tensor;
}

/**
 * A source of mini-batches (the shape of `@onecycle/vision-data`'s `DataLoader`).
 *
 * @example
 * ```ts
 * for (const { x, y } of data.valid.batches()) { x.dispose(); y.dispose(); }
 * ```
 */
export interface LearnerDataLoader {
  /** Items per batch. */
  readonly batchSize: number;
  /** Batches per pass. */
  readonly length: number;
  /** Items in the loader. */
  readonly size: number;
  /** One pass; training loaders shuffle by `(seed, epoch)`. The caller disposes each batch. */
  batches(epoch?: number): Iterable<LearnerBatch>;
}

/**
 * Training and validation data (the shape of `@onecycle/vision-data`'s `DataBunch`).
 *
 * @example
 * ```ts
 * import { ImageDataBunch } from '@onecycle/vision-data/node';
 * const data: LearnerData = await ImageDataBunch.fromFolder(path);
 * ```
 */
export interface LearnerData {
  /** Training loader (shuffled, last partial batch dropped). */
  readonly train: LearnerDataLoader;
  /** Validation loader (in order). */
  readonly valid: LearnerDataLoader;
  /** Class names. */
  readonly classes: readonly string[];
  /** Number of classes. */
  readonly c: number;
}

/**
 * The browser entry of `@onecycle/vision-data` (`import … from '@onecycle/vision-data/browser'`):
 * the same loaders and data bunch as in Node, without anything that needs `node:` modules.
 * Data comes from arrays or from the compact image-set binary fetched by URL
 * (`ImageDataBunch.fromUrl`), e.g. the MNIST_SAMPLE binary written by the `pack-sample` script.
 *
 * @packageDocumentation
 */
import { BaseImageDataBunch } from './base-image-data-bunch.js';

export * from './augmentation.js';
export {
  BaseImageDataBunch,
  type BunchClass,
  type BunchOptions,
  gunzipIfNeeded,
  randomSplit,
  type ShowBatchOptions,
  splitAt,
} from './base-image-data-bunch.js';
export * from './batch-grid.js';
export * from './bitmap-font.js';
export * from './decode-image.js';
export * from './image-data-loader.js';
export * from './image-set.js';
export * from './image-set-binary.js';
export * from './normalization.js';
export * from './seeded-random.js';
export * from './slice-image-set.js';
export type * from './types.js';

/**
 * fastai's `ImageDataBunch` in the browser: `fromUrl` (compact binary, optionally gzip-compressed),
 * `fromBinary`, `fromArrays`, `fromImageSets`, `normalize`, `batchGridPng`.
 *
 * @example
 * ```ts
 * import { ImageDataBunch } from '@onecycle/vision-data/browser';
 * const data = await ImageDataBunch.fromUrl('/assets/mnist_sample.ocimg.gz', { bs: 64 });
 * console.log(data.classes, data.train.size); // ['3', '7'] 12396
 * ```
 */
export class ImageDataBunch extends BaseImageDataBunch {}

/**
 * Data for training image classifiers with TensorFlow.js, the fastai way: data bunches, loaders of
 * tfjs batches, transforms. This entry runs in browsers and Node (nothing here needs `node:`
 * modules): data comes from arrays or from the compact image-set binary fetched by URL
 * (`ImageDataBunch.fromUrl`). Downloads (`untarData`) and image folders (`ImageDataBunch.fromFolder`)
 * are in the Node entry, `@onecycle/vision-data/node`.
 *
 * @packageDocumentation
 */
import { BaseImageDataBunch } from './base-image-data-bunch.js';

export {
  type Affine,
  type AffineTransform,
  applyTransforms,
  cropPad,
  flipLr,
  flipVert,
  getTransforms,
  type ImageTransform,
  lighting,
  type PaddingMode,
  type PixelTransform,
  rotate,
  warpAffine,
  zoom,
} from './augmentation.js';
export {
  BaseImageDataBunch,
  type BunchClass,
  type BunchOptions,
  gunzipIfNeeded,
  randomSplit,
  type ShowBatchOptions,
  splitAt,
} from './base-image-data-bunch.js';
export { encodeRgbPng, type GridOptions, renderImageGrid } from './batch-grid.js';
export { drawText, glyph, glyphAdvance, glyphHeight, glyphs } from './bitmap-font.js';
export {
  type DecodedImage,
  type DecodeImageOptions,
  decodeImage,
  defaultMaxPixels,
  fitImage,
  imageFormat,
  resizeBilinear,
} from './decode-image.js';
export { ImageDataLoader, type ImageDataLoaderOptions } from './image-data-loader.js';
export { type ImageSet, validateImageSet } from './image-set.js';
export {
  decodeImageSets,
  encodeImageSets,
  type ImageSetBundle,
  type ImageSetEntryHeader,
  type ImageSetHeader,
  readImageSetHeader,
} from './image-set-binary.js';
export { cifarStats, imagenetStats, mnistStats, type NormStats, resolveNormStats } from './normalization.js';
export { mixSeed, permutation, seededRandom } from './seeded-random.js';
export { sliceImageSet } from './slice-image-set.js';
export type { Batch, DataBunch, DataLoader } from './types.js';

/**
 * fastai's `ImageDataBunch` for browsers and Node: `fromUrl` (compact binary, optionally
 * gzip-compressed), `fromBinary`, `fromArrays`, `fromImageSets`, `normalize`, `batchGridPng`. The
 * one of `@onecycle/vision-data/node` adds `fromFolder`, `fromCsv` and `fromMnistIdx`.
 *
 * @example
 * ```ts
 * import { ImageDataBunch } from '@onecycle/vision-data';
 * const data = await ImageDataBunch.fromUrl('/assets/mnist_sample.ocimg.gz', { bs: 64 });
 * console.log(data.classes, data.train.size); // ['3', '7'] 12396
 * ```
 */
export class ImageDataBunch extends BaseImageDataBunch {}

/**
 * The browser entry of `@onecycle/vision-data` (`import … from '@onecycle/vision-data/browser'`):
 * the same loaders and data bunch as in Node, without anything that needs `node:` modules.
 * Data comes from arrays or from the compact image-set binary fetched by URL
 * (`ImageDataBunch.fromUrl`), e.g. the MNIST_SAMPLE binary written by the `pack-sample` script.
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

/**
 * Data for training image classifiers with TensorFlow.js, the fastai way: `untarData` downloads
 * and caches data sets, `ImageDataBunch` builds training and validation loaders of tfjs batches.
 *
 * @packageDocumentation
 */
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
export * from './checksum.js';
export * from './csv-labels.js';
export * from './data-dir.js';
export * from './decode-cache.js';
export * from './decode-files.js';
export * from './decode-image.js';
export * from './download.js';
export * from './idx-format.js';
export { type FolderOptions, ImageDataBunch, type LoadInfo } from './image-data-bunch.js';
export * from './image-data-loader.js';
export * from './image-folder.js';
export * from './image-set.js';
export * from './image-set-binary.js';
export * from './normalization.js';
export * from './pack-image-folder.js';
export { formatProgress } from './progress-line.js';
export * from './seeded-random.js';
export * from './slice-image-set.js';
export type * from './types.js';
export * from './untar-data.js';
export * from './urls.js';

/**
 * Data for training image classifiers with TensorFlow.js, the fastai way: `untarData` downloads
 * and caches data sets, `ImageDataBunch` builds training and validation loaders of tfjs batches.
 *
 * @packageDocumentation
 */
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
export { type Checksum, ChecksumHasher, describeChecksum, hashFile } from './checksum.js';
export { parseCsvLine, readCsvLabels } from './csv-labels.js';
export { dataDir, dataDirEnv } from './data-dir.js';
export {
  decodeCacheFolder,
  decodeCachePath,
  fingerprintOf,
  listingFingerprint,
  readDecodeCache,
  writeDecodeCache,
} from './decode-cache.js';
export {
  type DecodeOptions,
  decodeFiles,
  readFileWithStat,
  resolveSize,
  type SkippedFile,
} from './decode-files.js';
export {
  type DecodedImage,
  type DecodeImageOptions,
  decodeImage,
  defaultMaxPixels,
  fitImage,
  imageFormat,
  resizeBilinear,
} from './decode-image.js';
export { DownloadError, type DownloadOptions, downloadFile } from './download.js';
export { findIdxFile, type IdxArray, loadIdx, parseIdx } from './idx-format.js';
export { type FolderOptions, ImageDataBunch, type LoadInfo } from './image-data-bunch.js';
export { ImageDataLoader, type ImageDataLoaderOptions } from './image-data-loader.js';
export {
  imageExtensions,
  imageFiles,
  isImageFile,
  type LabelledFile,
  listImageFolder,
  requireDirectory,
  subFolders,
} from './image-folder.js';
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
export { packImageFolder } from './pack-image-folder.js';
export { formatProgress } from './progress-line.js';
export { mixSeed, permutation, seededRandom } from './seeded-random.js';
export { sliceImageSet } from './slice-image-set.js';
export type { Batch, DataBunch, DataLoader } from './types.js';
export { extractArchive, shippedArchive, type UntarOptions, unpackTar, untarData } from './untar-data.js';
export { type DataSource, URLs } from './urls.js';

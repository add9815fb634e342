/**
 * The Node entry of `@onecycle/vision-data` (`import … from '@onecycle/vision-data/node'`): what
 * needs `node:` modules — `untarData` downloads and caches data sets, and this entry's
 * `ImageDataBunch` adds the constructors that read image folders, CSV labels and MNIST idx files
 * (`fromFolder`, `fromCsv`, `fromMnistIdx`) to the one of the main entry. Transforms, loaders and
 * the rest of the API are in the main entry, which also runs in browsers.
 *
 * @packageDocumentation
 */
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
export { DownloadError, type DownloadOptions, downloadFile } from './download.js';
export { findIdxFile, type IdxArray, loadIdx, parseIdx } from './idx-format.js';
export { type FolderOptions, ImageDataBunch, type LoadInfo } from './image-data-bunch.js';
export {
  imageExtensions,
  imageFiles,
  isImageFile,
  type LabelledFile,
  listImageFolder,
  requireDirectory,
  subFolders,
} from './image-folder.js';
export { packImageFolder } from './pack-image-folder.js';
export { extractArchive, shippedArchive, type UntarOptions, unpackTar, untarData } from './untar-data.js';
export { type DataSource, type ShippedArchive, URLs } from './urls.js';

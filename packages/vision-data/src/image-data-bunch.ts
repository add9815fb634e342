import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BaseImageDataBunch,
  type BunchOptions,
  randomSplit,
  type ShowBatchOptions,
  splitAt,
} from './base-image-data-bunch.js';
import {
  decodeCachePath,
  fingerprintOf,
  listingFingerprint,
  readDecodeCache,
  writeDecodeCache,
} from './decode-cache.js';
import { type DecodeOptions, decodeFiles, resolveSize, type SkippedFile } from './decode-files.js';
import { resolveMaxPixels } from './decode-image.js';
import { findIdxFile, type IdxArray, loadIdx } from './idx-format.js';
import { ImageDataLoader } from './image-data-loader.js';
import { type LabelledFile, listImageFolder, requireDirectory } from './image-folder.js';
import type { ImageSet } from './image-set.js';

/**
 * Options of `ImageDataBunch.fromFolder`.
 *
 * @example
 * ```ts
 * const opts: FolderOptions = { train: 'train', valid: 'valid', bs: 64, seed: 0, size: 28 };
 * ```
 */
export interface FolderOptions extends BunchOptions, DecodeOptions {
  /** Training sub-folder (default `'train'`). */
  train?: string;
  /** Validation sub-folder (default `'valid'`); ignored when `validPct` is given. */
  valid?: string;
  /** Take a seeded random fraction of the training folder as validation set instead of `valid`. */
  validPct?: number;
  /** Read/write the decode cache in `<path>/.onecycle-cache/` (default true). */
  cache?: boolean;
  /** Receives warnings (skipped files, unwritable cache); default `console.warn`. */
  onWarning?: (message: string) => void;
}

/**
 * How a bunch's images were obtained: decoded now, or read from the decode cache.
 *
 * @example
 * ```ts
 * const data = await ImageDataBunch.fromFolder(path);
 * console.log(data.loadInfo?.fromCache, data.loadInfo?.seconds);
 * ```
 */
export interface LoadInfo {
  /** True when the decode cache was used. */
  readonly fromCache: boolean;
  /** Path of the decode cache file (whether or not it could be written). */
  readonly cacheFile: string | null;
  /** Files skipped as unreadable (with `skipBad`). */
  readonly skipped: readonly SkippedFile[];
  /** Wall time of the load in seconds. */
  readonly seconds: number;
}

const CACHE_FORMAT = 2;

/** A classifier needs two classes: one class is an Error naming it and where it was found. */
function requireTwoClasses(classes: readonly string[], where: string, what: string): void {
  if (classes.length < 2) {
    throw new Error(`${what}: found one class '${classes[0]}' in ${where}: need at least two`);
  }
}

function warnSkipped(skipped: readonly SkippedFile[], warn: (m: string) => void): void {
  if (skipped.length === 0) return;
  const lines = skipped.map((s) => `  ${s.file}: ${s.reason}`).join('\n');
  warn(`skipped ${skipped.length} unreadable image file(s):\n${lines}`);
}

/**
 * Decodes (or reads from the decode cache) a list of labelled image files into one set, the
 * training items first. Returns the set and how many of its images are training images.
 */
function loadItems(
  root: string,
  items: readonly LabelledFile[],
  nTrain: number,
  classes: string[],
  cacheKey: Record<string, unknown>,
  options: FolderOptions,
  extra: string,
): { set: ImageSet; nTrain: number; info: LoadInfo } {
  const t0 = performance.now();
  const warn = options.onWarning ?? ((m: string) => console.warn(m));
  const useCache = options.cache ?? true;
  const files = items.map((i) => i.file);
  const cacheFile = useCache ? decodeCachePath(root, cacheKey) : null;
  const fpExtra = `${extra}\0${classes.join('\0')}\0${nTrain}`;
  let fingerprint = '';
  // No cache file yet (the usual cold load): skip the stat pass, decoding collects the same stats.
  if (cacheFile && existsSync(cacheFile)) {
    fingerprint = listingFingerprint(root, files, fpExtra);
    const cached = readDecodeCache(cacheFile, fingerprint, (reason) =>
      warn(`decode cache ${cacheFile} is damaged (${reason}); decoding the images again`),
    );
    const stored = cached?.sets.all;
    if (cached && stored) {
      const skipped = (cached.meta.skipped as SkippedFile[] | undefined) ?? [];
      warnSkipped(skipped, warn);
      const bad = new Set(skipped.map((s) => s.file));
      const kept = bad.size ? files.filter((f) => !bad.has(f)) : files;
      const set: ImageSet = kept.length === stored.n ? { ...stored, files: kept } : stored;
      return {
        set,
        nTrain: cached.meta.nTrain as number,
        info: { fromCache: true, cacheFile, skipped, seconds: (performance.now() - t0) / 1000 },
      };
    }
  }
  const { set, skipped, kept, sizes, mtimes } = decodeFiles(root, items, options);
  if (cacheFile && fingerprint === '') fingerprint = fingerprintOf(files, sizes, mtimes, fpExtra);
  let keptTrain = 0;
  while (keptTrain < kept.length && kept[keptTrain]! < nTrain) keptTrain++;
  warnSkipped(skipped, warn);
  if (cacheFile) {
    const ok = writeDecodeCache(
      cacheFile,
      { classes, sets: { all: set }, meta: { nTrain: keptTrain, skipped, key: cacheKey } },
      fingerprint,
    );
    if (!ok)
      warn(
        `could not write the decode cache ${cacheFile} (folder not writable?); the next load decodes again`,
      );
  }
  return {
    set,
    nTrain: keptTrain,
    info: { fromCache: false, cacheFile, skipped, seconds: (performance.now() - t0) / 1000 },
  };
}

/**
 * fastai's `ImageDataBunch` for Node: builds training and validation loaders from an image folder
 * (`fromFolder`), a labels CSV (`fromCsv`), MNIST idx files (`fromMnistIdx`), arrays
 * (`fromArrays`), or the compact binary (`fromBinary`, `fromUrl`); `showBatch` writes a PNG grid.
 *
 * @example
 * ```ts
 * const path = await untarData(URLs.MNIST_SAMPLE);
 * const data = await ImageDataBunch.fromFolder(path);
 * console.log(data.classes, data.train.size, data.valid.size); // ['3', '7'] 12396 2038
 * ```
 */
export class ImageDataBunch extends BaseImageDataBunch {
  /** How the images were loaded (folder and CSV bunches). */
  loadInfo: LoadInfo | undefined;

  /**
   * Images in `<path>/<train>/<class>/*` and `<path>/<valid>/<class>/*` (PNG or JPEG); classes are
   * the training sub-folder names, sorted. Images are decoded once to compact uint8 pixels and
   * cached in `<path>/.onecycle-cache/` (rebuilt when a file is added, removed or changed), so the
   * next load is a single file read.
   *
   * Errors name the offending path: missing folder, class folder without images, unreadable image
   * (or, with `skipBad`, a warning listing the skipped files), images of different sizes without `size`.
   *
   * @example
   * ```ts
   * const data = await ImageDataBunch.fromFolder(path, { bs: 64, seed: 0 });
   * for (const { x, y } of data.train.batches(0)) { ...; x.dispose(); y.dispose(); }
   * ```
   */
  static async fromFolder(path: string, options: FolderOptions = {}): Promise<ImageDataBunch> {
    requireDirectory(path, 'fromFolder: path');
    const trainName = options.train ?? 'train';
    const validName = options.valid ?? 'valid';
    const size = resolveSize(options.size);
    const train = listImageFolder(path, trainName);
    requireTwoClasses(train.classes, join(path, trainName), 'fromFolder');
    let items: LabelledFile[];
    let nTrain: number;
    if (options.validPct !== undefined) {
      items = train.items;
      nTrain = items.length;
    } else {
      const valid = listImageFolder(path, validName, train.classes);
      items = [...train.items, ...valid.items];
      nTrain = train.items.length;
    }
    const key = {
      format: CACHE_FORMAT,
      kind: 'folder',
      train: trainName,
      valid: options.validPct !== undefined ? null : validName,
      size,
      resizeMethod: options.resizeMethod ?? 'crop',
      skipBad: options.skipBad ?? false,
      maxPixels: resolveMaxPixels(options.maxPixels),
    };
    const loaded = loadItems(path, items, nTrain, train.classes, key, options, '');
    const bunch =
      options.validPct !== undefined
        ? ImageDataBunch.withRandomSplit(loaded.set, train.classes, options, path)
        : ImageDataBunch.fromSplitSet(loaded.set, loaded.nTrain, train.classes, options, path);
    bunch.loadInfo = loaded.info;
    return bunch;
  }

  /**
   * Images listed in a CSV file of `name,label` rows (fastai's `labels.csv`; first row a header),
   * names relative to `path/folder`. Classes are the distinct labels, sorted (numerically when all
   * are numbers). The validation set is a seeded random `validPct` of the rows (default 0.2).
   * A row naming a missing file is an Error naming the row and the file.
   *
   * @example
   * ```ts
   * const data = await ImageDataBunch.fromCsv(path, { csvLabels: 'labels.csv', validPct: 0.2 });
   * ```
   */
  static async fromCsv(
    path: string,
    options: BunchOptions &
      DecodeOptions & {
        csvLabels?: string;
        folder?: string;
        validPct?: number;
        header?: boolean;
        cache?: boolean;
        onWarning?: (message: string) => void;
      } = {},
  ): Promise<ImageDataBunch> {
    const { readCsvLabels } = await import('./csv-labels.js');
    requireDirectory(path, 'fromCsv: path');
    const csvName = options.csvLabels ?? 'labels.csv';
    const { classes, items, text } = readCsvLabels(path, csvName, {
      folder: options.folder ?? '.',
      header: options.header ?? true,
    });
    requireTwoClasses(classes, join(path, csvName), 'fromCsv');
    const key = {
      format: CACHE_FORMAT,
      kind: 'csv',
      csv: csvName,
      folder: options.folder ?? '.',
      size: resolveSize(options.size),
      resizeMethod: options.resizeMethod ?? 'crop',
      skipBad: options.skipBad ?? false,
      maxPixels: resolveMaxPixels(options.maxPixels),
    };
    const loaded = loadItems(path, items, items.length, classes, key, options, text);
    const bunch = ImageDataBunch.withRandomSplit(loaded.set, classes, options, path);
    bunch.loadInfo = loaded.info;
    return bunch;
  }

  /**
   * The whole MNIST database from its idx files in `dir` (`train-images-idx3-ubyte[.gz]`,
   * `train-labels-idx1-ubyte[.gz]`, `t10k-…`): 60,000 training and 10,000 validation images,
   * classes `'0'`…`'9'`. Pixels stay uint8, 1 channel in memory (47 MB), expanded per batch.
   *
   * @example
   * ```ts
   * const data = await ImageDataBunch.fromMnistIdx('data/mnist', { bs: 128 });
   * ```
   */
  static async fromMnistIdx(dir: string, options: BunchOptions = {}): Promise<ImageDataBunch> {
    requireDirectory(dir, 'fromMnistIdx: dir');
    const read = (split: 'train' | 't10k'): { x: Uint8Array; y: Int32Array; shape: number[] } => {
      const imagesFile = findIdxFile(dir, split, 'images');
      const labelsFile = findIdxFile(dir, split, 'labels');
      const images: IdxArray = loadIdx(imagesFile);
      const labels: IdxArray = loadIdx(labelsFile);
      if (images.dtype !== 'uint8' || images.shape.length !== 3) {
        throw new Error(
          `fromMnistIdx: ${imagesFile} must hold uint8 images [n, height, width], has ${images.dtype} [${images.shape.join(', ')}]`,
        );
      }
      if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
        throw new Error(
          `fromMnistIdx: ${labelsFile} has ${labels.shape.join('×')} labels for ${images.shape[0]} images in ${imagesFile}`,
        );
      }
      return { x: images.data as Uint8Array, y: Int32Array.from(labels.data), shape: images.shape };
    };
    const train = read('train');
    const valid = read('t10k');
    const [n, h, w] = train.shape as [number, number, number];
    if (valid.shape[1] !== h || valid.shape[2] !== w) {
      throw new Error(
        `fromMnistIdx: training images are ${h}×${w}, test images ${valid.shape[1]}×${valid.shape[2]}`,
      );
    }
    let max = 0;
    for (const l of train.y) max = Math.max(max, l);
    for (const l of valid.y) max = Math.max(max, l);
    const classes = Array.from({ length: max + 1 }, (_, i) => String(i));
    return ImageDataBunch.fromArrays(train.x, train.y, [n, h, w, 1], classes, {
      ...options,
      valid: { x: valid.x, labels: valid.y },
    });
  }

  /**
   * Writes a PNG grid of the first batch's images with their class names (fastai's `show_batch`)
   * and returns the file path.
   *
   * @example
   * ```ts
   * await data.showBatch('batch.png', { rows: 3 });
   * ```
   */
  async showBatch(file: string, options: ShowBatchOptions = {}): Promise<string> {
    if (typeof file !== 'string' || file === '')
      throw new TypeError('showBatch: file must be a non-empty path');
    writeFileSync(file, this.batchGridPng(options));
    return file;
  }

  private static fromSplitSet(
    set: ImageSet,
    nTrain: number,
    classes: string[],
    options: BunchOptions,
    path: string,
  ): ImageDataBunch {
    const [train, valid] = splitAt(set, nTrain);
    return ImageDataBunch.fromImageSets(train, valid, classes, options, path);
  }

  private static withRandomSplit(
    set: ImageSet,
    classes: string[],
    options: BunchOptions & { validPct?: number },
    path: string,
  ): ImageDataBunch {
    const [trainIdx, validIdx] = randomSplit(set.n, options.validPct ?? 0.2, options.seed ?? 0);
    const common = {
      batchSize: options.bs ?? 64,
      seed: options.seed ?? 0,
      channels: options.channels ?? 3,
      padding: options.padding ?? 'reflection',
    } as const;
    const bunch = new ImageDataBunch(
      new ImageDataLoader(set, {
        ...common,
        shuffle: true,
        dropLast: true,
        tfms: options.tfms ?? [],
        indices: trainIdx,
      }),
      new ImageDataLoader(set, {
        ...common,
        shuffle: false,
        dropLast: false,
        tfms: options.validTfms ?? [],
        indices: validIdx,
      }),
      classes,
      path,
    );
    if (options.normalize) bunch.normalize(options.normalize === true ? undefined : options.normalize);
    return bunch;
  }
}

import type { ImageTransform, PaddingMode } from './augmentation.js';
import { encodeRgbPng, type GridOptions, renderImageGrid } from './batch-grid.js';
import { ImageDataLoader } from './image-data-loader.js';
import { type ImageSet, validateImageSet } from './image-set.js';
import { decodeImageSets } from './image-set-binary.js';
import type { NormStats } from './normalization.js';
import { mixSeed, permutation, seededRandom } from './seeded-random.js';
import { sliceImageSet } from './slice-image-set.js';
import type { DataBunch } from './types.js';

/**
 * Options shared by every way of building a data bunch.
 *
 * @example
 * ```ts
 * const opts: BunchOptions = { bs: 64, seed: 0, tfms: [cropPad({ padding: 2 })], normalize: mnistStats };
 * ```
 */
export interface BunchOptions {
  /** Batch size (default 64). */
  bs?: number;
  /** Seed of shuffling, augmentation and random validation splits (default 0). */
  seed?: number;
  /** Channels of the batches: 3 (default; grayscale repeated, as fastai opens images as RGB) or 1. */
  channels?: 1 | 3;
  /** Augmentations of training batches (default none). */
  tfms?: readonly ImageTransform[];
  /** Augmentations of validation batches (default none). */
  validTfms?: readonly ImageTransform[];
  /** Fill mode of geometric augmentations (default `'reflection'`). */
  padding?: PaddingMode;
  /** Normalise batches with these stats, or `true` for stats computed from the training images. */
  normalize?: NormStats | true;
}

/**
 * Options of `showBatch` / `batchGridPng`.
 *
 * @example
 * ```ts
 * const opts: ShowBatchOptions = { split: 'valid', rows: 4 };
 * ```
 */
export interface ShowBatchOptions extends Pick<GridOptions, 'scale'> {
  /** Which loader (default `'train'`). */
  split?: 'train' | 'valid';
  /** The grid is `rows`×`rows` images (default 3; at most one batch). */
  rows?: number;
  /** Which pass (training order and augmentations depend on it; default 0). */
  epoch?: number;
}

/**
 * The constructor signature shared by the bunch classes (the static factories build the class
 * they are called on, so `ImageDataBunch.fromArrays` returns an `ImageDataBunch`).
 *
 * @example
 * ```ts
 * const make: BunchClass<ImageDataBunch> = ImageDataBunch;
 * ```
 */
export type BunchClass<T> = new (
  train: ImageDataLoader,
  valid: ImageDataLoader,
  classes: string[],
  path?: string,
) => T;

function checkClasses(classes: readonly string[]): string[] {
  if (!Array.isArray(classes) || classes.length === 0) {
    throw new RangeError('classes must be a non-empty array of class names');
  }
  if (new Set(classes).size !== classes.length)
    throw new RangeError(`classes has duplicates: [${classes.join(', ')}]`);
  return classes.map(String);
}

function checkPct(validPct: number): void {
  if (!(validPct > 0 && validPct < 1)) throw new RangeError(`validPct must be in (0, 1), got ${validPct}`);
}

/**
 * Training and validation loaders over images held in memory, with class names — the part of
 * `ImageDataBunch` that runs anywhere (Node and browsers). Static factories build it from arrays,
 * image sets or the compact binary format; the `ImageDataBunch` of `@onecycle/vision-data/node` adds
 * folders, CSV labels, idx files and `showBatch`.
 *
 * @example
 * ```ts
 * const data = BaseImageDataBunch.fromArrays(x, labels, [100, 28, 28, 1], ['a', 'b'], { validPct: 0.2 });
 * console.log(data.train.size, data.valid.size); // 80 20
 * ```
 */
export class BaseImageDataBunch implements DataBunch {
  /** Training loader: shuffled per `(seed, epoch)`, last partial batch dropped. */
  readonly train: ImageDataLoader;
  /** Validation loader: in order, last partial batch kept. */
  readonly valid: ImageDataLoader;
  /** Class names. */
  readonly classes: string[];
  /** Folder (or URL) the data came from, when known. */
  readonly path: string | undefined;

  constructor(train: ImageDataLoader, valid: ImageDataLoader, classes: string[], path?: string) {
    this.train = train;
    this.valid = valid;
    this.classes = classes;
    this.path = path;
  }

  /** Number of classes. */
  get c(): number {
    return this.classes.length;
  }

  /**
   * Normalises the batches of both loaders with `stats` (or with stats computed from the training
   * images when omitted, like fastai's `normalize()`); returns the bunch.
   *
   * @example
   * ```ts
   * data.normalize(mnistStats);
   * data.normalize(); // per-channel mean and std of the training images
   * ```
   */
  normalize(stats?: NormStats): this {
    const s = stats ?? this.trainStats();
    this.train.normalization = s;
    this.valid.normalization = s;
    return this;
  }

  /**
   * Per-channel mean and standard deviation of the training images, in [0, 1] units and in the
   * loaders' channel layout (before augmentation).
   *
   * @example
   * ```ts
   * const { mean, std } = data.trainStats();
   * ```
   */
  trainStats(): NormStats {
    const { set, indices, channels } = this.train;
    const sc = set.channels;
    const per = set.height * set.width * sc;
    const scale = set.pixels instanceof Uint8Array ? 1 / 255 : 1;
    const sum = new Float64Array(sc);
    const sq = new Float64Array(sc);
    for (const i of indices) {
      const off = i * per;
      for (let c = 0; c < sc; c++) {
        let s = 0;
        let q = 0;
        for (let p = c; p < per; p += sc) {
          const v = set.pixels[off + p]! * scale;
          s += v;
          q += v * v;
        }
        sum[c] = sum[c]! + s;
        sq[c] = sq[c]! + q;
      }
    }
    const count = (indices.length * per) / sc || 1;
    let mean = Array.from(sum, (s) => s / count);
    let sqMean = Array.from(sq, (s) => s / count);
    if (sc !== channels) {
      // Gray stored, 3 channels out: same value per channel; colour stored, 1 out: average.
      const m = mean.reduce((a, b) => a + b, 0) / sc;
      const q = sqMean.reduce((a, b) => a + b, 0) / sc;
      mean = new Array<number>(channels).fill(m);
      sqMean = new Array<number>(channels).fill(q);
    }
    const std = mean.map((m, c) => Math.sqrt(Math.max(sqMean[c]! - m * m, 0)) || 1);
    return { mean, std };
  }

  /**
   * The images of the first batch of a pass as a PNG grid (`rows`×`rows` images, fastai's
   * `show_batch`), each captioned with its class name; augmentations are applied as in training,
   * normalisation undone. Runs anywhere (no file system); Node's `showBatch` writes it to a file.
   *
   * @example
   * ```ts
   * const png = data.batchGridPng({ rows: 3 });
   * document.querySelector('img')!.src = URL.createObjectURL(new Blob([png], { type: 'image/png' }));
   * ```
   */
  batchGridPng(options: ShowBatchOptions = {}): Uint8Array {
    const { split = 'train', rows = 3, epoch = 0 } = options;
    if (split !== 'train' && split !== 'valid') {
      throw new RangeError(`showBatch: split must be 'train' or 'valid', got ${String(split)}`);
    }
    if (!(Number.isInteger(rows) && rows >= 1 && rows <= 32)) {
      throw new RangeError(`showBatch: rows must be an integer in [1, 32], got ${rows}`);
    }
    const dl = split === 'train' ? this.train : this.valid;
    const count = Math.min(rows * rows, dl.batchSize, dl.size);
    if (count === 0) throw new RangeError(`showBatch: the ${split} loader has no items`);
    const items = dl.order(epoch).subarray(0, count);
    const { data, labels } = dl.fill(items, mixSeed(dl.seed, epoch, 2, 0));
    const norm = dl.normalization;
    if (norm) {
      const c = dl.channels;
      for (let i = 0; i < data.length; i++) data[i] = data[i]! * norm.std[i % c]! + norm.mean[i % c]!;
    }
    const grid = renderImageGrid(
      data,
      [count, dl.height, dl.width, dl.channels],
      Array.from(labels, (l) => this.classes[l] ?? String(l)),
      { cols: Math.min(rows, count), ...(options.scale ? { scale: options.scale } : {}) },
    );
    return encodeRgbPng(grid.width, grid.height, grid.data);
  }

  /**
   * A bunch from two {@link ImageSet}s (training and validation) and the class names.
   *
   * @example
   * ```ts
   * const data = ImageDataBunch.fromImageSets(trainSet, validSet, ['3', '7'], { bs: 64 });
   * ```
   */
  static fromImageSets<T>(
    this: BunchClass<T>,
    train: ImageSet,
    valid: ImageSet,
    classes: readonly string[],
    options: BunchOptions = {},
    path?: string,
  ): T {
    const names = checkClasses(classes);
    validateImageSet(train, names.length, 'train');
    validateImageSet(valid, names.length, 'valid');
    if (train.height !== valid.height || train.width !== valid.width) {
      throw new RangeError(
        `train images are ${train.width}×${train.height} but valid images ${valid.width}×${valid.height}; ` +
          'both splits must have one size',
      );
    }
    const loaders = makeLoaders(train, valid, undefined, undefined, options);
    // biome-ignore lint/complexity/noThisInStatic: polymorphic factory, subclasses inherit it
    return finish(new this(loaders[0], loaders[1], names, path), options);
  }

  /**
   * A bunch from pixel arrays. `x` holds `shape = [n, height, width, channels]` values (NHWC;
   * uint8 0..255 or float32 in [0, 1]; channels 1 or 3), `labels` one class index per image.
   * The validation set is `{ valid: { x, labels } }` (same height, width, channels), or a seeded
   * random `validPct` of the images (default 0.2).
   *
   * @example
   * ```ts
   * const data = ImageDataBunch.fromArrays(x, labels, [1000, 28, 28, 1], ['0', '1'], { validPct: 0.1, bs: 32 });
   * ```
   */
  static fromArrays<T>(
    this: BunchClass<T>,
    x: Uint8Array | Float32Array,
    labels: ArrayLike<number>,
    shape: readonly [number, number, number, number],
    classes: readonly string[],
    options: BunchOptions & {
      validPct?: number;
      valid?: { x: Uint8Array | Float32Array; labels: ArrayLike<number> };
    } = {},
  ): T {
    const names = checkClasses(classes);
    if (!(x instanceof Uint8Array || x instanceof Float32Array)) {
      throw new TypeError('fromArrays: x must be a Uint8Array (0..255) or a Float32Array ([0, 1])');
    }
    if (!Array.isArray(shape) || shape.length !== 4) {
      throw new RangeError(
        `fromArrays: shape must be [n, height, width, channels], got ${JSON.stringify(shape)}`,
      );
    }
    const [n, height, width, ch] = shape;
    if (ch !== 1 && ch !== 3)
      throw new RangeError(`fromArrays: shape[3] (channels) must be 1 or 3, got ${ch}`);
    const toSet = (
      px: Uint8Array | Float32Array,
      lb: ArrayLike<number>,
      count: number,
      what: string,
    ): ImageSet => {
      const labelsArr = Int32Array.from(lb);
      for (let i = 0; i < labelsArr.length; i++) {
        if (labelsArr[i] !== lb[i])
          throw new RangeError(`fromArrays: ${what} labels[${i}] = ${lb[i]} is not an integer`);
      }
      const set: ImageSet = { n: count, height, width, channels: ch, pixels: px, labels: labelsArr };
      validateImageSet(set, names.length, what);
      return set;
    };
    const train = toSet(x, labels, n, 'train');
    if (options.valid) {
      const vx = options.valid.x;
      const per = height * width * ch;
      if (!(vx instanceof Uint8Array || vx instanceof Float32Array) || vx.length % per !== 0) {
        throw new RangeError(
          `fromArrays: valid.x must hold a whole number of ${height}×${width}×${ch} images`,
        );
      }
      const valid = toSet(vx, options.valid.labels, vx.length / per, 'valid');
      const loaders = makeLoaders(train, valid, undefined, undefined, options);
      // biome-ignore lint/complexity/noThisInStatic: polymorphic factory, subclasses inherit it
      return finish(new this(loaders[0], loaders[1], names), options);
    }
    const validPct = options.validPct ?? 0.2;
    checkPct(validPct);
    const [trainIdx, validIdx] = randomSplit(n, validPct, options.seed ?? 0);
    const loaders = makeLoaders(train, train, trainIdx, validIdx, options);
    // biome-ignore lint/complexity/noThisInStatic: polymorphic factory, subclasses inherit it
    return finish(new this(loaders[0], loaders[1], names), options);
  }

  /**
   * A bunch from the compact binary written by `encodeImageSets` / `packImageFolder` (sets named
   * `train` and `valid`).
   *
   * @example
   * ```ts
   * const data = ImageDataBunch.fromBinary(new Uint8Array(readFileSync('mnist_sample.ocimg')));
   * ```
   */
  static fromBinary<T>(this: BunchClass<T>, bytes: Uint8Array, options: BunchOptions = {}, path?: string): T {
    const { classes, sets } = decodeImageSets(bytes);
    if (!sets.train || !sets.valid) {
      throw new Error(
        `image-set binary: needs sets 'train' and 'valid', has [${Object.keys(sets).join(', ')}]`,
      );
    }
    return (BaseImageDataBunch.fromImageSets<T>).call(
      // biome-ignore lint/complexity/noThisInStatic: polymorphic factory, subclasses inherit it
      this,
      sets.train,
      sets.valid,
      classes,
      options,
      path,
    );
  }

  /**
   * Fetches the compact binary (see `fromBinary`; gzip-compressed or not) from a URL and builds a
   * bunch — how the browser demo loads MNIST_SAMPLE. Throws an Error naming the URL on an HTTP error.
   *
   * @example
   * ```ts
   * const data = await ImageDataBunch.fromUrl('/data/mnist_sample.ocimg', { bs: 64 });
   * ```
   */
  static async fromUrl<T>(this: BunchClass<T>, url: string | URL, options: BunchOptions = {}): Promise<T> {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`fromUrl: ${String(url)} answered HTTP ${res.status} ${res.statusText}`);
    const bytes = await gunzipIfNeeded(new Uint8Array(await res.arrayBuffer()));
    // biome-ignore lint/complexity/noThisInStatic: polymorphic factory, subclasses inherit it
    return (BaseImageDataBunch.fromBinary<T>).call(this, bytes, options, String(url));
  }
}

/**
 * Seeded random split of `0..n-1` into (train, valid) index lists; `valid` gets `round(n·pct)` items.
 *
 * @example
 * ```ts
 * const [trainIdx, validIdx] = randomSplit(100, 0.2, 0);
 * ```
 */
export function randomSplit(n: number, validPct: number, seed: number): [Int32Array, Int32Array] {
  checkPct(validPct);
  const perm = permutation(n, seededRandom(mixSeed(seed, 0x5eed)));
  const nv = Math.round(n * validPct);
  const valid = perm.slice(0, nv).sort();
  const train = perm.slice(nv).sort();
  return [train, valid];
}

/**
 * Splits one set at `nTrain` (training images first) into two sets sharing its memory.
 *
 * @example
 * ```ts
 * const [train, valid] = splitAt(all, 12396);
 * ```
 */
export function splitAt(set: ImageSet, nTrain: number): [ImageSet, ImageSet] {
  return [sliceImageSet(set, 0, nTrain), sliceImageSet(set, nTrain, set.n)];
}

function makeLoaders(
  train: ImageSet,
  valid: ImageSet,
  trainIdx: Int32Array | undefined,
  validIdx: Int32Array | undefined,
  options: BunchOptions,
): [ImageDataLoader, ImageDataLoader] {
  const common = {
    batchSize: options.bs ?? 64,
    seed: options.seed ?? 0,
    channels: options.channels ?? 3,
    padding: options.padding ?? 'reflection',
  } as const;
  return [
    new ImageDataLoader(train, {
      ...common,
      shuffle: true,
      dropLast: true,
      tfms: options.tfms ?? [],
      ...(trainIdx ? { indices: trainIdx } : {}),
    }),
    new ImageDataLoader(valid, {
      ...common,
      shuffle: false,
      dropLast: false,
      tfms: options.validTfms ?? [],
      ...(validIdx ? { indices: validIdx } : {}),
    }),
  ];
}

function finish<T>(bunch: T, options: BunchOptions): T {
  if (options.normalize) {
    const b = bunch as unknown as BaseImageDataBunch;
    b.normalize(options.normalize === true ? undefined : options.normalize);
  }
  return bunch;
}

/**
 * Decompresses gzip data (detected by its magic bytes) with the platform's `DecompressionStream`
 * (browsers and Node ≥ 18); other bytes are returned as they are.
 *
 * @example
 * ```ts
 * const raw = await gunzipIfNeeded(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * ```
 */
export async function gunzipIfNeeded(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

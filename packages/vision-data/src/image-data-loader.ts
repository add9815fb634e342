import * as tf from '@tensorflow/tfjs-core';
import { applyTransforms, type ImageTransform, type PaddingMode } from './augmentation.js';
import { imageFiller } from './image-filler.js';
import type { ImageSet } from './image-set.js';
import { type NormStats, resolveNormStats } from './normalization.js';
import { mixSeed, permutation, seededRandom } from './seeded-random.js';
import type { Batch, DataLoader } from './types.js';

/**
 * Options of an {@link ImageDataLoader}.
 *
 * @example
 * ```ts
 * const opts: ImageDataLoaderOptions = { batchSize: 64, shuffle: true, dropLast: true, seed: 0 };
 * ```
 */
export interface ImageDataLoaderOptions {
  /** Items per batch (positive integer). */
  batchSize: number;
  /** Shuffle by `(seed, epoch)` (training) or keep the order (validation). */
  shuffle: boolean;
  /** Drop the last partial batch (training) or keep it (validation). */
  dropLast: boolean;
  /** Seed of the shuffling and of the augmentations. Default 0. */
  seed?: number;
  /** Channels of the batches: 3 (default; grayscale repeated, as fastai opens images as RGB) or 1. */
  channels?: 1 | 3;
  /** Which items of the set this loader serves (default: all, in order). */
  indices?: Int32Array;
  /** Augmentations applied to every item of every batch. */
  tfms?: readonly ImageTransform[];
  /** Fill mode of the geometric augmentations. Default `'reflection'` (fastai's). */
  padding?: PaddingMode;
  /** Normalisation applied after the augmentations. */
  normalization?: NormStats | null;
}

/**
 * Batches of an {@link ImageSet} as tfjs tensors. Pixels stay compact (uint8, usually 1 channel)
 * in memory; each batch is filled in one pass (grayscale expanded to 3 channels, scaled to [0, 1],
 * augmented, normalised) without per-pixel tensor ops: on tfjs's WASM backend straight into the
 * batch tensor's memory, elsewhere into the Float32Array the tensor is made from.
 *
 * @example
 * ```ts
 * const dl = new ImageDataLoader(set, { batchSize: 64, shuffle: true, dropLast: true, seed: 0 });
 * for (const { x, y } of dl.batches(0)) { x.dispose(); y.dispose(); }
 * ```
 */
export class ImageDataLoader implements DataLoader {
  /** The images served. */
  readonly set: ImageSet;
  /** Items per batch. */
  readonly batchSize: number;
  /** Whether passes are shuffled. */
  readonly shuffle: boolean;
  /** Whether the last partial batch is dropped. */
  readonly dropLast: boolean;
  /** Seed of shuffling and augmentation. */
  readonly seed: number;
  /** Channels of the batches. */
  readonly channels: 1 | 3;
  /** Indices (into `set`) of the items served, in unshuffled order. */
  readonly indices: Int32Array;
  /** Augmentations (empty: none). */
  tfms: readonly ImageTransform[];
  /** Fill mode of geometric augmentations. */
  padding: PaddingMode;
  private norm: NormStats | null = null;
  private lutCache: { key: string; luts: Float32Array[] } | undefined;
  private nextEpoch = 0;

  constructor(set: ImageSet, options: ImageDataLoaderOptions) {
    const {
      batchSize,
      shuffle,
      dropLast,
      seed = 0,
      channels = 3,
      tfms = [],
      padding = 'reflection',
    } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`bs (batch size) must be a positive integer, got ${batchSize}`);
    }
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    if (channels !== 1 && channels !== 3) throw new RangeError(`channels must be 1 or 3, got ${channels}`);
    if (!['reflection', 'zeros', 'border'].includes(padding)) {
      throw new RangeError(`padding must be 'reflection', 'zeros' or 'border', got ${String(padding)}`);
    }
    this.set = set;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.seed = seed;
    this.channels = channels;
    this.tfms = tfms;
    this.padding = padding;
    if (options.indices) {
      for (const i of options.indices) {
        if (!(i >= 0 && i < set.n)) throw new RangeError(`indices: ${i} is outside [0, ${set.n - 1}]`);
      }
      this.indices = options.indices;
    } else {
      this.indices = new Int32Array(set.n);
      for (let i = 0; i < set.n; i++) this.indices[i] = i;
    }
    this.normalization = options.normalization ?? null;
  }

  /** Items served per pass. */
  get size(): number {
    return this.indices.length;
  }

  /** Batches per pass. */
  get length(): number {
    return this.dropLast ? Math.floor(this.size / this.batchSize) : Math.ceil(this.size / this.batchSize);
  }

  /** Image height. */
  get height(): number {
    return this.set.height;
  }

  /** Image width. */
  get width(): number {
    return this.set.width;
  }

  /** Normalisation stats applied to batches (null: none). Setting checks them against `channels`. */
  get normalization(): NormStats | null {
    return this.norm;
  }

  set normalization(stats: NormStats | null) {
    this.norm = stats ? resolveNormStats(stats, this.channels) : null;
  }

  /**
   * Indices (into `set`) of the items of one pass, in the order they are served.
   *
   * @example
   * ```ts
   * const firstItem = data.train.order(0)[0];
   * ```
   */
  order(epoch = 0): Int32Array {
    if (!this.shuffle) return this.indices;
    const perm = permutation(this.size, seededRandom(mixSeed(this.seed, epoch, 1)));
    const out = new Int32Array(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.indices[perm[i]!]!;
    return out;
  }

  /**
   * The batches of one pass. Without `epoch`, successive calls use epochs 0, 1, 2, …
   * Tensors are created lazily as the iterator advances; the caller disposes them.
   *
   * @example
   * ```ts
   * for (const { x, y } of data.train.batches(epoch)) { ...; x.dispose(); y.dispose(); }
   * ```
   */
  batches(epoch?: number): Iterable<Batch> {
    const e = epoch ?? this.nextEpoch;
    if (!Number.isInteger(e) || e < 0)
      throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
    this.nextEpoch = e + 1;
    const order = this.order(e);
    const n = this.length;
    const bs = this.batchSize;
    const self = this;
    return {
      *[Symbol.iterator]() {
        for (let b = 0; b < n; b++) {
          const items = order.subarray(b * bs, Math.min((b + 1) * bs, order.length));
          yield self.makeBatch(items, mixSeed(self.seed, e, 2, b));
        }
      },
    };
  }

  /**
   * The first batch of a pass (e.g. for a look at the data); the caller disposes it.
   *
   * @example
   * ```ts
   * const { x, y } = data.valid.oneBatch();
   * ```
   */
  oneBatch(epoch = 0): Batch {
    for (const b of this.batches(epoch)) return b;
    throw new RangeError(
      `oneBatch: the loader has no complete batch (${this.size} items, batch size ${this.batchSize})`,
    );
  }

  /**
   * Builds the float32 NHWC data of the given items (no tensors): what a batch holds.
   *
   * @example
   * ```ts
   * const { data, labels } = data.valid.fill(new Int32Array([0, 1, 2]));
   * ```
   */
  fill(items: Int32Array, augmentSeed = 0): { data: Float32Array; labels: Int32Array } {
    const data = new Float32Array(items.length * this.imageSize);
    const labels = new Int32Array(items.length);
    this.fillInto(data, labels, items, augmentSeed);
    return { data, labels };
  }

  /** Values per image of a batch. */
  private get imageSize(): number {
    return this.set.height * this.set.width * this.channels;
  }

  /**
   * Writes every value of `data` (nothing is left from its previous content) and `labels`. Bytes
   * without augmentations go through the tables straight to their final values; otherwise the
   * images are scaled, then augmented and normalised in place.
   */
  private fillInto(data: Float32Array, labels: Int32Array, items: Int32Array, augmentSeed: number): void {
    const { height: h, width: w, channels: sc, pixels } = this.set;
    const oc = this.channels;
    const imgIn = h * w * sc;
    const imgOut = this.imageSize;
    const tablesOnly = pixels instanceof Uint8Array && this.tfms.length === 0;
    const fillImage = imageFiller(pixels, sc, oc, h * w, tablesOnly ? this.luts() : plain, tablesOnly);
    for (let k = 0; k < items.length; k++) {
      const idx = items[k]!;
      labels[k] = this.set.labels[idx]!;
      fillImage(idx * imgIn, data, k * imgOut);
    }
    if (tablesOnly) return;
    if (this.tfms.length > 0) {
      const rand = seededRandom(augmentSeed);
      const scratch = new Float32Array(imgOut);
      for (let k = 0; k < items.length; k++) {
        const img = data.subarray(k * imgOut, (k + 1) * imgOut);
        applyTransforms(img, h, w, oc, this.tfms, rand, this.padding, scratch);
      }
    }
    if (this.norm) normalizeInPlace(data, oc, this.norm);
  }

  /**
   * A batch's tensors. On a backend that keeps tensors in a WebAssembly heap (tfjs's WASM backend)
   * the values are filled straight into the new tensor's memory: no staging array, no copy. Other
   * backends (CPU, tfjs-node, WebGL) keep the array a tensor is made from, so each batch gets its own.
   */
  private makeBatch(items: Int32Array, augmentSeed: number): Batch {
    const shape: [number, number, number, number] = [
      items.length,
      this.set.height,
      this.set.width,
      this.channels,
    ];
    const labels = new Int32Array(items.length);
    const heap = heapBackend();
    let x: tf.Tensor4D;
    if (heap) {
      const info = heap.makeOutput(shape, 'float32');
      x = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
      try {
        this.fillInto(heap.typedArrayFromHeap(info), labels, items, augmentSeed);
      } catch (error) {
        x.dispose();
        throw error;
      }
    } else {
      const data = new Float32Array(items.length * this.imageSize);
      this.fillInto(data, labels, items, augmentSeed);
      x = tf.tensor4d(data, shape, 'float32');
    }
    return { x, y: tf.tensor1d(labels, 'int32') };
  }

  /**
   * One 256-entry table per output channel: byte → normalised float. Channels with the same mean
   * and std share one table (the gray → RGB fill then looks each pixel up once). Built once per
   * normalization, not per batch.
   */
  private luts(): Float32Array[] {
    const norm = this.norm;
    // Keyed by the values (the stats object can be edited in place through the getter).
    const key = norm ? `${Array.from(norm.mean).join(',')}|${Array.from(norm.std).join(',')}` : '';
    if (this.lutCache !== undefined && this.lutCache.key === key) return this.lutCache.luts;
    const out: Float32Array[] = [];
    for (let c = 0; c < this.channels; c++) {
      const mean = norm ? norm.mean[c]! : 0;
      const std = norm ? norm.std[c]! : 1;
      const same = out.findIndex(
        (_, k) => (norm ? norm.mean[k]! : 0) === mean && (norm ? norm.std[k]! : 1) === std,
      );
      if (same >= 0) {
        out.push(out[same]!);
        continue;
      }
      const lut = new Float32Array(256);
      for (let v = 0; v < 256; v++) lut[v] = (v / 255 - mean) / std;
      out.push(lut);
    }
    this.lutCache = { key, luts: out };
    return out;
  }
}

/** What a backend that keeps tensors in a WebAssembly heap offers for filling one in place. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** The active backend when it is tfjs's WASM backend (tensors in its heap), else undefined. */
function heapBackend(): HeapBackend | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as Partial<HeapBackend>;
  return typeof backend.makeOutput === 'function' && typeof backend.typedArrayFromHeap === 'function'
    ? (backend as HeapBackend)
    : undefined;
}

/** Bytes scaled to [0, 1], the same table for every channel. */
const plainTable = new Float32Array(256).map((_, v) => v / 255);
const plain = [plainTable, plainTable, plainTable];

/** `(x - mean[c]) / std[c]` for each value of channel c of HWC images. */
function normalizeInPlace(data: Float32Array, channels: number, norm: NormStats): void {
  for (let c = 0; c < channels; c++) {
    const mean = norm.mean[c]!;
    const std = norm.std[c]!;
    for (let p = c; p < data.length; p += channels) data[p] = (data[p]! - mean) / std;
  }
}

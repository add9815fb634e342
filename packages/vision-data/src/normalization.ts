/**
 * Per-channel statistics used to normalise images: `x → (x - mean[c]) / std[c]`. A single value
 * applies to every channel.
 *
 * @example
 * ```ts
 * const stats: NormStats = { mean: [0.1307], std: [0.3081] };
 * data.normalize(stats);
 * ```
 */
export interface NormStats {
  /** Mean per channel (1 value, or one per output channel). */
  readonly mean: readonly number[];
  /** Standard deviation per channel (positive). */
  readonly std: readonly number[];
}

/**
 * ImageNet statistics (fastai's `imagenet_stats`), for models pretrained on ImageNet.
 *
 * @example
 * ```ts
 * data.normalize(imagenetStats);
 * ```
 */
export const imagenetStats: NormStats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * MNIST statistics (fastai's `mnist_stats`): the same value for the 3 channels.
 *
 * @example
 * ```ts
 * data.normalize(mnistStats);
 * ```
 */
export const mnistStats: NormStats = { mean: [0.15, 0.15, 0.15], std: [0.15, 0.15, 0.15] };

/**
 * CIFAR-10 statistics (fastai's `cifar_stats`).
 *
 * @example
 * ```ts
 * data.normalize(cifarStats);
 * ```
 */
export const cifarStats: NormStats = { mean: [0.491, 0.482, 0.447], std: [0.247, 0.243, 0.261] };

/**
 * Checks stats against the number of output channels and returns them expanded to one value per
 * channel. Throws a RangeError naming the field when a length or a std is invalid.
 *
 * @example
 * ```ts
 * resolveNormStats({ mean: [0.5], std: [0.25] }, 3); // { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }
 * ```
 */
export function resolveNormStats(stats: NormStats, channels: number): NormStats {
  const expand = (values: readonly number[], name: string): number[] => {
    if (!Array.isArray(values) || (values.length !== 1 && values.length !== channels)) {
      throw new RangeError(
        `normalize: stats.${name} must have 1 or ${channels} values (one per channel), got ${
          Array.isArray(values) ? values.length : typeof values
        }`,
      );
    }
    for (const v of values) {
      if (!Number.isFinite(v))
        throw new RangeError(`normalize: stats.${name} must be finite numbers, got ${v}`);
      if (name === 'std' && !(v > 0)) throw new RangeError(`normalize: stats.std must be > 0, got ${v}`);
    }
    return values.length === 1 ? new Array<number>(channels).fill(values[0]!) : [...values];
  };
  return { mean: expand(stats.mean, 'mean'), std: expand(stats.std, 'std') };
}

import { BatchNorm2d } from './layers/batch-norm2d.js';
import { Conv2d } from './layers/conv2d.js';
import { ReLU } from './layers/relu.js';
import type { Module } from './module.js';
import { type Rng, resolveRng } from './rng.js';
import { Sequential } from './sequential.js';

/**
 * Options of {@link convLayer}.
 *
 * @example
 * ```ts
 * const opts: ConvLayerOptions = { ks: 3, stride: 2, bn: false, seed: 0 };
 * ```
 */
export interface ConvLayerOptions {
  /** Kernel size, default 3. */
  ks?: number;
  /** Stride, default 1. */
  stride?: number;
  /** Padding, default `(ks − 1) / 2` (rounded down): "same" size at stride 1. */
  padding?: number;
  /** Add a batch norm after the activation, default `true` (fastai's `NormType.Batch`). */
  bn?: boolean;
  /** Conv bias, default `!bn`. */
  bias?: boolean;
  /** Add the ReLU, default `true`. */
  useActiv?: boolean;
  /** Seed of the initialisation (ignored if `rng` is given). */
  seed?: number;
  /** Random stream for the initialisation. */
  rng?: Rng;
}

/**
 * fastai v1's `conv_layer(ni, nf, ks, stride)`: `Sequential(Conv2d, ReLU, BatchNorm2d)` with a
 * Kaiming-normal conv weight and zero bias; the conv has a bias only without batch norm; the
 * batch norm (if any) comes after the ReLU. Parameter names: `0.weight`, `0.bias`, `2.weight`, …
 *
 * @example
 * ```ts
 * import { convLayer } from '@onecycle/models';
 * const layer = convLayer(3, 16, { stride: 2, bn: false, seed: 0 }); // Conv2d(3→16, 3×3, s2, p1) + ReLU
 * ```
 */
export function convLayer(ni: number, nf: number, options: ConvLayerOptions = {}): Sequential {
  const ks = options.ks ?? 3;
  const bn = options.bn ?? true;
  const rng = resolveRng(options);
  const conv = new Conv2d(ni, nf, ks, {
    stride: options.stride ?? 1,
    padding: options.padding ?? Math.floor((ks - 1) / 2),
    bias: options.bias ?? !bn,
    init: 'kaimingNormal',
    rng,
  });
  const layers: Module[] = [conv];
  if (options.useActiv ?? true) layers.push(new ReLU());
  if (bn) layers.push(new BatchNorm2d(nf));
  return new Sequential(...layers);
}

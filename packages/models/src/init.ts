import type { Rng } from './rng.js';

function checkFanIn(fanIn: number, fn: string): void {
  if (!Number.isInteger(fanIn) || fanIn < 1)
    throw new RangeError(`${fn}: fanIn must be an integer ≥ 1, got ${fanIn}`);
}

function checkSize(size: number, fn: string): void {
  if (!Number.isInteger(size) || size < 0)
    throw new RangeError(`${fn}: size must be an integer ≥ 0, got ${size}`);
}

/**
 * Kaiming (He) normal initialisation, PyTorch's `kaiming_normal_` with its defaults (a = 0,
 * mode 'fan_in', nonlinearity 'leaky_relu' ⇒ gain √2): values ~ N(0, 2 / fanIn). This is what
 * fastai's `conv_layer` uses for convolution weights.
 *
 * @param size - number of values.
 * @param fanIn - inputs per output unit (for a convolution: inChannels · kh · kw).
 * @example
 * ```ts
 * import { kaimingNormal, Rng } from '@onecycle/models';
 * const w = kaimingNormal(16 * 3 * 3 * 3, 3 * 3 * 3, new Rng(0)); // std = sqrt(2 / 27)
 * ```
 */
export function kaimingNormal(size: number, fanIn: number, rng: Rng): Float32Array {
  checkSize(size, 'kaimingNormal');
  checkFanIn(fanIn, 'kaimingNormal');
  const std = Math.sqrt(2 / fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
  return out;
}

/**
 * Uniform values in [-bound, bound).
 *
 * @example
 * ```ts
 * import { uniformInit, Rng } from '@onecycle/models';
 * const b = uniformInit(10, 0.1, new Rng(0));
 * ```
 */
export function uniformInit(size: number, bound: number, rng: Rng): Float32Array {
  checkSize(size, 'uniformInit');
  if (!(bound >= 0) || !Number.isFinite(bound)) {
    throw new RangeError(`uniformInit: bound must be a finite number ≥ 0, got ${bound}`);
  }
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = (rng.uniform() * 2 - 1) * bound;
  return out;
}

/**
 * PyTorch's default initialisation of `nn.Linear` and `nn.Conv2d` weights:
 * `kaiming_uniform_(a=√5)`, i.e. U(-1/√fanIn, 1/√fanIn).
 *
 * @example
 * ```ts
 * import { torchDefaultWeight, Rng } from '@onecycle/models';
 * const w = torchDefaultWeight(10 * 64, 64, new Rng(0)); // U(-1/8, 1/8)
 * ```
 */
export function torchDefaultWeight(size: number, fanIn: number, rng: Rng): Float32Array {
  checkFanIn(fanIn, 'torchDefaultWeight');
  return uniformInit(size, 1 / Math.sqrt(fanIn), rng);
}

/**
 * PyTorch's default initialisation of `nn.Linear` and `nn.Conv2d` biases: U(-1/√fanIn, 1/√fanIn).
 *
 * @example
 * ```ts
 * import { torchDefaultBias, Rng } from '@onecycle/models';
 * const b = torchDefaultBias(10, 64, new Rng(0));
 * ```
 */
export function torchDefaultBias(size: number, fanIn: number, rng: Rng): Float32Array {
  checkFanIn(fanIn, 'torchDefaultBias');
  return uniformInit(size, 1 / Math.sqrt(fanIn), rng);
}

/**
 * How a convolution or linear layer initialises its parameters:
 * - `'kaimingNormal'`: weights ~ N(0, 2/fanIn), biases zero (fastai's `init_default` with `kaiming_normal_`);
 * - `'torch'`: PyTorch's own defaults (`kaiming_uniform_(a=√5)` weights, U(±1/√fanIn) biases).
 *
 * @example
 * ```ts
 * import { Conv2d } from '@onecycle/models';
 * const conv = new Conv2d(3, 16, 3, { init: 'kaimingNormal', seed: 0 });
 * ```
 */
export type InitScheme = 'kaimingNormal' | 'torch';

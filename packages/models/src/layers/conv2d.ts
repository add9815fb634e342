import { conv2dBiasAct } from '@onecycle/ops';
import type * as tf from '@tensorflow/tfjs-core';
import { type InitScheme, kaimingNormal, torchDefaultBias, torchDefaultWeight } from '../init.js';
import { Module } from '../module.js';
import { type Rng, resolveRng } from '../rng.js';
import { checkInt, checkNhwc, pair } from './check.js';

/**
 * Options of {@link Conv2d}.
 *
 * @example
 * ```ts
 * const opts: Conv2dOptions = { stride: 2, padding: 1, bias: false, init: 'kaimingNormal', seed: 0 };
 * ```
 */
export interface Conv2dOptions {
  /** Stride (one number or `[sh, sw]`), default 1. */
  stride?: number | readonly [number, number];
  /** Zero padding added on both sides, PyTorch style (one number or `[ph, pw]`), default 0. */
  padding?: number | readonly [number, number];
  /** Whether to add a bias, default `true`. */
  bias?: boolean;
  /** Initialisation, default `'torch'` (PyTorch's); fastai's `conv_layer` uses `'kaimingNormal'`. */
  init?: InitScheme;
  /** Seed of the initialisation (ignored if `rng` is given). Without either, a random seed. */
  seed?: number;
  /** Random stream for the initialisation. */
  rng?: Rng;
}

/**
 * 2-D convolution on NHWC input, equivalent to PyTorch's `nn.Conv2d` (symmetric zero padding,
 * stride, optional bias). The filter variable is `[kh, kw, in, out]`; weights files store it as
 * PyTorch's `[out, in, kh, kw]`. Output size: `floor((H + 2·pad − k) / stride) + 1`.
 *
 * @example
 * ```ts
 * import { Conv2d } from '@onecycle/models';
 * const conv = new Conv2d(3, 16, 3, { stride: 2, padding: 1, seed: 0 });
 * const y = tf.tidy(() => conv.forward(tf.zeros([8, 28, 28, 3]))); // [8, 14, 14, 16]
 * ```
 */
export class Conv2d extends Module {
  /** Input channels. */
  readonly inChannels: number;
  /** Output channels. */
  readonly outChannels: number;
  /** `[kh, kw]`. */
  readonly kernelSize: [number, number];
  /** `[sh, sw]`. */
  readonly stride: [number, number];
  /** `[ph, pw]`: zero rows/columns added at each side. */
  readonly padding: [number, number];
  /** Filter `[kh, kw, in, out]`. */
  readonly weight: tf.Variable;
  /** Bias `[out]`, or `null`. */
  readonly bias: tf.Variable | null;
  private readonly pad: number | [[number, number], [number, number], [number, number], [number, number]];

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly [number, number],
    options: Conv2dOptions = {},
  ) {
    super();
    this.inChannels = checkInt(inChannels, 1, 'Conv2d: inChannels');
    this.outChannels = checkInt(outChannels, 1, 'Conv2d: outChannels');
    this.kernelSize = pair(kernelSize, 1, 'Conv2d: kernelSize');
    this.stride = pair(options.stride ?? 1, 1, 'Conv2d: stride');
    this.padding = pair(options.padding ?? 0, 0, 'Conv2d: padding');
    const init = options.init ?? 'torch';
    if (init !== 'torch' && init !== 'kaimingNormal') {
      throw new RangeError(`Conv2d: init must be 'torch' or 'kaimingNormal', got '${String(init)}'`);
    }
    const [kh, kw] = this.kernelSize;
    const [ph, pw] = this.padding;
    this.pad =
      ph === pw
        ? ph
        : [
            [0, 0],
            [ph, ph],
            [pw, pw],
            [0, 0],
          ];
    const rng = resolveRng(options);
    const fanIn = inChannels * kh * kw;
    const size = fanIn * outChannels;
    // Draw in PyTorch's [out, in, kh, kw] order, then store as [kh, kw, in, out].
    const oihw =
      init === 'kaimingNormal' ? kaimingNormal(size, fanIn, rng) : torchDefaultWeight(size, fanIn, rng);
    const hwio = new Float32Array(size);
    for (let o = 0; o < outChannels; o++)
      for (let i = 0; i < inChannels; i++)
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++) {
            hwio[((y * kw + x) * inChannels + i) * outChannels + o] =
              oihw[((o * inChannels + i) * kh + y) * kw + x]!;
          }
    this.weight = this.addParameter('weight', hwio, [kh, kw, inChannels, outChannels], 'weight', 'conv2d');
    if (options.bias ?? true) {
      const b =
        init === 'kaimingNormal' ? new Float32Array(outChannels) : torchDefaultBias(outChannels, fanIn, rng);
      this.bias = this.addParameter('bias', b, [outChannels], 'bias');
    } else {
      this.bias = null;
    }
  }

  /**
   * Convolves a `[N, H, W, inChannels]` batch.
   *
   * @example
   * ```ts
   * const y = tf.tidy(() => conv.forward(x));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    return this.forwardActivated(x, 'linear');
  }

  /**
   * Convolution, bias and an activation as one op ({@link conv2dBiasAct}): one kernel forward and
   * two backward on backends that register its kernels (`@onecycle/backends`' WASM), `tf.fused.conv2d`
   * elsewhere. {@link Sequential} uses it for a `Conv2d` directly followed by a `ReLU`.
   *
   * @example
   * ```ts
   * const y = tf.tidy(() => conv.forwardActivated(x, 'relu')); // same as relu(conv(x))
   * ```
   */
  forwardActivated(x: tf.Tensor, activation: 'linear' | 'relu'): tf.Tensor {
    checkNhwc(x, this.inChannels, `Conv2d(${this.inChannels}→${this.outChannels})`);
    const [kh, kw] = this.kernelSize;
    const [ph, pw] = this.padding;
    const h = x.shape[1]! + 2 * ph;
    const w = x.shape[2]! + 2 * pw;
    if (h < kh || w < kw) {
      throw new Error(
        `Conv2d(${this.inChannels}→${this.outChannels}): input ${x.shape[1]}×${x.shape[2]} with padding ${ph}×${pw} is smaller than the kernel ${kh}×${kw}`,
      );
    }
    return conv2dBiasAct(x as tf.Tensor4D, this.weight as tf.Tensor4D, (this.bias as tf.Tensor1D) ?? null, {
      strides: this.stride,
      pad: this.pad,
      activation,
    });
  }
}

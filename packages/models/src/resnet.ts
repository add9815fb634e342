import { addRelu } from '@onecycle/ops';
import type * as tf from '@tensorflow/tfjs-core';
import { BatchNorm2d } from './layers/batch-norm2d.js';
import { checkInt } from './layers/check.js';
import { Conv2d } from './layers/conv2d.js';
import { Linear } from './layers/linear.js';
import { PoolFlatten } from './layers/pooling.js';
import { ReLU } from './layers/relu.js';
import { Module } from './module.js';
import { type Rng, resolveRng } from './rng.js';
import { Sequential } from './sequential.js';

/**
 * Options of {@link BasicBlock}.
 *
 * @example
 * ```ts
 * const opts: BasicBlockOptions = { stride: 2, seed: 0 };
 * ```
 */
export interface BasicBlockOptions {
  /** Stride of the first conv (and of the shortcut), default 1. */
  stride?: number;
  /** Initialise the second batch norm's scale to 0, so the block starts as the identity. Default `false`. */
  zeroInit?: boolean;
  /** Seed of the initialisation (ignored if `rng` is given). */
  seed?: number;
  /** Random stream for the initialisation. */
  rng?: Rng;
}

/**
 * The residual block of ResNet-18/34 and of the CIFAR ResNets: two 3×3 convs (no bias) each followed
 * by batch norm, ReLU after the first and after the sum with the shortcut. The shortcut is the
 * identity, or a 1×1 conv (stride `stride`) plus batch norm when the stride or channel count changes.
 * Names follow torchvision: `conv1`, `bn1`, `conv2`, `bn2`, `downsample.0`, `downsample.1`.
 *
 * @example
 * ```ts
 * import { BasicBlock } from '@onecycle/models';
 * const block = new BasicBlock(16, 32, { stride: 2, seed: 0 });
 * tf.tidy(() => block.forward(tf.zeros([2, 28, 28, 16]))).shape; // [2, 14, 14, 32]
 * ```
 */
export class BasicBlock extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  /** The projection shortcut, or `null` for the identity. */
  readonly downsample: Sequential | null;

  constructor(inChannels: number, outChannels: number, options: BasicBlockOptions = {}) {
    super();
    const stride = checkInt(options.stride ?? 1, 1, 'BasicBlock: stride');
    const rng = resolveRng(options);
    const conv = (ni: number, nf: number, ks: number, s: number) =>
      new Conv2d(ni, nf, ks, { stride: s, padding: (ks - 1) / 2, bias: false, init: 'kaimingNormal', rng });
    this.conv1 = this.addModule('conv1', conv(inChannels, outChannels, 3, stride));
    this.bn1 = this.addModule('bn1', new BatchNorm2d(outChannels));
    this.conv2 = this.addModule('conv2', conv(outChannels, outChannels, 3, 1));
    this.bn2 = this.addModule('bn2', new BatchNorm2d(outChannels, { initWeight: options.zeroInit ? 0 : 1 }));
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? this.addModule(
            'downsample',
            new Sequential(conv(inChannels, outChannels, 1, stride), new BatchNorm2d(outChannels)),
          )
        : null;
  }

  /**
   * `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`: the first ReLU inside the batch norm's
   * kernels, the sum and the last ReLU one op (`addRelu`) where the backend has them.
   *
   * @example
   * ```ts
   * const y = tf.tidy(() => block.forward(x));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    const h = this.bn2.forward(this.conv2.forward(this.bn1.forwardActivated(this.conv1.forward(x), 'relu')));
    const shortcut = this.downsample ? this.downsample.forward(x) : x;
    return addRelu(h, shortcut);
  }
}

/**
 * Options of {@link resnet}.
 *
 * @example
 * ```ts
 * const opts: ResNetOptions = { depth: 20, widths: [16, 32, 64], nClasses: 10, inChannels: 3, seed: 0 };
 * ```
 */
export interface ResNetOptions {
  /**
   * Number of weighted layers: `2 + 2·blocks·stages` (20, 32, 44, 56, 110 for three stages; 8 is
   * the smallest with three stages). Default 20.
   */
  depth?: number;
  /** Channels of each stage; the first stage keeps the resolution, each next one halves it. Default `[16, 32, 64]`. */
  widths?: readonly number[];
  /** Number of classes (outputs), default 10. */
  nClasses?: number;
  /** Input channels, default 3. */
  inChannels?: number;
  /** Start every residual branch as the identity (last batch norm's scale 0). Default `false`. */
  zeroInitResidual?: boolean;
  /** Seed of the initialisation (ignored if `rng` is given). Same seed ⇒ same weights. */
  seed?: number;
  /** Random stream for the initialisation. */
  rng?: Rng;
}

/**
 * The CIFAR ResNet of He et al. (2016) used in the super-convergence experiments (ResNet-20/56/110):
 * a 3×3 stem conv with batch norm and ReLU, stages of {@link BasicBlock}s (the first block of every
 * stage after the first has stride 2 and a 1×1 projection shortcut), global average pooling and a
 * linear classifier. Convs are Kaiming-normal initialised without bias, the linear layer as in
 * PyTorch. Works on any input of at least 2^(stages−1) pixels, e.g. 28×28 (→ 28, 14, 7) and
 * 32×32 (→ 32, 16, 8).
 *
 * The result is a {@link Sequential}: `0` stem, `1…S` stages, `S+1` pool-flatten, `S+2` linear, so
 * `model.split([S + 1])` puts the classifier in its own layer group.
 *
 * @example
 * ```ts
 * import { resnet } from '@onecycle/models';
 * const model = resnet({ depth: 20, nClasses: 10, inChannels: 1, seed: 0 });
 * tf.tidy(() => model.forward(tf.zeros([4, 28, 28, 1]))).shape; // [4, 10]
 * model.numParameters(); // 272186 (ResNet-20 on 1 channel; 272474 on 3)
 * ```
 */
export function resnet(options: ResNetOptions = {}): Sequential {
  const widths = options.widths ?? [16, 32, 64];
  if (!Array.isArray(widths) || widths.length < 1) {
    throw new RangeError(`resnet: widths must list at least one stage width, got ${String(widths)}`);
  }
  widths.forEach((w, i) => {
    checkInt(w, 1, `resnet: widths[${i}]`);
  });
  const depth = checkInt(options.depth ?? 20, 2 + 2 * widths.length, 'resnet: depth');
  const perStage = (depth - 2) / (2 * widths.length);
  if (!Number.isInteger(perStage)) {
    throw new RangeError(
      `resnet: depth must be 2 + 2·blocks·${widths.length} (e.g. ${[1, 3, 9].map((b) => 2 + 2 * b * widths.length).join(', ')}), got ${depth}`,
    );
  }
  const nClasses = checkInt(options.nClasses ?? 10, 1, 'resnet: nClasses');
  const inChannels = checkInt(options.inChannels ?? 3, 1, 'resnet: inChannels');
  const rng = resolveRng(options);
  const w0 = widths[0]!;
  const stem = new Sequential(
    new Conv2d(inChannels, w0, 3, { padding: 1, bias: false, init: 'kaimingNormal', rng }),
    new BatchNorm2d(w0),
    new ReLU(),
  );
  const stages: Sequential[] = [];
  let ni = w0;
  widths.forEach((nf, s) => {
    const blocks: BasicBlock[] = [];
    for (let b = 0; b < perStage; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      blocks.push(new BasicBlock(ni, nf, { stride, zeroInit: options.zeroInitResidual ?? false, rng }));
      ni = nf;
    }
    stages.push(new Sequential(...blocks));
  });
  return new Sequential(stem, ...stages, new PoolFlatten(), new Linear(ni, nClasses, { rng }));
}

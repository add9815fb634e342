import type * as tf from '@tensorflow/tfjs-core';
import { BatchNorm2d } from './layers/batch-norm2d.js';
import { Conv2d } from './layers/conv2d.js';
import { ReLU } from './layers/relu.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/**
 * Layers applied one after the other, named `'0'`, `'1'`, … like PyTorch's `nn.Sequential`, so
 * parameter names match the equivalent PyTorch model (`'0.0.weight'` for the first conv of
 * fastai's `simple_cnn`). {@link Sequential.split} defines layer groups.
 *
 * @example
 * ```ts
 * import { Sequential, Conv2d, ReLU, PoolFlatten } from '@onecycle/models';
 * const model = new Sequential(new Conv2d(1, 8, 3, { padding: 1 }), new ReLU(), new PoolFlatten());
 * const y = tf.tidy(() => model.forward(tf.zeros([2, 28, 28, 1]))); // [2, 8]
 * ```
 */
export class Sequential extends Module {
  private readonly layerList: Module[];
  private splitPoints: number[] = [];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((layer, i) => {
      if (!(layer instanceof Module)) {
        throw new TypeError(`Sequential: layer ${i} must be a Module, got ${typeof layer}`);
      }
      this.addModule(String(i), layer);
    });
    this.layerList = layers;
  }

  /**
   * Number of layers.
   *
   * @example
   * ```ts
   * simpleCnn([3, 16, 16, 2]).length; // 4 (three conv layers and the pool-flatten)
   * ```
   */
  get length(): number {
    return this.layerList.length;
  }

  /**
   * The layer at `index` (negative counts from the end).
   *
   * @example
   * ```ts
   * const firstConvLayer = model.at(0);
   * ```
   */
  at(index: number): Module {
    const layer = Number.isInteger(index) ? this.layerList.at(index) : undefined;
    if (!layer) {
      throw new RangeError(
        `Sequential.at: index must be an integer in [${-this.length}, ${this.length - 1}], got ${index}`,
      );
    }
    return layer;
  }

  /**
   * The layers, in order.
   *
   * @example
   * ```ts
   * for (const layer of model.layers()) console.log(layer.constructor.name);
   * ```
   */
  layers(): Module[] {
    return [...this.layerList];
  }

  /**
   * Applies every layer in order. A `Conv2d` or a `BatchNorm2d` directly followed by a plain `ReLU`
   * runs as one fused op (same result, see {@link Conv2d.forwardActivated} and
   * {@link BatchNorm2d.forwardActivated}).
   *
   * @example
   * ```ts
   * const logits = tf.tidy(() => model.forward(x));
   * ```
   */
  forward(x: tf.Tensor): tf.Tensor {
    let h = x;
    const layers = this.layerList;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const fusable =
        (layer.constructor === Conv2d || layer.constructor === BatchNorm2d) &&
        layers[i + 1]?.constructor === ReLU;
      if (fusable) {
        h = (layer as Conv2d | BatchNorm2d).forwardActivated(h, 'relu');
        i++;
      } else {
        h = layer.forward(h);
      }
    }
    return h;
  }

  /**
   * Splits the layers into layer groups at the given indices, like fastai's `split`:
   * `split([2])` gives groups `layers[0:2]` and `layers[2:]`. Indices must increase strictly and lie
   * in [0, length]; `split([])` restores the single group. Returns `this`.
   *
   * @example
   * ```ts
   * const model = simpleCnn([3, 16, 16, 2]).split([2]);
   * model.layerGroups().map((g) => g.map((p) => p.name));
   * // [['0.0.weight', '0.0.bias', '1.0.weight', '1.0.bias'], ['2.0.weight', '2.0.bias']]
   * ```
   */
  split(indices: readonly number[]): this {
    let prev = -1;
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i > this.length || i <= prev) {
        throw new RangeError(
          `Sequential.split: indices must be strictly increasing integers in [0, ${this.length}], got [${indices.join(', ')}]`,
        );
      }
      prev = i;
    }
    this.splitPoints = indices.filter((i) => i > 0 && i < this.length);
    return this;
  }

  /**
   * The parameters grouped by the split points set with {@link Sequential.split} (one group by default).
   *
   * @example
   * ```ts
   * model.split([2]).layerGroups().length; // 2
   * ```
   */
  override layerGroups(): Parameter[][] {
    const bounds = [0, ...this.splitPoints, this.length];
    const groups: Parameter[][] = [];
    for (let g = 0; g + 1 < bounds.length; g++) {
      const group: Parameter[] = [];
      for (let i = bounds[g]!; i < bounds[g + 1]!; i++) {
        for (const p of this.layerList[i]!.parameters()) group.push({ ...p, name: `${i}.${p.name}` });
      }
      groups.push(group);
    }
    return groups;
  }
}

import * as tf from '@tensorflow/tfjs-core';
import { gradientOnce } from './gradient-once.js';
import { CONV2D_BIAS_ACT_KERNELS, type Conv2dBiasActAttrs } from './kernel-names.js';

function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) != null;
}

/** `dy`, masked by `y > 0` for a ReLU. */
function activationGrad(
  dy: tf.Tensor,
  y: tf.Tensor,
  activation: Conv2dBiasActAttrs['activation'],
): tf.Tensor {
  return activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy;
}

const registerGradient = gradientOnce({
  kernelName: CONV2D_BIAS_ACT_KERNELS.forward,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dys, saved, attrs) => {
    const dy = dys as tf.Tensor4D;
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const a = attrs as unknown as Conv2dBiasActAttrs;
    // One kernel per gradient where the backend has it (each applies the ReLU mask itself); otherwise
    // tfjs's standard kernels on the masked gradient. Each runs only if its input needs a gradient.
    const run = (
      name: string,
      inputs: tf.NamedTensorMap,
      extra: object,
      standard: (masked: tf.Tensor) => tf.Tensor,
    ) =>
      hasKernel(name)
        ? (tf.engine().runKernel(name, { ...inputs, dy, y }, {
            ...a,
            ...extra,
          } as unknown as tf.NamedAttrMap) as tf.Tensor)
        : standard(activationGrad(dy, y, a.activation));
    const kernel = (name: string, inputs: tf.NamedTensorMap, extra: object) =>
      tf.engine().runKernel(name, inputs, { ...a, ...extra } as unknown as tf.NamedAttrMap) as tf.Tensor;
    return {
      x: () =>
        run(CONV2D_BIAS_ACT_KERNELS.inputGrad, { filter }, { inputShape: x.shape }, (masked) =>
          kernel(tf.Conv2DBackpropInput, { dy: masked, filter }, { inputShape: x.shape }),
        ),
      filter: () =>
        run(CONV2D_BIAS_ACT_KERNELS.filterGrad, { x }, { filterShape: filter.shape }, (masked) =>
          kernel(tf.Conv2DBackpropFilter, { x, dy: masked }, { filterShape: filter.shape }),
        ),
      bias: () => run(CONV2D_BIAS_ACT_KERNELS.biasGrad, {}, {}, (masked) => tf.sum(masked, [0, 1, 2])),
    };
  },
});

/**
 * Options of {@link conv2dBiasAct}.
 *
 * @example
 * ```ts
 * const options: Conv2dBiasActOptions = { strides: [2, 2], pad: 1, activation: 'relu' };
 * ```
 */
export interface Conv2dBiasActOptions {
  /** `[sh, sw]`. */
  strides: [number, number];
  /** Zero padding on each side (one number), or explicit NHWC padding. */
  pad: number | tf.backend_util.ExplicitPadding;
  /** `'linear'` or `'relu'`. */
  activation: 'linear' | 'relu';
}

/**
 * `act(conv2d(x, filter) + bias)` as one trainable op: on a backend that registers the
 * {@link CONV2D_BIAS_ACT_KERNELS} (the WASM backend of `@onecycle/backends`) the forward pass is one
 * kernel and the backward pass two (filter and bias gradients together, and the input gradient only
 * when something needs it — never for the image); elsewhere it is `tf.fused.conv2d`.
 *
 * @example
 * ```ts
 * const y = conv2dBiasAct(x, filter, bias, { strides: [1, 1], pad: 1, activation: 'relu' });
 * ```
 */
export function conv2dBiasAct(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  options: Conv2dBiasActOptions,
): tf.Tensor4D {
  const { strides, pad, activation } = options;
  if (!hasKernel(CONV2D_BIAS_ACT_KERNELS.forward)) {
    return tf.fused.conv2d({ x, filter, strides, pad, bias: bias ?? undefined, activation });
  }
  registerGradient();
  const inputs: tf.NamedTensorMap = bias ? { x, filter, bias } : { x, filter };
  // Under a gradient tape the kernel may keep what the filter gradient will need (its patch matrix).
  const keepPatches = tf.engine().state.gradientDepth > 0;
  const attrs: Conv2dBiasActAttrs = {
    strides,
    pad,
    activation,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    keepPatches,
  };
  return tf
    .engine()
    .runKernel(CONV2D_BIAS_ACT_KERNELS.forward, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
